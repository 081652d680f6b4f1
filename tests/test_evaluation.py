from pathlib import Path

import ir_measures
import pytest
from ir_measures import Qrel, ScoredDoc

from assistant.evaluation import (
    MEASURES, QAItem, GoldQuote, evaluate_mode, gold_problems, judged_run, load_qa, quote_places, quote_spans,
)
from assistant.errors import AssistantError, InvalidOption
from assistant.models import Document, Passage, SearchHit
from conftest import BACKGROUNDER

QA = Path(__file__).resolve().parent.parent / "eval" / "qa.jsonl"
DEV = QA.with_name("practitioner-dev.jsonl")


def test_the_qa_set_is_valid_and_its_quotes_are_verbatim(corpus_documents):
    items = load_qa(QA)
    assert len(items) >= 30
    assert gold_problems(items, corpus_documents) == []
    assert all(2 <= len(item.answer_keywords) <= 5 for item in items if item.gold)


def test_every_quote_of_the_independent_set_is_found_in_its_brief(corpus_documents):
    # its quotes are verbatim with whitespace collapsed: a list quoted on one line stands on several in the brief
    items = load_qa(DEV)
    assert gold_problems(items, corpus_documents) == []
    assert all(places for item in items for places in quote_spans(item, corpus_documents))


def test_a_quote_matches_across_line_breaks_and_only_whole():
    text = "Intro.\n\n1. Increase dialogue\n\n2. Support leaders\n\nEnd. 1. Increase dialogue 2. Support leaders"
    first = text.index("1.")
    assert quote_places("1. Increase dialogue 2. Support leaders", text) == [
        (first, text.index("leaders") + len("leaders")), (text.rindex("1."), len(text)),
    ]
    assert quote_places("Increase  dialogue", text)[0] == (text.index("Increase"), text.index("Increase") + len("Increase dialogue"))
    assert quote_places("1. Increase dialogue 3. Support", text) == []
    assert quote_places("   ", text) == []
    assert quote_places("End. (1)", "End. (1) x") == [(0, 8)]  # characters of regular expressions are plain text


