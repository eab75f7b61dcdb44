import json

import numpy as np
import pytest

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
