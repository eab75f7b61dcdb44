"""The API matches its OpenAPI description (web/openapi.json): Schemathesis sends every operation a bounded
number of generated requests, valid and invalid, to the real app in-process (hashing embedder, a few approved
corpus practices) and checks each answer: no server error, a documented status code, content type and body,
valid requests accepted and invalid ones refused."""
import itertools
import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from ingest.pipeline import ingest_paths
from kb import curation
from kb.checklist import CONTEXT_STATUSES, ITEMS, MAX_POPULATION, TASK_STATUSES, new_checklist
from kb.config import Settings
from kb.embed import HashingEmbedder
from kb.knowledge import KnowledgeBase
from kb.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from web.app import create_app

from .conftest import CORPUS, REPO
from .fixtures.builders import approve_all

schema = schemathesis.openapi.from_path(REPO / "web" / "openapi.json")
schema.config.seed = 17  # the same requests on every run
schema.config.generation.update(max_examples=15, deterministic=True, database="none")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The app over a few approved corpus practices (hashing embedder; one for all the operations, as the
    web_app fixture builds it), and what its paths and bodies can name that exists: the practices, a checklist
    and its share link, a public collection of every practice."""
    root = tmp_path_factory.mktemp("openapi")
    kb = KnowledgeBase(Settings().with_values(data_dir=root / "data", model="hashing"), embedder=HashingEmbedder())
    (root / "docs").mkdir()
    for name in ("zyrardow-mieszkanie-za-remont.docx", "las-palmas-huecos-urbanos.pdf", "walbrzych-lokal-na-start.txt"):
        shutil.copy(CORPUS / name, root / "docs" / name)
    ingest_paths(kb, [root / "docs"], workers=1)
    approve_all(kb)
    practices = kb.store.list()
    checklist = new_checklist(practices[0], "Lviv", "UA", 717_000)
    kb.store.save_checklist(checklist)
    cid = curation.save_collection(kb, "test", "Housing and empty buildings", public=True)
    curation.set_items(kb, cid, [(p.id, "") for p in practices], "test")
    app = create_app(kb.settings, kb=kb)
    app.config["TESTING"] = True
    yield app, {"practice": [p.id for p in practices], "checklist": [checklist.id], "token": [checklist.share_token],
                "cid": [cid]}
    kb.close()


def _kind(path: str, name: str) -> str:
    """Which kind of thing a path parameter names."""
    if name == "id":
        return "checklist" if path.startswith(("/api/checklists", "/checklists")) else "practice"
    return name


_DRAWS = itertools.count()


def _real(things: list[str]) -> str | None:
    """One of `things` two times in three, in turn (coverage cases repeat their values: a choice by the value
    would always keep the same ones)."""
    n = next(_DRAWS)
    return None if n % 3 == 0 else things[n // 3 % len(things)]


def _name_real_things(case, known: dict[str, list[str]]) -> None:
    """Valid paths and practice_ids name, more often than not, a practice (checklist, collection) that exists:
    generated ids alone would only ever meet 404s, and an invalid body would never reach the checks of its
    values. Invalid paths are left as generated."""
    path = case.meta.components.get("path")  # how the path was generated, when the operation has one
    if path is not None and path.mode == GenerationMode.POSITIVE:
        for name, value in case.path_parameters.items():
            case.path_parameters[name] = _real(known[_kind(case.path, name)]) or value
    if isinstance(case.body, dict) and isinstance(case.body.get("practice_id"), str):
        case.body["practice_id"] = _real(known["practice"]) or case.body["practice_id"]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_matches_its_openapi_description(case, api):
    app, known = api
    _name_real_things(case, known)
    # Each request as the first from its address: past the anonymous limit on new checklists (20 a minute,
    # tests/test_limits.py) every body would get a 429 before it is read.
    app.extensions["login_limiter"].reset()
    case.call_and_validate(app=app)  # anonymous: no session, no CSRF token (the JSON API needs none)


def test_the_descriptions_limits_are_the_codes():
    """What the description says of checklist items, populations and queries is what the code checks."""
    spec = schema.raw_schema
    items = spec["paths"]["/api/checklists/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    described = {key: ref["$ref"].rsplit("/", 1)[1] for key, ref in items["properties"]["items"]["properties"].items()}
    assert described == {key: f"{item.kind.title()}ItemUpdate" for key, item in ITEMS.items()}
    for kind, statuses in (("Task", TASK_STATUSES), ("Context", CONTEXT_STATUSES)):
        assert spec["components"]["schemas"][f"{kind}ItemUpdate"]["properties"]["status"]["enum"] == [*statuses, ""]
    created = spec["paths"]["/api/checklists"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert created["properties"]["population"]["maximum"] == MAX_POPULATION
    for route in ("/api/search", "/export"):
        query = next(p for p in spec["paths"][route]["get"]["parameters"] if p.get("name") == "q")
        assert query["schema"]["maxLength"] == MAX_QUERY_CHARS and f"{MAX_QUERY_WORDS} words" in query["description"]