def test_a_bad_qa_line_is_named(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text('{"id": "x", "question": "q", "kind": "nonsense", "gold": []}\n')
    with pytest.raises(AssistantError, match="qa.jsonl:1"):
        load_qa(path)


def _passage(pid, doc, start, end):
    return Passage(pid, doc, "T", ("S",), start, end, (), "x" * (end - start))


def test_metrics_on_a_hand_computed_case():
    text = "".join(f"{i:03d}" for i in range(100))  # every 3-character piece is unique
    documents = {"d": Document("d", "T", "d", "text", text, "h"), "e": Document("e", "T", "e", "text", text, "h")}
    item = QAItem("q", "question", "fact", (GoldQuote("d", text[100:120]), GoldQuote("e", text[0:10])))
    hits = [
        SearchHit(_passage("p1", "d", 200, 300), 3.0, 1),  # covers nothing
        SearchHit(_passage("p2", "d", 90, 150), 2.0, 2, (_passage("p3", "e", 0, 50),)),  # covers both golds
    ]
    run = judged_run(item, hits, documents)
    assert [r.doc_id for r in run] == ["miss-1", "gold-0", "gold-1"]
    qrels = [Qrel("q", "gold-0", 1), Qrel("q", "gold-1", 1)]
    values = ir_measures.calc_aggregate(list(MEASURES.values()), qrels, run)
    by_name = {name: values[measure] for name, measure in MEASURES.items()}
    assert by_name["hit@1"] == 0.0 and by_name["hit@5"] == 1.0
    assert by_name["mrr@10"] == pytest.approx(0.5)
    assert by_name["recall@10"] == pytest.approx(1.0)
    # DCG = 1/log2(3) + 1/log2(4); ideal = 1 + 1/log2(3)
    import math

    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert by_name["ndcg@10"] == pytest.approx(expected)


@pytest.mark.model
def test_eval_runs_on_the_real_index(real_retriever):
    items = load_qa(QA)
    result = evaluate_mode(real_retriever, items, "hybrid")
    assert result.metrics["hit@5"] >= 0.8  # guards against regressions; measured 0.86 when written
    assert result.latency_ms["p50"] > 0


def test_keyword_coverage_and_citation_checks(corpus_documents):
    from assistant.evaluation import citation_problems, keyword_coverage

    document = corpus_documents[BACKGROUNDER]
    quote = "SSR is the political and technical process of improving state and human security"
    start = document.text.index(quote)
    citation = {"marker": 1, "doc_id": BACKGROUNDER, "start": start, "end": start + len(quote), "quote": quote}
    answer = {
        "answer": f"{quote} [1]",
        "abstained": False,
        "sentences": [{"text": quote, "markers": [1]}],
        "citations": [citation],
        "entry_points": [],
    }
    assert citation_problems(answer, corpus_documents) == []
    assert keyword_coverage(answer, ("political", "technical", "good governance")) == pytest.approx(2 / 3)
    answer["citations"] = [{**citation, "start": start + 1, "end": start + len(quote) + 1}]
    answer["sentences"][0]["markers"] = [1, 2]
    problems = citation_problems(answer, corpus_documents)
    assert any("not verbatim" in p for p in problems) and any("[2] resolves to no citation" in p for p in problems)
    answer["abstained"] = True
    assert keyword_coverage(answer, ("political",)) == 0.0


def test_the_keywords_the_top_passages_hold_count_whatever_the_answer_quotes():
    from assistant.evaluation import passage_keyword_coverage

    passages = [{"text": "Pilots steer at night."}, {"text": "Dues rise."}, {"text": "The harbour silts up."}]
    answer = {"abstained": True, "sentences": [], "entry_points": [], "passages": passages}
    assert passage_keyword_coverage(answer, ("night", "silts", "quays")) == pytest.approx(2 / 3)
    assert passage_keyword_coverage(answer, ("night", "silts"), top=2) == pytest.approx(1 / 2)  # only the top ones
    assert passage_keyword_coverage(answer, ()) == 1.0


def test_thresholds_guard_metrics():
    from assistant.evaluation import check_thresholds, parse_bounds

    values = {"hit@5": 0.88, "false_abstention": 0.05}
    assert check_thresholds(values, parse_bounds(["hit@5=0.85"]), parse_bounds(["false_abstention=0.1"])) == []
    failures = check_thresholds(values, parse_bounds(["hit@5=0.9", "mrr@10=0.5"]), parse_bounds(["false_abstention=0.01"]))
    assert len(failures) == 3 and "below the minimum 0.9" in failures[0] and "no such metric" in failures[1]
    with pytest.raises(InvalidOption, match="NAME=NUMBER"):
        parse_bounds(["hit@5>0.9"])
    with pytest.raises(InvalidOption, match="'mrr' is not a metric"):  # a typo is caught before any evaluation runs
        parse_bounds(["mrr=0.5"])


def test_a_guard_typo_exits_2_before_the_evaluation(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["eval", "--min", "hit5=0.9", "--index", str(tmp_path / "no-index")])
    assert result.exit_code == 2 and "'hit5' is not a metric" in result.output  # not "no index": checked first


def test_recall_curve_by_hand():
    from assistant.evaluation import score_runs

    item = QAItem("q1", "?", "fact", (GoldQuote("d", "a"), GoldQuote("d", "b")))
    run = [ScoredDoc("q1", "miss-1", 3.0), ScoredDoc("q1", "gold-0", 2.0), ScoredDoc("q1", "gold-1", 1.0)]
    result = score_runs("toy", [item], run, [1.0])
    assert result.recall_curve[:4] == [0.0, 0.5, 1.0, 1.0]
    assert result.metrics["mrr@10"] == pytest.approx(0.5) and result.metrics["hit@1"] == 0.0


def test_a_quote_stated_twice_is_found_at_either_place():
    text = "Intro. SSR is a process. Middle part here. SSR is a process. End."
    document = Document("d", "D", "d.txt", "text", text, "h")
    item = QAItem("q", "?", "definition", (GoldQuote("d", "SSR is a process."),))
    second = text.rindex("SSR is a process.")
    passage = Passage("p", "d", "D", (), second - 5, len(text), (), text[second - 5 :])
    run = judged_run(item, [SearchHit(passage, 1.0, 1)], {"d": document})
    assert run[0].doc_id == "gold-0"


@pytest.mark.model
def test_eval_runs_on_a_set_without_follow_ups_or_answerable_items(real_retriever, tmp_path):
    from assistant.evaluation import followup_comparison

    standalone = tmp_path / "standalone.jsonl"
    standalone.write_text(
        '{"id": "a", "question": "What is SSR?", "kind": "definition", "gold": [{"doc_id": "' + BACKGROUNDER
        + '", "quote": "SSR is the political and technical process of improving state and human security"}]}\n'
    )
    figures = followup_comparison(real_retriever, load_qa(standalone))
    assert figures["followups"] == 0 and figures["standalone"] == 1
    none_answerable = tmp_path / "unanswerable.jsonl"
    none_answerable.write_text('{"id": "u", "question": "How do I bake bread?", "kind": "unanswerable", "gold": []}\n')
    assert evaluate_mode(real_retriever, load_qa(none_answerable), "hybrid").metrics["hit@5"] == 0.0
