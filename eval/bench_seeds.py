"""How much the held-out figures move with the way items are dealt into folds.

    .venv/bin/python eval/bench_seeds.py [--seeds 13,1,2,3,4] [--name seeds]

Every learned part is fitted by `assistant fit` with grouped 5-fold cross-validation, and every published answer
figure is held out: each item judged by the models fitted without its fold. Which items share a fold is decided
by a seed (13 for the published models). This refits everything once per seed (`assistant fit --seed S`, into a
temporary folder: the shipped models and published reports are not touched) and evaluates each seed's fold
models (`assistant eval --fold-models …`), then writes the figures per seed with their median and range to
eval/reports/NAME.md and .json. A change to the answer layer is worth believing when it holds across seeds,
not only at the published one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
ASSISTANT = str(Path(sys.executable).parent / "assistant")
MEASURES = {  # name in the report -> where it is read from
    "keyword coverage": ("answers", "keyword_coverage"),
    "answerable not covered": ("answers", "false_abstention"),
    "answerable partial": ("answers", "answerable_partial"),
    "unanswerable not covered": ("answers", "abstention"),
    "unanswerable flagged": ("answers", "unanswerable_partial_or_not_covered"),
    "hit@1": ("retrieval", "hit@1"),
    "hit@5": ("retrieval", "hit@5"),
    "MRR@10": ("retrieval", "mrr@10"),
}


def run_seed(seed: int, folder: Path) -> dict[str, float]:
    """Fit with `seed` into `folder`, evaluate with its fold models, and read the figures back."""
    models, reports = folder / "models", folder / "reports"
    subprocess.run([ASSISTANT, "fit", "--seed", str(seed), "--output", str(models), "--reports", str(folder)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([ASSISTANT, "eval", "--reports", str(reports), "--fold-models", str(folder / "fold-models.json"),
                    "--compare", "hybrid"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    answers = json.loads((reports / "retrieval-answers.json").read_text())["metrics"]
    retrieval = next(r for r in json.loads((reports / "retrieval.json").read_text())["results"] if r["mode"] == "hybrid")
    sources = {"answers": answers, "retrieval": retrieval["metrics"]}
    return {name: float(sources[source][key]) for name, (source, key) in MEASURES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="13,1,2,3,4", help="Fold seeds, comma-separated (13: the published one).")
    parser.add_argument("--name", default="seeds", help="Report name: eval/reports/<name>.md and .json.")
    arguments = parser.parse_args()
    seeds = [int(s) for s in arguments.seeds.split(",") if s.strip()]
    figures: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="assistant-seeds-") as scratch:
        for seed in seeds:
            figures[seed] = run_seed(seed, Path(scratch) / str(seed))
            print(f"seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures[seed].items()), flush=True)
    summary = {
        name: {"median": statistics.median(f[name] for f in figures.values()),
               "min": min(f[name] for f in figures.values()), "max": max(f[name] for f in figures.values())}
        for name in MEASURES
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{arguments.name}.json").write_text(json.dumps({"seeds": figures, "summary": summary}, indent=2))
    header = "| fold seed | " + " | ".join(MEASURES) + " |"
    rows = [f"| {seed}{' (published)' if seed == 13 else ''} | " + " | ".join(f"{f[n]:.3f}" for n in MEASURES) + " |"
            for seed, f in figures.items()]
    rows.append("| **median** | " + " | ".join(f"**{summary[n]['median']:.3f}**" for n in MEASURES) + " |")
    rows.append("| range | " + " | ".join(f"{summary[n]['min']:.3f}–{summary[n]['max']:.3f}" for n in MEASURES) + " |")
    markdown = (
        "# Held-out figures by fold seed\n\n"
        f"`eval/bench_seeds.py --seeds {arguments.seeds}`: every model refitted per seed (`assistant fit --seed`), each "
        "item judged by the models fitted without its fold (`assistant eval --fold-models`); QA sets "
        "eval/qa.jsonl + eval/practitioner-dev.jsonl.\n\n"
        + header + "\n|" + "---|" * (len(MEASURES) + 1) + "\n" + "\n".join(rows) + "\n"
    )
    (REPORTS / f"{arguments.name}.md").write_text(markdown)
    print("\n" + markdown)


if __name__ == "__main__":
    main()
