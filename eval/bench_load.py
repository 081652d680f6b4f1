"""Load, cold start and memory of the HTTP service, measured on loopback.

    .venv/bin/python eval/bench_load.py [--seconds 30] [--concurrency 1,4,16] [--runs 3] [--starts 5] [--name load]

Starts `assistant serve` as a separate process on a free port (the built index in
ASSISTANT_INDEX_DIR or ./index). Cold start is process start to a 200 from /ready, timed
over several starts, with the time the first question then takes. Then POST /ask is driven by an async httpx load generator at each
concurrency for the given duration, `--runs` times, with the query-vector cache off (every
request embeds its question) and on (questions repeat, as the QA set's questions cycle);
the figures are medians over the runs. Prints them and writes eval/reports/load.json and
load.md (or <name>.json and .md). The server takes its settings from the environment, so
`ASSISTANT_STORE=postgres ASSISTANT_DATABASE_URL=… ASSISTANT_INDEX_DIR=…` measures the PostgreSQL
store. The generator shares the two cores with the server, so these are the figures of
one small machine doing both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"


def questions() -> list[str]:
    items = [json.loads(line) for line in (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if line.strip()]
    return [item["question"] for item in items if not item.get("history")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, environment: dict[str, str]) -> tuple[subprocess.Popen, float]:  # type: ignore[type-arg]
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(port), "--no-access-log"],
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not become ready within 120 s")


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def drive(url: str, concurrency: int, seconds: float, pool: list[str]) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    counter = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors, counter
        while time.perf_counter() < stop:
            question = pool[counter % len(pool)]
            counter += 1
            sent = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": question})
                if response.status_code != 200:
                    errors += 1
                    continue
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - sent) * 1000)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        begun = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - begun
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else float("nan")

    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
    }


def median_level(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over repeated runs of one level; errors are summed, never hidden."""
    merged = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    merged["errors"] = sum(run["errors"] for run in runs)
    merged["runs"] = len(runs)
    return merged


FIRST_QUESTION = "What can security sector reform do about armed violence in countries at peace?"


def cold_starts(count: int) -> tuple[list[float], list[float]]:
    """For `count` fresh processes: seconds from process start to a 200 from /ready, and milliseconds the first
    question asked then takes (what start-up left to load is loaded by it)."""
    seconds, first = [], []
    for _ in range(count):
        port = free_port()
        process, cold = start_server(port, {})
        seconds.append(cold)
        sent = time.perf_counter()
        httpx.post(f"http://127.0.0.1:{port}/ask", json={"question": FIRST_QUESTION}, timeout=60).raise_for_status()
        first.append((time.perf_counter() - sent) * 1000)
        process.send_signal(signal.SIGINT)
        process.wait(30)
    return seconds, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="Duration of each load level.")
    parser.add_argument("--concurrency", default="1,4,16", help="Concurrency levels.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each level; the report gives medians.")
    parser.add_argument("--starts", type=int, default=5, help="Cold starts timed.")
    parser.add_argument("--name", default="load", help="Report name: eval/reports/<name>.md and .json.")
    arguments = parser.parse_args()
    levels = [int(c) for c in arguments.concurrency.split(",")]
    pool = questions()
    starts, firsts = cold_starts(arguments.starts)
    print(f"cold start: median {statistics.median(starts):.2f} s over {len(starts)} starts ({', '.join(f'{s:.2f}' for s in starts)})")
    print(f"first answer after /ready: median {statistics.median(firsts):.0f} ms ({', '.join(f'{f:.0f}' for f in firsts)})")
    report: dict[str, object] = {
        "seconds_per_level": arguments.seconds, "runs_per_level": arguments.runs, "questions": len(pool),
        "cpus": os.cpu_count(), "cold_start_s": {"median": statistics.median(starts), "all": starts},
        "first_answer_ms": {"median": statistics.median(firsts), "all": firsts},
    }
    for label, cache in (("cache off", "0"), ("cache on", "2048")):
        port = free_port()
        process, _ = start_server(port, {"ASSISTANT_QUERY_CACHE_SIZE": cache})
        try:
            url = f"http://127.0.0.1:{port}"
            asyncio.run(drive(url, 1, 3, pool))  # warm up: first requests, kernels, caches
            levels_out = [
                median_level([asyncio.run(drive(url, c, arguments.seconds, pool)) for _ in range(arguments.runs)])
                for c in levels
            ]
            report[label] = {"rss_mb_after": resident_mb(process.pid), "levels": levels_out}
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(30)
        for level in levels_out:
            print(
                f"{label:9} c={level['concurrency']:>2}  p50 {level['p50_ms']:6.1f} ms  p95 {level['p95_ms']:6.1f}  "
                f"p99 {level['p99_ms']:6.1f}  {level['rps']:6.1f} req/s  errors {level['errors']}"
            )
        print(f"{label:9} resident memory {report[label]['rss_mb_after']:.0f} MB")  # type: ignore[index]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{arguments.name}.json").write_text(json.dumps(report, indent=2))
    rows = [
        f"| {label} | {level['concurrency']} | {level['p50_ms']:.1f} | {level['p95_ms']:.1f} | {level['p99_ms']:.1f} | "
        f"{level['rps']:.1f} | {level['errors']} |"
        for label in ("cache off", "cache on")
        for level in report[label]["levels"]  # type: ignore[index]
    ]
    markdown = (
        "# Load: POST /ask over loopback\n\n"
        f"{arguments.seconds:.0f} s per level, {arguments.runs} runs each, medians shown (errors summed); "
        f"{len(pool)} QA questions cycled; server and load generator share {os.cpu_count()} cores.\n\n"
        "| query cache | concurrency | p50 ms | p95 ms | p99 ms | requests/s | errors |\n|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + f"- cold start (process start to 200 from /ready): median {statistics.median(starts):.2f} s over {len(starts)} "
        f"starts ({', '.join(f'{s:.2f}' for s in starts)})\n"
        + f"- first answer after /ready (one question, the first the process is asked): median {statistics.median(firsts):.0f} ms "
        f"({', '.join(f'{f:.0f}' for f in firsts)})\n"
        + "\n".join(
            f"- {label}: resident memory after the run {report[label]['rss_mb_after']:.0f} MB"  # type: ignore[index]
            for label in ("cache off", "cache on")
        )
        + "\n"
    )
    (REPORTS / f"{arguments.name}.md").write_text(markdown)
    print(f"\nwrote {REPORTS / (arguments.name + '.md')}")


if __name__ == "__main__":
    main()
