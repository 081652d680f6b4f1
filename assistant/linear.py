"""The one kind of learned model the assistant ships: a small logistic regression stored as JSON.

Fitted by scikit-learn (fitting.py), applied here with numpy alone. Inputs are clipped to the
range seen when fitting, so a question unlike any in the QA sets is never extrapolated to an
absurd probability, and each weight keeps the sign its feature's meaning gives it: a feature
fitted against its declared direction is an accident of a small sample, so it is left out and
the rest fitted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    low: np.ndarray  # each feature's range in the fitting data
    high: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # weights of the standardised features
    intercept: float
    meta: dict = field(default_factory=dict)  # type: ignore[type-arg]  # how it was fitted

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """One probability per row of features (a 2-d array, columns in the order of `features`)."""
        clipped = np.clip(rows, self.low, self.high)
        z = ((clipped - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def probability(self, row: np.ndarray) -> float:
        return float(self.probabilities(row[None, :])[0])

    def to_json(self) -> dict:  # type: ignore[type-arg]
        return {
            "features": list(self.features),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":  # type: ignore[type-arg]
        def array(name: str) -> np.ndarray:
            return np.array(data[name], dtype=np.float64)

        return cls(
            tuple(data["features"]), array("low"), array("high"), array("mean"), array("scale"), array("coef"),
            float(data["intercept"]), dict(data.get("meta", {})),
        )


def usable(data: dict, features: tuple[str, ...], embedding_model: str) -> bool:  # type: ignore[type-arg]
    """Whether a stored model was fitted on these features and on this embedding model's cosines."""
    return tuple(data.get("features", ())) == features and data.get("meta", {}).get("embedding_model") == embedding_model


def fit_linear(
    rows: np.ndarray, labels: np.ndarray, features: tuple[str, ...], directions: dict[str, int], strength: float,
    meta: dict | None = None,  # type: ignore[type-arg]
) -> LinearModel:
    """Standardised, class-balanced, L2-regularised logistic regression (inverse strength `strength`) whose
    weights keep the signs of `directions` (1, -1, or 0 for either)."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    standard = (rows - mean) / scale
    signs = np.array([directions[name] for name in features])
    used = np.ones(len(features), dtype=bool)
    while True:
        model = LogisticRegression(C=strength, class_weight="balanced", max_iter=2000)
        model.fit(standard[:, used], labels)
        coef = np.zeros(len(features))
        coef[used] = model.coef_[0]
        wrong = used & (coef * signs < 0)
        if not wrong.any():
            return LinearModel(
                features, rows.min(axis=0), rows.max(axis=0), mean, scale, coef, float(model.intercept_[0]),
                {**(meta or {}), "C": strength},
            )
        used[np.argmax(np.where(wrong, np.abs(coef), -1))] = False  # the worst offender first
