import json

import numpy as np
import pytest

from kb.debias import reference_sentences, reference_texts
from kb.embed import HashingEmbedder
from kb.index import FaissIndex, IndexNotReady


def vectors(n, dim=256, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_save_load_search_remove(tmp_path):
    emb = HashingEmbedder()
    index = FaissIndex.create(tmp_path / "ix", emb, debias="none")
    v = vectors(50)
    index.add(list(range(100, 150)), v, ["pl"] * 50)
    index.save()
    assert not list((tmp_path / "ix").glob("*.tmp*"))  # written through temporary files, renamed into place
    manifest = json.loads((tmp_path / "ix" / "manifest.json").read_text())
    assert manifest["model_id"] == emb.model_id and manifest["dimension"] == 256 and manifest["count"] == 50

    loaded = FaissIndex.load(tmp_path / "ix")
    top = loaded.search(v[7], 3)
    assert top[0][0] == 107 and top[0][1] == pytest.approx(1.0, abs=1e-4)
    loaded.remove([107])
    assert loaded.count == 49 and all(i != 107 for i, _ in loaded.search(v[7], 5))


def test_mismatched_model_fails_with_a_fix(tmp_path):
    index = FaissIndex.create(tmp_path / "ix", HashingEmbedder(), debias="none")
    index.save()

    class Other(HashingEmbedder):
        model_id = "other/model"
        dimension = 384

    with pytest.raises(IndexNotReady, match=r"kb index"):
        FaissIndex.load(tmp_path / "ix").check(Other())
    with pytest.raises(IndexNotReady, match="debias"):
        FaissIndex.load(tmp_path / "ix").check(HashingEmbedder(), "subspace")


def test_missing_index_says_what_to_run(tmp_path):
    with pytest.raises(IndexNotReady, match="kb ingest"):
        FaissIndex.load(tmp_path / "nothing")


def clustered(n, dim=256, clusters=60, seed=1):
    """Vectors around a few dozen topics, as embeddings of real texts are (random ones have no clusters)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    v = centres[rng.integers(0, clusters, n)] + 0.35 * rng.normal(size=(n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_past_the_exact_limit_the_index_turns_approximate(tmp_path):
    index = FaissIndex.create(tmp_path / "ix", HashingEmbedder(), debias="none")
    v = clustered(6000)
    ids = list(range(10, 6010))
    index.add(ids, v, ["en"] * 6000)
    assert index.fit_to_size(50_000) is index and index.exact  # under the limit: exact
    small = FaissIndex.create(tmp_path / "small", HashingEmbedder(), debias="none")
    small.add(ids[:40], v[:40], ["en"] * 40)
    assert small.fit_to_size(10).exact  # a tiny collection stays exact whatever the limit

    ivf = index.fit_to_size(1_000)
    assert not ivf.exact and ivf.manifest.index_type.startswith("IVF") and ivf.count == 6000
    exact_hits = [index.search(v[i], 10) for i in range(0, 6000, 300)]
    ivf_hits = [ivf.search(v[i], 10) for i in range(0, 6000, 300)]
    recall = np.mean([len({a for a, _ in e} & {b for b, _ in x}) / 10 for e, x in zip(exact_hits, ivf_hits)])
    assert recall >= 0.9
    assert ivf.search(v[5], 1)[0][0] == 15
    assert [i for i, _ in ivf.search(v[5], 3, only=[15, 16])][0] == 15  # filters work inside IVF
    ivf.remove([15])
    assert all(i != 15 for i, _ in ivf.search(v[5], 5)) and ivf.score(v[5], [16]).keys() == {16}
    ivf.save()
    again = FaissIndex.load(tmp_path / "ix")
    assert not again.exact and again.count == 5999 and again.manifest.nprobe == ivf.manifest.nprobe


def test_the_reference_texts_stay_parallel():
    """The de-biasing learns language from translations: text i must be the same in every language,
    sentences first, then runs of 3 consecutive sentences wrapping round at the end."""
    sentences = reference_sentences()
    texts = reference_texts()
    n = len(sentences["en"])
    assert set(texts) == {"en", "pl", "uk"} and n >= 50
    assert all(len(texts[lang]) == 2 * n for lang in texts)
    for lang in texts:
        assert texts[lang][:n] == sentences[lang]
        assert texts[lang][n] == " ".join(sentences[lang][:3])
        assert texts[lang][-1] == " ".join([sentences[lang][-1], *sentences[lang][:2]])


def test_language_means_on_an_approximate_index_skip_passages_it_does_not_hold(tmp_path):
    """The store may be ahead of the index another process saved: the means use what the index holds."""
    import numpy as np

    from kb.embed import HashingEmbedder
    from kb.index import MIN_APPROXIMATE, FaissIndex

    index = FaissIndex.create(tmp_path / "index", HashingEmbedder(), "none")
    n = MIN_APPROXIMATE + 100
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(n, index.manifest.dimension)).astype(np.float32)
    vectors[: n // 2, 0] += 5.0  # the first half ("pl") leans one way
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    languages = {i: ("pl" if i < n // 2 else "uk") for i in range(n)}
    index.add(list(range(n)), vectors, [languages[i] for i in range(n)])
    ivf = index.fit_to_size(0)
    assert not ivf.exact
    means = ivf.language_means({**languages, n + 7: "en"})  # a passage the index does not hold yet
    assert set(means) == {"pl", "uk"} and means["pl"][0] > means["uk"][0]
