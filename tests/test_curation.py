"""Curation over a real store and index: edits that survive re-ingest, the review queue, versions,
collections, accounts, and an audit trail whose every entry can be reverted."""
import pytest

from ingest.pipeline import ingest_paths
from kb import curation
from kb.accounts import AccountError, Role, add_user, authenticate, get_user, remove_user, set_password, set_role
from kb.duplicates import link_versions
from kb.models import UNDO, Review, Status

ACTOR = "ala"


@pytest.fixture
def stored(kb, corpus_copy):
    ingest_paths(kb, [corpus_copy], workers=1)
    return kb


def _by_title(kb, start: str):
    return next(p for p in kb.store.list() if p.title.startswith(start))


def _rewrite(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_new_practices_wait_in_the_queue_with_their_confidence(stored):
    queue, total = stored.store.review_queue()
    assert total == stored.store.count() == len(queue) and all(p.status == Status.DRAFT for p in queue)
    assert [p.confidence for p in queue] == sorted(p.confidence for p in queue)  # least sure first
    assert all(0 <= p.confidence <= 1 for p in queue)
    walbrzych = _by_title(stored, "„Lokal na start”")
    assert walbrzych.city == "Wałbrzych" and "no_city" not in walbrzych.flags
    curation.set_status(stored, walbrzych.id, Status.APPROVED, ACTOR)
    assert stored.store.review_queue()[1] == total - 1


def test_an_edit_survives_re_ingest_and_the_new_extraction_is_proposed(stored, corpus_copy):
    p = _by_title(stored, "„Lokal na start”")
    edited = curation.edit(stored, p.id, {"title": "Lokal na start (Wałbrzych)", "resources": "300 tys. zł rocznie"},
                           ACTOR)
    assert edited.title == "Lokal na start (Wałbrzych)" and edited.edited == ("resources", "title")
    assert "300 tys. zł rocznie" in edited.body  # search reads the edited field too
    assert stored.search("Lokal na start (Wałbrzych)", k=1)[0].practice.id == p.id  # re-embedded

    _rewrite(corpus_copy / "walbrzych-lokal-na-start.txt", "46 lokali", "52 lokale")
    report = ingest_paths(stored, [corpus_copy], workers=1)
    assert not report.failed
    kept = stored.store.get(p.id)
    assert kept.title == "Lokal na start (Wałbrzych)" and kept.review == Review.PROPOSED
    proposal = stored.store.proposal(p.id)
    assert "52 lokale" in proposal.values["body"] and proposal.values["title"] == p.title
    assert p.id in {q.id for q in stored.store.review_queue()[0]}

    curation.dismiss_proposal(stored, p.id, ACTOR)
    assert stored.store.proposal(p.id) is None and stored.store.get(p.id).title == "Lokal na start (Wałbrzych)"
    (corpus_copy / "walbrzych-lokal-na-start.txt").write_text(
        (corpus_copy / "walbrzych-lokal-na-start.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ingest_paths(stored, [corpus_copy], workers=1)  # a new checksum, the same extraction: nothing proposed again
    assert stored.store.proposal(p.id) is None

    _rewrite(corpus_copy / "walbrzych-lokal-na-start.txt", "52 lokale", "60 lokali")
    ingest_paths(stored, [corpus_copy], workers=1)
    taken = curation.accept_proposal(stored, p.id, ACTOR)
    assert taken.title == p.title and "60 lokali" in taken.body and taken.edited == () and taken.review == ""
    with pytest.raises(curation.CurationError):
        curation.accept_proposal(stored, p.id, ACTOR)


def test_an_approved_practice_that_changes_comes_back_to_review(stored, corpus_copy):
    p = _by_title(stored, "„Lokal na start”")
    curation.set_status(stored, p.id, Status.APPROVED, ACTOR)
    _rewrite(corpus_copy / "walbrzych-lokal-na-start.txt", "46 lokali", "47 lokali")
    ingest_paths(stored, [corpus_copy], workers=1)
    changed = stored.store.get(p.id)
    assert changed.status == Status.APPROVED and changed.review == Review.CHANGED and "47 lokali" in changed.body
    assert p.id in {q.id for q in stored.store.review_queue()[0]}
    curation.set_status(stored, p.id, Status.APPROVED, ACTOR)
    assert stored.store.get(p.id).review == Review.NONE


def test_bad_values_are_refused_with_a_reason(stored):
    pid = stored.store.list()[0].id
    for values, words in [({"title": " "}, "title"), ({"language": "Polish"}, "ISO 639-1"),
                          ({"country": "Poland"}, "ISO 3166"), ({"themes": ["housing", "unicorns"]}, "unicorns"),
                          ({"status": "approved"}, "cannot be edited")]:
        with pytest.raises(curation.CurationError, match=words):
            curation.edit(stored, pid, values, ACTOR)


def test_every_change_is_audited_and_can_be_reverted(stored):
    p = _by_title(stored, "„Lokal na start”")
    curation.edit(stored, p.id, {"city": "Świdnica", "themes": "housing,local-economy"}, ACTOR)
    curation.set_status(stored, p.id, Status.REJECTED, "olek")
    entries, total = curation.audit(stored, target=p.id)
    assert total == 2 and [e.action for e in entries] == ["rejected", "edit"]
    edit = entries[1]
    assert edit.actor == ACTOR and edit.before["city"] == "Wałbrzych" and edit.after["city"] == "Świdnica"
    assert edit.before["themes"] == list(p.themes) and edit.after["themes"] == ["housing", "local-economy"]

    curation.revert(stored, entries[0].id, "olek")
    assert stored.store.get(p.id).status == Status.DRAFT
    curation.revert(stored, edit.id, ACTOR)
    back = stored.store.get(p.id)
    assert back.city == "Wałbrzych" and back.themes == p.themes
    with pytest.raises(curation.CurationError, match="reverted already"):
        curation.revert(stored, edit.id, ACTOR)
    newest = curation.audit(stored, target=p.id)[0][0]
    assert newest.action == "revert" and newest.revertible
    curation.revert(stored, newest.id, ACTOR)  # a revert is a change too: undoing it redoes the edit
    assert stored.store.get(p.id).city == "Świdnica"


def test_every_kind_of_change_the_trail_calls_revertible_can_be_reverted():
    assert set(UNDO.values()) == set(curation._REVERT)


def test_merge_and_split_language_versions(stored):
    a, b, c = stored.store.list()
    group = curation.merge_versions(stored, [a.id, b.id], ACTOR)
    assert {p.id for p in stored.store.group(group)} == {a.id, b.id}
    link_versions(stored.index(), stored.store, [a.id, b.id, c.id])  # automatic linking keeps an advisor's groups
    assert {p.id for p in stored.store.group(group)} == {a.id, b.id}

    curation.split_version(stored, b.id, ACTOR)
    assert stored.store.get(a.id).group_id == "" and stored.store.get(b.id).group_id == ""
    assert stored.store.not_versions(a.id) == {b.id}
    with pytest.raises(curation.CurationError, match="no other versions"):
        curation.split_version(stored, b.id, ACTOR)
    split = curation.audit(stored, target=group)[0][0]
    curation.revert(stored, split.id, ACTOR)
    assert stored.store.get(b.id).group_id == group


def test_collections_keep_order_notes_and_come_back_after_delete(stored):
    a, b, c = stored.store.list()
    cid = curation.save_collection(stored, ACTOR, "Partycypacja — minikatalog porad", "Z warsztatów", public=True)
    curation.add_to_collection(stored, cid, a.id, ACTOR, note="Najpierw to")
    curation.add_to_collection(stored, cid, c.id, ACTOR)
    curation.set_items(stored, cid, [(c.id, "Potem"), (a.id, "Najpierw to"), (c.id, "dup")], ACTOR)
    assert [(pid, note) for pid, _, note in curation.collection_items(stored, cid)] == \
        [(c.id, "Potem"), (a.id, "Najpierw to")]
    assert [x.id for x in curation.collections(stored, public_only=True)] == [cid]
    with pytest.raises(curation.CurationError, match="no practice"):
        curation.add_to_collection(stored, cid, "nope", ACTOR)
    curation.delete_collection(stored, cid, ACTOR)
    assert curation.get_collection(stored, cid) is None
    deleted = curation.audit(stored, target=f"collection:{cid}")[0][0]
    curation.revert(stored, deleted.id, ACTOR)
    assert curation.get_collection(stored, cid).title == "Partycypacja — minikatalog porad"
    assert [pid for pid, _, _ in curation.collection_items(stored, cid)] == [c.id, a.id]


def test_accounts_hash_passwords_and_keep_an_admin(kb):
    admin = add_user(kb.store, "ala", "correct horse battery", Role.ADMIN, actor="test")
    assert admin.password_hash.startswith("scrypt:") and "correct" not in admin.password_hash
    assert authenticate(kb.store, "ala", "correct horse battery").role == Role.ADMIN
    assert authenticate(kb.store, "ala", "wrong password!") is None and authenticate(kb.store, "bob", "x") is None
    with pytest.raises(AccountError, match="at least"):
        add_user(kb.store, "bob", "short", actor="test")
    with pytest.raises(AccountError, match="exists"):
        add_user(kb.store, "ALA", "another good password", actor="test")
    token = admin.session_token
    set_password(kb.store, "ala", "a brand new passphrase", actor="test")
    assert get_user(kb.store, "ala").session_token != token  # the other sessions end
    with pytest.raises(AccountError, match="last admin"):
        set_role(kb.store, "ala", "advisor", actor="test")
    with pytest.raises(AccountError, match="last admin"):
        remove_user(kb.store, "ala", actor="test")
    add_user(kb.store, "olek", "olek's long password", "advisor", actor="test")
    set_role(kb.store, "olek", "admin", actor="test")
    remove_user(kb.store, "ala", actor="test")
    assert get_user(kb.store, "ala") is None


def test_a_form_that_sends_the_unchanged_full_text_still_updates_it_from_an_edited_field(stored):
    p = _by_title(stored, "„Lokal na start”")
    form = {**p.values(), "evidence": "52 lokale zasiedlone do 2025 r."}
    edited = curation.edit(stored, p.id, form, ACTOR)
    assert "52 lokale zasiedlone do 2025 r." in edited.body and set(edited.edited) == {"body", "evidence"}


def test_records_an_advisor_split_are_not_joined_again_through_a_third_copy(stored, corpus_copy):
    import shutil

    a = _by_title(stored, "„Lokal na start”")
    shutil.copy(corpus_copy / "walbrzych-lokal-na-start.txt", corpus_copy / "kopia-1.txt")
    ingest_paths(stored, [corpus_copy], workers=1)
    b = next(p for p in stored.store.list() if p.title == a.title and p.id != a.id)
    assert stored.store.get(a.id).group_id == stored.store.get(b.id).group_id != ""  # linked automatically
    curation.split_version(stored, b.id, ACTOR)
    (corpus_copy / "kopia-2.txt").write_text((corpus_copy / "kopia-1.txt").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    ingest_paths(stored, [corpus_copy], workers=1)
    assert stored.store.get(a.id).group_id == "" or stored.store.get(a.id).group_id != stored.store.get(b.id).group_id


CATALOGUE = """# Minikatalog dobrych praktyk: zieleń osiedlowa

## Łąki kwietne zamiast trawników w Bielsku-Białej

W Bielsku-Białej od 2021 roku część trawników w pasach drogowych zamieniono na łąki kwietne koszone dwa razy
w roku zamiast ośmiu. Oszczędność na koszeniu pokryła koszt nasion w ciągu dwóch sezonów, a tabliczki przy
łąkach wyjaśniają mieszkańcom, że rzadsze koszenie jest celowe i pomaga owadom zapylającym.

## Beczki na deszczówkę dla szkół w Płocku

Płock przekazał szkołom i ogrodom działkowym dwieście beczek na deszczówkę wraz z instrukcją montażu. Uczniowie
mierzą ilość zebranej wody i podlewają nią szkolne ogródki, a miasto zbiera dane o oszczędnościach wody
i planuje rozszerzenie programu na wspólnoty mieszkaniowe w kolejnym roku budżetowym.

## Drzewo dla każdego nowo narodzonego mieszkańca Zamościa

Zamość sadzi drzewo dla każdego dziecka urodzonego w mieście; rodzice dostają certyfikat z lokalizacją drzewa
na mapie. Nasadzenia odbywają się dwa razy w roku w parkach osiedlowych, a wydział ochrony środowiska dba
o podlewanie przez pierwsze trzy lata, co znacząco zmniejszyło liczbę uschniętych drzew.
"""


def test_a_re_ingest_keeps_what_an_advisor_approved_and_the_document_no_longer_holds(kb, tmp_path):
    path = tmp_path / "minikatalog-zielen.md"
    path.write_text(CATALOGUE, encoding="utf-8")
    ingest_paths(kb, [path], workers=1)
    meadows, barrels, trees = sorted(kb.store.list(), key=lambda p: p.source.ordinal)
    assert "Płock" in barrels.title and "Zamościa" in trees.title
    curation.set_status(kb, barrels.id, Status.APPROVED, ACTOR)

    path.write_text(CATALOGUE.split("## Beczki")[0], encoding="utf-8")  # a new version with the first tip only
    result = ingest_paths(kb, [path], workers=1).files[0]
    assert result.kept == [barrels.id] and result.removed == [trees.id]
    kept = kb.store.get(barrels.id)
    assert kept.status == Status.APPROVED and kept.review == Review.GONE and kept.body == barrels.body
    assert kb.store.get(trees.id) is None  # a draft nobody vouched for goes with its document
    assert kb.search("beczki na deszczówkę w szkołach", k=1)[0].practice.id == barrels.id  # still found
    assert barrels.id in {p.id for p in kb.store.review_queue()[0]}

    path.write_text(CATALOGUE, encoding="utf-8")  # the tip is back in the document: nothing left to review
    ingest_paths(kb, [path], workers=1)
    assert kb.store.get(barrels.id).review == Review.NONE

    path.write_text(CATALOGUE.split("## Beczki")[0], encoding="utf-8")
    ingest_paths(kb, [path], workers=1)
    curation.set_status(kb, barrels.id, Status.APPROVED, ACTOR)  # the advisor keeps it
    assert kb.store.get(barrels.id).review == Review.NONE
    assert barrels.id not in {p.id for p in kb.store.review_queue()[0]}


def test_a_tip_removed_from_the_middle_leaves_the_others_on_their_own_records(kb, tmp_path):
    """Positions shift when a tip goes: every practice stays on its own record (content, then title, then
    position), an approved one is never overwritten by its neighbour, and once the advisor has decided on a
    practice the document dropped, later ingests leave it alone."""
    path = tmp_path / "minikatalog-zielen.md"
    path.write_text(CATALOGUE, encoding="utf-8")
    ingest_paths(kb, [path], workers=1)
    meadows, barrels, trees = sorted(kb.store.list(), key=lambda p: p.source.ordinal)
    for p in (barrels, trees):
        curation.set_status(kb, p.id, Status.APPROVED, ACTOR)

    meadows_text, rest = CATALOGUE.split("## Beczki")
    trees_text = "## Drzewo" + rest.split("## Drzewo")[1]
    path.write_text(meadows_text + trees_text, encoding="utf-8")  # the middle tip is gone
    result = ingest_paths(kb, [path], workers=1).files[0]
    assert result.kept == [barrels.id] and not result.updated and not result.added
    assert kb.store.get(trees.id).body == trees.body and kb.store.get(trees.id).source.ordinal == 2
    assert kb.store.get(barrels.id).body == barrels.body and kb.store.get(barrels.id).review == Review.GONE

    curation.set_status(kb, barrels.id, Status.APPROVED, ACTOR)  # kept: decided
    bikes = ("## Rowery miejskie dla uczniów w Kielcach\n\nKielce wypożyczają uczniom rowery na cały rok szkolny "
             "w zamian za udział w kursie bezpiecznej jazdy. Program prowadzi zarząd transportu miejskiego razem ze "
             "szkołami podstawowymi, a rodzice podpisują umowę użyczenia i odbierają rowery we wrześniu.\n")
    path.write_text(meadows_text + trees_text + "\n" + bikes, encoding="utf-8")  # a new tip in third place
    result = ingest_paths(kb, [path], workers=1).files[0]
    assert len(result.added) == 1 and not result.kept and not result.updated
    new = kb.store.get(result.added[0])
    assert new.id not in (meadows.id, barrels.id, trees.id) and new.status == Status.DRAFT and "Kielce" in new.body
    kept = kb.store.get(barrels.id)
    assert kept.body == barrels.body and kept.review == Review.NONE and kept.status == Status.APPROVED
    assert barrels.id not in {p.id for p in kb.store.review_queue()[0]}
