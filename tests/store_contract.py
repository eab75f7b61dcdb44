"""What every store backend must do, as tests against a `store` fixture: tests/test_store.py runs them on a
real SQLite file; another backend (PostgreSQL) subclasses StoreContract with its own fixture and runs them too.

Only the store's public methods are used here, never SQL, so the same tests hold for any backend.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from kb.checklist import ITEMS, new_checklist, update_item
from kb.models import AuditEntry, Collection, Practice, Proposal, Review, Role, SourceRef, Status, User, practice_id
from kb.store import DocumentRecord, Passage

DOC = DocumentRecord("/d/a.docx", "a.docx", "sum1", 10)


def make(doc: str, n: int, body: str, lang: str = "pl", **values) -> Practice:
    return Practice(id=practice_id(doc, n), title=f"Practice {n}", body=body, language=lang,
                    source=SourceRef(path=doc, checksum="c", ordinal=n), themes=("housing",),
                    fields={"description": body}, **values)


def save(store, practices: list[Practice], doc: DocumentRecord = DOC):
    """Save a document's practices, each as one passage (its body)."""
    return store.save_document(doc, practices, {p.id: [p.body] for p in practices})


class StoreContract:
    """The store's behaviour, for any backend; a subclass provides the `store` fixture (an empty store)."""

    integrity_error: type[Exception] = Exception  # what the backend raises on a duplicate key

    # -- documents and practices -------------------------------------------------------------------
    def test_save_round_trip_and_changes(self, store):
        first = [make("/d/a.docx", 1, "jeden"), make("/d/a.docx", 2, "dwa")]
        changes = save(store, first)
        assert changes.added == [p.id for p in first] and not changes.removed
        assert [(s.text, s.language) for s in changes.new_passages] == [("jeden", "pl"), ("dwa", "pl")]
        stored = store.get(first[0].id)
        assert stored.title == "Practice 1" and stored.themes == ("housing",)
        assert stored.fields == {"description": "jeden"}
        assert stored.source.key == "a.docx" and stored.status is Status.DRAFT
        assert store.document("/d/a.docx") == DOC and store.document_of(first[0].id) == "/d/a.docx"
        assert store.document_with_checksum("sum1") == "/d/a.docx" and store.document_with_checksum("x") is None

        store.set_status(first[0].id, Status.APPROVED)
        second = [make("/d/a.docx", 1, "jeden"), make("/d/a.docx", 2, "dwa, zmienione")]
        changes = store.save_document(DOC, second, {second[1].id: ["dwa, zmienione"]})
        assert changes.unchanged == [first[0].id] and changes.updated == [first[1].id]
        assert len(changes.dropped_passages) == 1 and [s.text for s in changes.new_passages] == ["dwa, zmienione"]
        assert store.get(first[0].id).status is Status.APPROVED  # curated status survives re-ingest

        changes = store.save_document(DOC, second[:1], {})
        assert changes.removed == [first[1].id]
        assert store.get(first[1].id) is None and store.count() == 1
        assert len(store.passage_ids()) == 1

    def test_failed_save_leaves_store_intact(self, store):
        good = [make("/d/a.docx", 1, "jeden")]
        save(store, good)
        broken = [make("/d/a.docx", 1, "nowy"), make("/d/a.docx", 1, "duplikat id")]  # the same id twice
        with pytest.raises(self.integrity_error):
            store.save_document(DocumentRecord("/d/a.docx", "a.docx", "sum2", 10), broken, {broken[0].id: ["x"]})
        assert store.get(good[0].id).body == "jeden"
        assert store.document("/d/a.docx").checksum == "sum1"
        assert [s.text for s in store.passages()] == ["jeden"]

    def test_stats_and_list_filters(self, store):
        doc = DocumentRecord("/d/b.pdf", "b.pdf", "s", 1)
        ps = [make("/d/b.pdf", 1, "a", "pl"), make("/d/b.pdf", 2, "b", "uk"), make("/d/b.pdf", 3, "c", "uk")]
        save(store, ps, doc)
        assert [p.language for p in store.list(language="uk")] == ["uk", "uk"]
        stats = store.stats()
        assert stats["practices"] == 3 and stats["by_language"] == {"uk": 2, "pl": 1} and stats["documents"] == 1

    def test_edited_practice_gets_a_proposal_not_an_update(self, store):
        p = make("/d/a.docx", 1, "jeden")
        save(store, [p])
        edited = replace(store.get(p.id), title="Tytuł doradcy", edited=("title",), status=Status.APPROVED)
        store.save_curated(edited)
        assert store.edited_in("/d/a.docx") == {p.id} and store.proposal(p.id) is None

        newer = make("/d/a.docx", 1, "jeden, nowa wersja", flags=("no_city",), confidence=0.75)
        changes = save(store, [newer])
        assert changes.proposed == [p.id] and not changes.updated and not changes.new_passages
        kept = store.get(p.id)
        assert kept.title == "Tytuł doradcy" and kept.body == "jeden" and kept.review == Review.PROPOSED
        proposal = store.proposal(p.id)
        assert isinstance(proposal, Proposal) and proposal.values["body"] == "jeden, nowa wersja"
        assert (proposal.confidence, proposal.flags, proposal.content_hash) == (0.75, ("no_city",), newer.content_hash)
        assert p.id in {q.id for q in store.review_queue()[0]}

        store.dismiss_proposal(p.id)
        assert store.proposal(p.id) is None and store.get(p.id).review == Review.NONE
        assert store.content_hashes("/d/a.docx") == {p.id: newer.content_hash}  # not proposed again
        assert save(store, [newer]).unchanged == [p.id]

    def test_taking_a_proposal_stores_its_extraction(self, store):
        p = make("/d/a.docx", 1, "jeden")
        save(store, [p])
        store.save_curated(replace(store.get(p.id), title="Tytuł doradcy", edited=("title",)))
        newer = make("/d/a.docx", 1, "jeden, nowa wersja", flags=("short",), confidence=0.5)
        save(store, [newer])
        proposal = store.proposal(p.id)
        taken = replace(store.get(p.id).with_values(proposal.values), edited=(), review=Review.NONE)
        new, dropped = store.save_curated(taken, ["jeden, nowa wersja"], proposal)
        assert [type(s) for s in new] == [Passage] and [s.text for s in new] == ["jeden, nowa wersja"]
        assert len(dropped) == 1 and store.passage_ids() == {new[0].id}
        stored = store.get(p.id)
        assert stored.body == "jeden, nowa wersja" and stored.flags == ("short",) and stored.confidence == 0.5
        assert store.proposal(p.id) is None and store.content_hashes("/d/a.docx") == {p.id: newer.content_hash}

    def test_save_curated_of_an_unknown_practice_fails(self, store):
        with pytest.raises(KeyError):
            store.save_curated(make("/d/a.docx", 1, "jeden"))

    def test_practice_the_document_dropped_is_kept_when_approved(self, store):
        meadows, barrels, trees = (make("/d/a.docx", n, body) for n, body in enumerate(("łąki", "beczki", "drzewa"), 1))
        save(store, [meadows, barrels, trees])
        store.set_status(barrels.id, Status.APPROVED)
        changes = save(store, [meadows])
        assert changes.kept == [barrels.id] and changes.removed == [trees.id]
        assert store.get(barrels.id).review == Review.GONE and store.get(trees.id) is None
        newcomer = replace(make("/d/a.docx", 2, "coś nowego"), title="Inna")  # at the kept practice's position
        assert store.claim_ids("/d/a.docx", [newcomer])[0].id != barrels.id

        store.set_status(barrels.id, Status.APPROVED)  # decided: detached from its document
        assert store.get(barrels.id).review == Review.NONE
        changes = save(store, [meadows])
        assert not changes.kept and not changes.removed and store.get(barrels.id).review == Review.NONE

    def test_claim_ids_follows_content_then_title(self, store):
        a, b = make("/d/a.docx", 1, "pierwsza"), make("/d/a.docx", 2, "druga")
        save(store, [a, b])
        inserted = replace(make("/d/a.docx", 1, "wstawiona przed innymi"), title="Nowa")
        moved = [replace(p, id=practice_id("/d/a.docx", n), source=replace(p.source, ordinal=n))
                 for n, p in ((2, a), (3, b))]
        claimed = store.claim_ids("/d/a.docx", [inserted, *moved])
        assert [p.id for p in claimed][1:] == [a.id, b.id]  # by content
        assert claimed[0].id not in (a.id, b.id)  # its position's record went to another practice

    def test_recent_and_review_queue(self, store):
        ps = [make("/d/a.docx", n, f"tekst {n}", confidence=c) for n, c in ((1, 0.9), (2, 0.4), (3, 0.7))]
        save(store, ps)
        store.set_status(ps[2].id, Status.APPROVED)
        queue, total = store.review_queue()
        assert total == 2 and [p.id for p in queue] == [ps[1].id, ps[0].id]  # least confident first
        assert [p.id for p in store.recent(5, Status.APPROVED)] == [ps[2].id]
        assert store.by_passages(sorted(store.passage_ids()))[min(store.passage_ids())][1] == "tekst 1"

    # -- passages and full text ------------------------------------------------------------------
    def test_passages_are_records_and_a_resplit_gives_new_ids(self, store):
        ps = [make("/d/a.docx", 1, "jeden", "pl"), make("/d/a.docx", 2, "два", "uk")]
        save(store, ps)
        before = list(store.passages())
        assert before == [Passage(before[0].id, "jeden", "pl"), Passage(before[1].id, "два", "uk")]
        assert store.passage_languages() == {before[0].id: "pl", before[1].id: "uk"}
        assert store.passage_ids_of([ps[1].id]) == {ps[1].id: [before[1].id]}

        after = store.replace_passages({ps[1].id: ["два", "три"], ps[0].id: ["jeden"]})
        assert [(s.text, s.language) for s in after] == [("два", "uk"), ("три", "uk"), ("jeden", "pl")]
        assert min(s.id for s in after) > max(s.id for s in before)  # ids are never reused
        assert list(store.passages()) == sorted(after, key=lambda s: s.id)

    def test_lexical_search_and_filters(self, store):
        ps = [make("/d/a.docx", 1, "Wypożyczalnia rowerów miejskich", city="Gdańsk", country="PL"),
              make("/d/a.docx", 2, "Zielone dachy na szkołach", city="Lwów", country="UA")]
        save(store, ps)
        hits = store.lexical_search("rower")
        assert [store.by_passages([i])[i][0].id for i, _ in hits] == [ps[0].id] and hits[0][1] > 0
        assert store.lexical_search("zzzz") == [] and store.lexical_search("") == []
        gdansk = store.passage_ids_where(city="Gdańsk")
        assert gdansk == store.passage_ids_where(country="pl") == [i for i, _ in hits]
        assert store.passage_ids_where(source="a.docx") and not store.passage_ids_where(source="b.docx")
        assert store.stems_of([i for i, _ in hits])[hits[0][0]] >= {"rower"}

    def test_cached_answers_follow_the_stores_own_writes(self, store):
        assert store.countries() == [] and store.cities() == set()
        save(store, [make("/d/a.docx", 1, "jeden", city="Gdańsk", country="PL")])
        assert store.countries() == ["PL"] and store.cities() == {("Gdańsk", "PL")}
        save(store, [make("/d/a.docx", 1, "jeden", city="Lwów", country="UA")])
        assert store.countries() == ["UA"]

    def test_overview_counts_what_a_status_shows(self, store):
        ps = [make("/d/a.docx", 1, "a", "pl", country="PL"), make("/d/a.docx", 2, "b", "uk", country="UA")]
        save(store, ps)
        store.set_status(ps[1].id, Status.APPROVED)
        home = store.overview(str(Status.APPROVED))
        assert home["practices"] == home["documents"] == 1 and home["languages"] == [("uk", 1)]
        assert home["themes"] == [("housing", 1)] and [p.id for p in home["recent"]] == [ps[1].id]
        assert store.overview()["practices"] == 2

    # -- versions --------------------------------------------------------------------------------
    def test_groups_manual_marks_and_pruning(self, store):
        a, b, c = (make("/d/a.docx", n, f"tekst {n}", city="Gdańsk", country="PL") for n in (1, 2, 3))
        save(store, [a, b, c])
        assert {p.id for p in store.in_city("Gdańsk", "PL")} == {a.id, b.id, c.id}
        assert {p.id for p in store.with_title("Practice 2")} == {b.id}
        store.set_groups({a.id: "g1", b.id: "g1"})
        assert [p.id for p in store.group("g1")] == sorted([a.id, b.id]) and store.group("") == []
        assert store.manually_grouped([a.id, b.id]) == set()
        store.set_groups({c.id: "g1"}, manual=True)
        assert store.manually_grouped([a.id, b.id, c.id]) == {c.id}
        store.set_groups({c.id: ""}, manual=False)
        assert store.manually_grouped([c.id]) == set()

        store.set_groups({b.id: ""})
        store.prune_groups()  # a group of one is no group
        assert store.get(a.id).group_id == "" and store.group("g1") == []

    def test_not_versions_are_remembered_both_ways(self, store):
        store.add_not_versions("b", "a")
        store.add_not_versions("a", "b")  # once is enough
        store.add_not_versions("a", "c")
        assert store.not_versions("a") == {"b", "c"} and store.not_versions("b") == {"a"}
        assert store.not_versions("x") == set()

    # -- accounts --------------------------------------------------------------------------------
    def test_users_are_records(self, store):
        assert store.user("ala") is None and store.users() == []
        store.save_user("ola", "hash-o", "admin")
        store.save_user("Ala", "hash-a", "advisor")
        ala = store.user("ala")  # user names ignore case
        assert isinstance(ala, User) and (ala.username, ala.role, ala.password_hash) == ("Ala", Role.ADVISOR, "hash-a")
        assert ala.created_at and ala.last_login == "" and ala.sessions_ended == 0
        assert [u.username for u in store.users()] == ["Ala", "ola"]

    def test_user_changes(self, store):
        store.save_user("ala", "hash-1", "advisor")
        store.save_user("ala", role="admin")
        assert (store.user("ala").role, store.user("ala").password_hash) == (Role.ADMIN, "hash-1")
        store.save_user("ala", password_hash="hash-2")
        assert (store.user("ala").role, store.user("ala").password_hash) == (Role.ADMIN, "hash-2")
        token = store.user("ala").session_token
        store.end_sessions("ala")
        assert store.user("ala").sessions_ended == 1 and store.user("ala").session_token != token
        store.record_login("ala")
        assert store.user("ala").last_login
        assert store.remove_user("ala") and not store.remove_user("ala") and store.user("ala") is None

    def test_a_user_with_an_unknown_role_is_refused(self, store):
        with pytest.raises(self.integrity_error):
            store.save_user("ala", "hash", "superuser")
        assert store.users() == []

    # -- audit trail -----------------------------------------------------------------------------
    def test_audit_entries_are_records_newest_first(self, store):
        first = store.log("ala", "approved", "p1", {"status": "draft", "review": ""}, {"status": "approved"})
        second = store.log("ola", "edit", "p2", {"title": "Stary"}, {"title": "Nowy tytuł – ż"})
        third = store.log("ala", "user_add", "user:ola", {}, {"role": "advisor"})
        assert first < second < third
        entries, total = store.audit_entries()
        assert total == 3 and [e.id for e in entries] == [third, second, first]
        edit = entries[1]
        assert isinstance(edit, AuditEntry) and edit.at
        assert (edit.actor, edit.action, edit.target, edit.before, edit.after, edit.reverted_by) == (
            "ola", "edit", "p2", {"title": "Stary"}, {"title": "Nowy tytuł – ż"}, None)
        assert store.audit_entries(target="p1")[0][0].id == first and store.audit_entries(target="p1")[1] == 1
        assert [e.id for e in store.audit_entries(entry_id=second)[0]] == [second]
        page, total = store.audit_entries(limit=1, offset=1)
        assert [e.id for e in page] == [second] and total == 3

    def test_reverted_entries(self, store):
        change = store.log("ala", "approved", "p1", {"status": "draft", "review": ""}, {"status": "approved"})
        undo = store.log("ala", "revert", "p1", {"status": "approved", "review": ""}, {"status": "draft"})
        entry = store.audit_entries(entry_id=change)[0][0]
        assert entry.undo == "status" and entry.revertible
        store.mark_reverted(change, undo)
        entry = store.audit_entries(entry_id=change)[0][0]
        assert entry.reverted_by == undo and not entry.revertible
        assert store.audit_entries(entry_id=undo)[0][0].revertible  # a revert of a status is undone by status
        user_add = store.audit_entries(entry_id=store.log("ala", "user_add", "user:x", {}, {}))[0][0]
        assert user_add.undo is None and not user_add.revertible

    # -- collections -----------------------------------------------------------------------------
    def test_collections_are_records(self, store):
        store.save_collection("c1", "Zieleń", "opis", False, "ala")
        store.save_collection("c2", "Mieszkania", "", True, "ola")
        c1 = store.collection("c1")
        assert isinstance(c1, Collection)
        assert (c1.id, c1.title, c1.description, c1.public, c1.owner, c1.size) == (
            "c1", "Zieleń", "opis", False, "ala", 0)
        assert c1.created_at and c1.updated_at
        assert {c.id for c in store.collections()} == {"c1", "c2"}
        assert [c.id for c in store.collections(public_only=True)] == ["c2"] and store.collection("x") is None

        store.save_collection("c1", "Zieleń miejska", "", True, "someone else")
        c1 = store.collection("c1")
        assert (c1.title, c1.description, c1.public, c1.owner) == ("Zieleń miejska", "", True, "ala")  # owner stays

    def test_collection_items_keep_their_order_and_notes(self, store):
        store.save_collection("c1", "Zieleń", "", False, "ala")
        store.set_collection_items("c1", [("p2", "najpierw"), ("p1", "")])
        assert store.collection_items("c1") == [("p2", "najpierw"), ("p1", "")]
        assert store.collection("c1").size == 2
        store.set_collection_items("c1", [("p1", "teraz pierwsza")])
        assert store.collection_items("c1") == [("p1", "teraz pierwsza")]

    def test_a_failed_write_changes_nothing(self, store):
        store.save_collection("c1", "Zieleń", "", False, "ala")
        store.set_collection_items("c1", [("p1", "")])
        with pytest.raises(self.integrity_error):
            store.set_collection_items("c1", [("p2", ""), ("p2", "twice")])
        assert store.collection_items("c1") == [("p1", "")]

    def test_deleting_a_collection_takes_its_items(self, store):
        store.save_collection("c1", "Zieleń", "", False, "ala")
        store.set_collection_items("c1", [("p1", "")])
        store.delete_collection("c1")
        assert store.collection("c1") is None and store.collection_items("c1") == []

    # -- transfer checklists ---------------------------------------------------------------------
    def test_checklists_round_trip(self, store):
        practice = make("/d/a.docx", 1, "jeden", city="Gdańsk", country="PL")
        first = new_checklist(practice, "Lwów", "UA", population=700_000)
        second = new_checklist(practice, "Kraków", "PL")
        other = new_checklist(make("/d/a.docx", 2, "dwa"), "Łódź", "PL")
        for checklist in (first, second, other):
            store.save_checklist(checklist)
        assert store.checklist(first.id) == first and store.checklist(share_token=first.share_token) == first
        assert store.checklist("nope") is None and store.checklist(share_token="nope") is None

        key = next(iter(ITEMS))
        update_item(first, key, note="sprawdzić budżet")
        store.save_checklist(replace(first, updated_at="9999-01-01T00:00:00+00:00"))
        assert store.checklist(first.id).items[key].note == "sprawdzić budżet"
        assert [c.id for c in store.checklists(practice_id=practice.id)] == [first.id, second.id]  # newest first
        assert [c.id for c in store.checklists(ids=[other.id, "nope"])] == [other.id]
        assert store.checklists(ids=[]) == [] and len(store.checklists()) == 3
        # A save based on an older revision than the stored one is refused and stores nothing.
        stored = store.checklist(first.id)
        update_item(stored, key, note="nowsza notatka")
        assert store.save_checklist(stored, base=stored.revision) and store.checklist(first.id).revision == stored.revision
        update_item(stored, key, note="starsza strona")
        assert not store.save_checklist(stored, base=stored.revision - 1)
        assert store.checklist(first.id).items[key].note == "nowsza notatka"

    # -- jobs ---------------------------------------------------------------------------------------
    def test_jobs_are_taken_once_and_taken_over_when_their_runner_falls_silent(self, store):
        store.create_job("j1", "upload", "ola", {"names": {"a.txt": "a.txt"}}, {"a.txt": b"bytes \x00\xff"})
        assert store.job("j1").state == "queued" and store.job_files("j1") == {"a.txt": b"bytes \x00\xff"}
        taken = store.take_job("host-a:1", 60)
        assert (taken.id, taken.state, taken.runner, taken.attempts) == ("j1", "running", "host-a:1", 1)
        assert store.take_job("host-b:2", 60) is None  # its runner is alive: nobody else takes it
        assert store.job_progress("j1", "host-a:1", {"names": {}, "results": [1]})
        assert store.job("j1").data == {"names": {}, "results": [1]}
        again = store.take_job("host-b:2", -1)  # silent for longer than allowed: taken over
        assert (again.runner, again.attempts) == ("host-b:2", 2)
        assert not store.job_progress("j1", "host-a:1")  # the old runner learns it is no longer its job
        store.finish_job("j1", "host-b:2", "done", {"results": [1, 2]})
        done = store.job("j1")
        assert done.state == "done" and done.finished_at and store.job_files("j1") == {}
        assert store.take_job("host-c:3", -1) is None and [j.id for j in store.jobs(owner="ola")] == ["j1"]
        assert store.jobs(owner="ewa") == [] and store.unfinished_jobs() == []
