"""The answerability model: grouped folds, thresholds, sign constraints, and the shipped file."""

import json

import numpy as np
import pytest

from assistant import fitting
from assistant.answerability import ANSWERED, FEATURES, MODEL_PATH, NOT_COVERED, PARTIAL, load_support_model
from assistant.evaluation import GoldQuote, QAItem


def test_items_of_one_conversation_or_one_gold_quote_share_a_group():
    turn = ({"role": "user", "content": "What push factors are there?"}, {"role": "assistant", "content": "…"})
    items = [
        QAItem("a", "Which countries?", "followup", (GoldQuote("d", "x"),), history=turn),
        QAItem("b", "And why?", "followup", (GoldQuote("d", "y"),), history=turn),
        QAItem("c", "What is x?", "fact", (GoldQuote("d", "x  "),)),  # the same quote as a, spaced differently
        QAItem("d", "Unrelated?", "unanswerable", ()),
    ]
    groups = fitting.item_groups(items)
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_the_fold_seed_deals_groups_into_folds_whole_and_reproducibly():
    groups = np.repeat(np.arange(40), 3)  # 40 groups of three items

    def dealt(seed):
        return [frozenset(groups[test].tolist()) for test in fitting._folds(groups, seed=seed)]

    for seed in (fitting.SEED, 1):
        folds = dealt(seed)
        assert len(folds) == fitting.FOLDS and frozenset().union(*folds) == frozenset(range(40))
        assert sum(len(f) for f in folds) == 40  # a group never spans two folds
        assert dealt(seed) == folds
    assert set(dealt(1)) != set(dealt(fitting.SEED))  # another seed deals them otherwise


def test_thresholds_keep_false_not_covered_under_the_target():
    rng = np.random.default_rng(0)
    good = rng.uniform(0.2, 1.0, 500)
    bad = rng.uniform(0.0, 0.6, 100)
    probabilities = np.concatenate([good, bad])
    answerable = np.array([True] * 500 + [False] * 100)
    low, high = fitting.choose_thresholds(probabilities, answerable)
    assert (good < low).mean() <= fitting.MAX_FALSE_NOT_COVERED
    assert low <= high
    assert (bad < high).mean() >= fitting.MIN_UNANSWERABLE_FLAGGED or (good < high).mean() > fitting.MAX_ANSWERABLE_PARTIAL - 0.01


def test_the_inner_folds_are_dealt_several_ways_and_their_probabilities_pooled_for_the_thresholds():
    features, answerable, groups = synthetic()
    strength, inner = fitting.choose_strength(features, answerable, groups, FEATURES, fitting.DIRECTION)
    assert strength in fitting.REGULARISATIONS
    assert inner.shape == (fitting.INNER_DEALS, len(features))
    assert len(set(fitting.inner_deals())) == fitting.INNER_DEALS and fitting.inner_deals()[0] == fitting.SEED
    assert not np.allclose(inner[0], inner[1])  # other deals, other held-out probabilities
    pooled = fitting.choose_thresholds(inner.ravel(), np.tile(answerable, fitting.INNER_DEALS))
    assert fitting.choose_thresholds(inner, answerable) == pooled
    assert fitting.choose_thresholds(inner[:1], answerable) == fitting.choose_thresholds(inner[0], answerable)


def test_the_strongest_regularisation_within_the_tolerance_of_the_best_is_chosen(monkeypatch):
    """Inner ROC AUCs that differ by less than the deals do pick the simpler model, not the last thousandth."""
    features, answerable, groups = synthetic(n=40)
    aucs = {0.01: 0.870, 0.03: 0.880, 0.1: 0.8865, 0.3: 0.8876, 1.0: 0.8873}

    def tagged(rows, labels, groups, strength, *rest):  # each strength's "probabilities" carry the strength
        return np.full(len(rows), strength)

    monkeypatch.setattr(fitting, "out_of_fold_probabilities", tagged)
    monkeypatch.setattr(fitting, "roc_auc", lambda probabilities, labels: aucs[float(probabilities[0])])
    assert fitting.choose_strength(features, answerable, groups, FEATURES, fitting.DIRECTION)[0] == 0.1
    aucs[0.3] = 0.8900  # a gain beyond the tolerance is taken
    assert fitting.choose_strength(features, answerable, groups, FEATURES, fitting.DIRECTION)[0] == 0.3


def synthetic(n=240, seed=1):
    rng = np.random.default_rng(seed)
    answerable = rng.random(n) < 0.7
    features = rng.normal(size=(n, len(FEATURES)))
    cosine = FEATURES.index("passage_cosine")
    features[:, cosine] += np.where(answerable, 1.5, -1.5)  # a real signal in the direction it should have
    unknown = FEATURES.index("unknown_names")
    features[:, unknown] += np.where(answerable, 1.0, -1.0)  # a signal against its declared direction: an accident
    return features, answerable, np.arange(n) // 2


def test_a_weight_against_its_direction_is_dropped():
    features, answerable, groups = synthetic()
    model = fitting.fit_model(features, answerable, groups)
    assert model.model.coef[FEATURES.index("passage_cosine")] > 0
    assert model.model.coef[FEATURES.index("unknown_names")] == 0
    assert model.probability(features[answerable].mean(axis=0)) > model.probability(features[~answerable].mean(axis=0))


def test_inputs_outside_the_fitted_range_are_clipped_not_extrapolated():
    features, answerable, groups = synthetic()
    model = fitting.fit_model(features, answerable, groups)
    far = features[0].copy()
    far[FEATURES.index("passage_cosine")] = 1e6
    edge = far.copy()
    edge[FEATURES.index("passage_cosine")] = features[:, FEATURES.index("passage_cosine")].max()
    assert model.probability(far) == pytest.approx(model.probability(edge))


def test_levels_follow_the_thresholds_and_an_unreadable_question_is_at_most_partial():
    features, answerable, groups = synthetic()
    model = fitting.fit_model(features, answerable, groups)
    assert model.level(model.not_covered_below / 2) == NOT_COVERED
    assert model.level((model.not_covered_below + model.partial_below) / 2) in (PARTIAL, NOT_COVERED)
    assert model.level(0.999) == ANSWERED
    assert model.level(0.0, readable=False) == PARTIAL and model.level(0.999, readable=False) == PARTIAL


def test_the_shipped_model_matches_todays_features_and_round_trips():
    data = json.loads(MODEL_PATH.read_text())
    assert tuple(data["features"]) == FEATURES, "refit with `assistant fit`"
    model = load_support_model(MODEL_PATH, data["meta"]["embedding_model"])
    assert model is not None and 0 < model.not_covered_below < model.partial_below < 1
    assert load_support_model(MODEL_PATH, "another-model") is None  # cosines of another model are on another scale
    assert model.meta["qa_sets"] == ["practitioner-dev", "qa"]
