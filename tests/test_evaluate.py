"""The evaluation's arithmetic: pairs as a share of the ideal ranking, favouritism, halves, the cut-off."""
import json

import pytest

from kb.evaluate import evaluate, evaluate_cutoff, ideal_pair_ndcg, load_qrels
from kb.models import Practice, SourceRef


def _practice(pid: str, name: str, language: str, ordinal: int = 1) -> Practice:
    return Practice(id=pid, title=pid, body="", language=language, source=SourceRef(f"/docs/{name}", "x", ordinal=ordinal))


PRACTICES = [_practice("a", "a.txt", "pl"), _practice("b", "b.txt", "uk"), _practice("c", "c.txt", "en"),
             _practice("c2", "c.txt", "en", ordinal=2)]


def _qrels(tmp_path, *items):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    return load_qrels(path, PRACTICES)


def test_ideal_ranking_of_equal_grades_shares_their_places():
    # Two answers of grade 2: the ideal ranking puts either first, so each gets the mean of places 1 and 2.
    assert ideal_pair_ndcg({"a": 2, "b": 2}, {"a"}) == pytest.approx((1 + 1 / 1.58496) / 2, rel=1e-4)
    assert ideal_pair_ndcg({"a": 2, "b": 1}, {"a"}) == pytest.approx(1.0)


def test_a_ranking_that_puts_the_query_language_first_shows_as_favouritism(tmp_path):
    qrels = _qrels(tmp_path, {"id": "q1", "query": "x", "lang": "pl", "relevant": {"a.txt": 2, "b.txt": 2}})
    result = evaluate(qrels, lambda q: ["a", "b"])
    assert result["pl→pl"]["share"] == pytest.approx(1 / 0.8155, rel=1e-3)
    assert result["pl→uk"]["share"] == pytest.approx(0.6309 / 0.8155, rel=1e-3)
    assert result["favouritism"]["difference"] == pytest.approx((1 - 0.6309) / 0.8155, rel=1e-3)
    assert result["all"]["ndcg@10"] == pytest.approx(1.0)
    assert evaluate(qrels, lambda q: ["b", "a"])["favouritism"]["difference"] < 0


def test_a_file_judged_as_a_whole_counts_once_whichever_of_its_practices_ranks(tmp_path):
    qrels = _qrels(tmp_path, {"id": "q1", "query": "x", "lang": "en", "relevant": {"c.txt": 2}, "split": "tune"},
                   {"id": "q2", "query": "y", "lang": "en", "relevant": {"a.txt": 1}, "split": "held-out"})
    assert qrels.units(["c2", "a", "c"]) == ["c.txt", "a.txt"]
    assert evaluate(qrels, lambda q: ["c2", "c"], "tune")["all"] == pytest.approx(
        {"recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0, "queries": 1})
    assert qrels.splits == ["tune", "held-out"] and evaluate(qrels, lambda q: ["b"], "held-out")["all"]["ndcg@10"] == 0


def test_the_cutoff_counts_nonsense_answered_and_answers_hidden(tmp_path):
    qrels = _qrels(tmp_path, {"id": "n1", "query": "zzz", "lang": "en", "relevant": {}},
                   {"id": "n2", "query": "qqq", "lang": "en", "relevant": {}},
                   {"id": "q1", "query": "x", "lang": "pl", "relevant": {"a.txt": 2, "b.txt": 1}})
    answers = {"zzz": [("a", False)], "qqq": [("b", True)], "x": [("b", True), ("a", False)]}
    cut = evaluate_cutoff(qrels, answers.__getitem__)
    assert cut["no_good_match"] == 0.5 and cut["lost_answer"] == 1.0 and cut["judged"] == 1


def test_a_judged_text_the_knowledge_base_lacks_is_an_error_unless_its_language_is_given(tmp_path):
    item = {"id": "q1", "query": "x", "lang": "pl", "relevant": {"a.txt": 2, "gone.txt": 2}}
    with pytest.raises(ValueError, match="gone.txt"):
        _qrels(tmp_path, item)
    qrels = _qrels(tmp_path, {**item, "languages": {"a.txt": "pl", "gone.txt": "uk"}})
    assert qrels.unstored == {"gone.txt"}
    result = evaluate(qrels, lambda q: ["a"])  # a text ingest screened out is a miss for every ranking
    assert result["all"]["recall@10"] == 0.5 and result["pl→uk"]["ndcg@10"] == 0.0
