"""Two running services, the same questions: are their answers the same?

    .venv/bin/python eval/compare_services.py http://127.0.0.1:8001 http://127.0.0.1:8002 [--name stores-http]

Posts every question of the QA sets (eval/qa.jsonl and eval/practitioner-dev.jsonl; follow-ups with their
history) to `POST /ask` on both services and compares the answers field by field, timings aside: the quoted
sentences, their citations (document, offsets, page, score), the level of support and its probability, the
passages returned. Used to check that a service whose vectors live in PostgreSQL answers exactly as one that
keeps them in memory. Writes eval/reports/<name>.md and .json with the count of identical answers and every
difference.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx

from assistant.evaluation import load_qa

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
SETS = (ROOT / "eval" / "qa.jsonl", ROOT / "eval" / "practitioner-dev.jsonl")


def asked(client: httpx.Client, url: str, body: dict) -> dict:  # type: ignore[type-arg]
    response = client.post(f"{url}/ask", json=body, timeout=60)
    answer = response.json()
    answer.pop("timings", None)
    return {"status": response.status_code, **answer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--name", default="stores-http")
    arguments = parser.parse_args()
    items = [item for path in SETS for item in load_qa(path)]
    differences = []
    with httpx.Client() as client:
        ready = [client.get(f"{url}/ready").json() for url in (arguments.first, arguments.second)]
        for item in items:
            body = {"question": item.question, "history": [{"role": t.role, "content": t.content} for t in item.turns()]}
            first, second = (asked(client, url, body) for url in (arguments.first, arguments.second))
            if first != second:
                differing = sorted(k for k in set(first) | set(second) if first.get(k) != second.get(k))
                differences.append({"id": item.id, "fields": differing})
    stores = [f"{r.get('dense_store')} ({r.get('searched_on')})" for r in ready]
    report = {"services": [arguments.first, arguments.second], "stores": stores, "questions": len(items),
              "identical": len(items) - len(differences), "differences": differences}
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{arguments.name}.json").write_text(json.dumps(report, indent=2))
    lines = [
        "# The same questions to two services (`eval/compare_services.py`)",
        "",
        f"{len(items)} questions of eval/qa.jsonl and eval/practitioner-dev.jsonl (follow-ups with their history), "
        f"`POST /ask` on {stores[0]} and on {stores[1]}; answers compared field by field, timings aside.",
        "",
        f"Identical answers: **{report['identical']} of {len(items)}**.",
    ]
    lines += [f"- {d['id']}: {', '.join(d['fields'])}" for d in differences]
    (REPORTS / f"{arguments.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
