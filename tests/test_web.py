"""The Flask app with Flask's test client over a real store and index."""
import pytest

from ingest.pipeline import ingest_paths
from web.app import create_app


@pytest.fixture
def client(kb, corpus_copy):
    ingest_paths(kb, [corpus_copy], workers=1)
    app = create_app(kb.settings, kb=kb)
    app.config["TESTING"] = True
    return app.test_client()


def test_home_search_and_practice_page(client, kb):
    home = client.get("/")
    assert home.status_code == 200 and "3 practices" in home.get_data(as_text=True)
    page = client.get("/?q=Mieszkanie+za+remont").get_data(as_text=True)
    assert "Mieszkanie za remont" in page and "/practices/" in page
    practice = next(p for p in kb.store.list() if p.title.startswith("Mieszkanie"))
    sheet = client.get(f"/practices/{practice.id}?q=remont").get_data(as_text=True)
    assert "Resources needed" in sheet and "Żyrardów" in sheet and 'href="/?q=remont"' in sheet
    assert "/tmp" not in sheet  # the server's folders are not shown


def test_api_matches_the_cli_shape(client):
    hits = client.get("/api/search?q=ogrody&k=2").get_json()
    assert 1 <= len(hits) <= 2 and {"id", "title", "language", "city", "country", "score", "source"} <= set(hits[0])
    one = client.get(f"/api/practices/{hits[0]['id']}").get_json()
    assert one["id"] == hits[0]["id"] and one["body"]
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search?q=x&k=abc").status_code == 400
    assert client.get("/api/practices/nope").status_code == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/practices/does-not-exist")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
