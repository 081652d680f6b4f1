"""How sure a figure is: bootstrap intervals, paired tests between configurations, Holm's correction.

Per-query metric values in, numbers out; scipy does the resampling. Configurations are compared
on the same queries, so the tests are paired: a randomisation (sign-flip permutation) test of the
mean difference, as Smucker, Allan & Carterette (CIKM 2007) recommend for IR evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

RESAMPLES = 10_000
SEED = 2026
LEVEL = 0.95


def bootstrap_interval(values: list[float] | np.ndarray, resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95% percentile-bootstrap interval of the mean of per-query values."""
    from scipy.stats import bootstrap

    data = np.asarray(values, dtype=np.float64)
    if len(data) < 2 or np.all(data == data[0]):
        mean = float(data.mean()) if len(data) else float("nan")
        return mean, mean
    result = bootstrap(
        (data,), np.mean, confidence_level=LEVEL, n_resamples=resamples, method="percentile", random_state=seed
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def paired_randomisation_p(a: list[float] | np.ndarray, b: list[float] | np.ndarray, resamples: int = RESAMPLES, seed: int = SEED) -> float:
    """Two-sided p-value that two configurations' per-query values (same queries, same order) have the same mean."""
    from scipy.stats import permutation_test

    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(x) != len(y):
        raise ValueError("paired values need the same queries in the same order")
    if len(x) == 0 or np.array_equal(x, y):
        return 1.0
    result = permutation_test(
        (x, y), lambda u, v: np.mean(u - v), permutation_type="samples", n_resamples=resamples,
        alternative="two-sided", random_state=seed,
    )
    return float(result.pvalue)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment (Holm 1979) of a family of p-values, in their original order.

    Written out (six lines) rather than imported: scipy has no Holm, and statsmodels would bring
    pandas into the project for it."""
    order = np.argsort(p_values, kind="stable")
    adjusted = np.empty(len(p_values))
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


@dataclass(frozen=True)
class Comparison:
    first: str
    second: str
    metric: str
    difference: float  # mean of first minus mean of second
    p_value: float
    p_holm: float  # corrected over every pair compared on this metric


def compare(per_query: dict[str, dict[str, dict[str, float]]], metrics: list[str]) -> list[Comparison]:
    """Every pair of configurations on every metric, over the queries they share.

    `per_query` maps configuration -> query id -> metric -> value. Holm's correction is applied per
    metric, across the pairs."""
    names = list(per_query)
    comparisons: list[Comparison] = []
    for metric in metrics:
        family = []
        for first, second in combinations(names, 2):
            queries = sorted(set(per_query[first]) & set(per_query[second]))
            a = [per_query[first][q][metric] for q in queries]
            b = [per_query[second][q][metric] for q in queries]
            family.append((first, second, float(np.mean(a) - np.mean(b)) if queries else 0.0, paired_randomisation_p(a, b)))
        for (first, second, difference, p), corrected in zip(family, holm([f[3] for f in family])):
            comparisons.append(Comparison(first, second, metric, difference, p, corrected))
    return comparisons


def intervals(per_query: dict[str, dict[str, float]], metrics: list[str]) -> dict[str, tuple[float, float]]:
    """Metric -> 95% bootstrap interval of its mean over the queries."""
    return {metric: bootstrap_interval([values[metric] for values in per_query.values()]) for metric in metrics}


def comparisons_markdown(comparisons: list[Comparison]) -> str:
    lines = [
        "| metric | A | B | mean A − B | p (paired randomisation) | p, Holm-corrected |",
        "|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        mark = " *" if c.p_holm < 1 - LEVEL else ""
        lines.append(f"| {c.metric} | {c.first} | {c.second} | {c.difference:+.4f} | {c.p_value:.4f} | {c.p_holm:.4f}{mark} |")
    return "\n".join(lines) + "\n\n`*`: significant at 0.05 after correction.\n"
