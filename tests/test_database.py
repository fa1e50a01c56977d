"""The data-access layer (database/) against both of its databases: SQLite in a file and a real
PostgreSQL server (Debian's, started by `make test-server` or by the `postgres_url` fixture).

Each person's conversations and feedback are their own; uploads keep unique names whatever the
race; a transaction is all or nothing; two processes on one database see each other's writes at
once; the writer lock is held by one process at a time and freed when its holder is killed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from database import LOCAL, Database, DatabaseError, NotAllowed, Person, Role
from database.conversations import ConversationError
from database.feedback import FeedbackRecord
from database.imports import import_local_files

ROOT = Path(__file__).resolve().parents[1]
ALICE = Person("alice-sub", "Alice Reader", "alice@kingsmere.gov.uk", Role.READER)
BOB = Person("bob-sub", "Bob Editor", "bob@kingsmere.gov.uk", Role.EDITOR)
ADMIN = Person("ada-sub", "Ada Admin", "ada@kingsmere.gov.uk", Role.ADMIN)


def feedback(answer_id: str, rating: str | None = "up", comment: str = "") -> FeedbackRecord:
    return FeedbackRecord(answer_id=answer_id, rating=rating, comment=comment, question="q?", answer="a [1]",
                          chunk_ids=["c1"], mode="ask", backend="extractive", filters={"authority": "X"})


def test_each_person_sees_only_their_own_conversations(database):
    conversations = database.conversations
    conversations.save(ALICE.id, "a1a1a1a1a1a1a1a1", [{"question": "Alice's first"}], "Alice's first")
    conversations.save(BOB.id, "b2b2b2b2b2b2b2b2", [{"question": "Bob's"}, {"question": "again"}], "Bob's")
    assert [s.id for s in conversations.list(ALICE.id)] == ["a1a1a1a1a1a1a1a1"]
    assert [(s.id, s.turns) for s in conversations.list(BOB.id)] == [("b2b2b2b2b2b2b2b2", 2)]
    # Bob knowing Alice's id changes nothing: to him it does not exist.
    assert conversations.load(BOB.id, "a1a1a1a1a1a1a1a1") is None
    assert not conversations.rename(BOB.id, "a1a1a1a1a1a1a1a1", "mine now")
    assert not conversations.delete(BOB.id, "a1a1a1a1a1a1a1a1")
    with pytest.raises(ConversationError, match="not yours"):
        conversations.save(BOB.id, "a1a1a1a1a1a1a1a1", [{"question": "overwritten"}], "x")
    kept = conversations.load(ALICE.id, "a1a1a1a1a1a1a1a1")
    assert kept.title == "Alice's first" and kept.turns == [{"question": "Alice's first"}]
    # Her own: saved again keeps title and creation, renamed, deleted.
    again = conversations.save(ALICE.id, "a1a1a1a1a1a1a1a1", [{"question": "Alice's first"}, {"question": "more"}], "new")
    assert again.title == "Alice's first" and again.created == kept.created
    assert conversations.rename(ALICE.id, "a1a1a1a1a1a1a1a1", "For the board")
    assert [(s.title, s.turns) for s in conversations.list(ALICE.id)] == [("For the board", 2)]
    assert conversations.delete(ALICE.id, "a1a1a1a1a1a1a1a1") and conversations.list(ALICE.id) == []
    assert conversations.count(BOB.id) == 1


def test_feedback_is_signed_and_only_an_admin_exports_everyones(database):
    database.feedback.add(ALICE, feedback("t1", "up"))
    database.feedback.add(BOB, feedback("t2", "down", "wrong council"))
    database.feedback.add(ALICE, feedback("t1", "up", "exactly right"))
    mine = database.feedback.mine(ALICE)
    assert [(r.answer_id, r.comment, r.owner, r.owner_email) for r in mine] == [
        ("t1", "", "alice-sub", "alice@kingsmere.gov.uk"), ("t1", "exactly right", "alice-sub", "alice@kingsmere.gov.uk")]
    assert mine[0].chunk_ids == ["c1"] and mine[0].filters == {"authority": "X"}
    for person in (ALICE, BOB):
        with pytest.raises(NotAllowed, match="needs the admin role"):
            database.feedback.everyone(person)
    everyone = database.feedback.everyone(ADMIN)
    assert [(r.owner_name, r.rating) for r in everyone] == [("Alice Reader", "up"), ("Bob Editor", "down"),
                                                            ("Alice Reader", "up")]


def test_the_audit_log_keeps_who_when_what_newest_first(database):
    database.audit.record(BOB, "upload", "kingsmere.pdf", "Kingsmere 2024-06-01: 120 findings added, 0 removed")
    database.audit.record(BOB, "remove", "Eastholm, 2024-03-02", "98 findings removed")
    entries = database.audit.recent()
    assert [(e.action, e.actor, e.actor_label) for e in entries] == [
        ("remove", "bob-sub", "Bob Editor <bob@kingsmere.gov.uk>"), ("upload", "bob-sub", "Bob Editor <bob@kingsmere.gov.uk>")]
    assert entries[0].time >= entries[1].time and entries[0].time.endswith("+00:00")
    with pytest.raises(ValueError, match="not an audited action"):
        database.audit.record(BOB, "rename", "x", "y")


def test_uploads_keep_bytes_exactly_and_never_replace_another_file(database):
    data = bytes(range(256)) * 20_000  # 5 MB, every byte value
    first = database.uploads.add(["report.pdf", "report (2).pdf"], data, BOB)
    assert (first.name, first.existing, first.size) == ("report.pdf", False, len(data))
    again = database.uploads.add(["report.pdf", "report (2).pdf"], data, ADMIN)
    assert (again.name, again.existing, again.uploaded_by) == ("report.pdf", True, "bob-sub")
    other = database.uploads.add(["report.pdf", "report (2).pdf"], b"another report", BOB)
    assert (other.name, other.existing) == ("report (2).pdf", False)
    assert database.uploads.add(["report.pdf", "report (2).pdf"], b"a third", BOB) is None  # every name taken
    assert database.uploads.content("report.pdf") == data
    assert [u.name for u in database.uploads.list()] == ["report (2).pdf", "report.pdf"]
    assert database.uploads.remove(["report.pdf", "not there.pdf"]) == 1
    assert database.uploads.content("report.pdf") is None and database.uploads.held("report (2).pdf").size == 14


def test_uploads_racing_for_one_name_each_get_their_own(database_url):
    """Two app machines (two Database objects, two threads) upload different files called the same."""
    from ingest.uploads import upload_names

    machines = [Database(database_url), Database(database_url)]
    kept: list[str] = []

    def upload(db: Database, who: int) -> None:
        for n in range(8):
            kept.append(db.uploads.add(upload_names("report.pdf"), f"{who}-{n}".encode(), BOB).name)

    threads = [threading.Thread(target=upload, args=(db, i)) for i, db in enumerate(machines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kept) == 16 and len(set(kept)) == 16
    assert {u.name for u in machines[0].uploads.list()} == set(kept)
    contents = {machines[1].uploads.content(name) for name in kept}
    assert contents == {f"{w}-{n}".encode() for w in range(2) for n in range(8)}


def test_a_transaction_is_all_or_nothing(database):
    from database.schema import audit_log

    with pytest.raises(RuntimeError):
        with database.writing() as conn:
            conn.execute(audit_log.insert().values(time="t", actor="x", action="upload", target="", outcome=""))
            raise RuntimeError("killed half-way")
    assert database.audit.recent() == []


def test_a_second_machine_sees_a_write_at_once(database_url):
    one, two = Database(database_url), Database(database_url)
    assert two.conversations.list(ALICE.id) == []  # two has read (and pooled a connection) before the write
    one.conversations.save(ALICE.id, "c3c3c3c3c3c3c3c3", [{"question": "q"}], "Seen elsewhere")
    one.audit.record(BOB, "upload", "x.md", "ok")
    assert [s.title for s in two.conversations.list(ALICE.id)] == ["Seen elsewhere"]
    assert [e.target for e in two.audit.recent()] == ["x.md"]


HOLDER = """
import sys, time
from database import Database
with Database(sys.argv[1]).writer_lock():
    print("held", flush=True)
    time.sleep(600)
"""


def test_one_writer_at_a_time_and_a_killed_writer_frees_the_lock(database):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, database.url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseError, match="another writer"):
            with database.writer_lock(wait_s=0.5):
                pass
        holder.kill()  # SIGKILL: no clean-up of its own
        holder.wait(timeout=10)
        with database.writer_lock(wait_s=20):  # the server (or the kernel, for SQLite's file) freed it
            pass
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_an_unreachable_database_is_named_without_its_password():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(DatabaseError) as caught:
        Database(f"postgresql+psycopg://cqc:sekrit-pass@127.0.0.1:{port}/cqc?connect_timeout=3")
    message = str(caught.value)
    assert f"127.0.0.1:{port}/cqc" in message and "sekrit-pass" not in message and "CQC_DATABASE_URL" in message


def test_a_database_from_a_newer_version_is_refused(database):
    database.set_info("schema_version", "99")
    with pytest.raises(DatabaseError, match="newer version"):
        Database(database.url)


def test_files_of_earlier_versions_are_imported_once_as_the_local_users(database, tmp_path):
    store = tmp_path / "store"
    (store / "conversations").mkdir(parents=True)
    (store / "conversations" / "0123456789abcdef.json").write_text(json.dumps(
        {"title": "Before the database", "created": "2026-01-02T03:04:05+00:00", "updated": "2026-01-02T03:04:05+00:00",
         "turns": [{"id": "t1", "question": "How long?", "mode": "ask", "answers": []}]}))
    (store / "conversations" / "fedcba9876543210.json").write_text("{not json")
    (store / "uploads").mkdir()
    (store / "uploads" / "kingsmere.md").write_bytes(b"# Kingsmere")
    old_feedback = tmp_path / "feedback.jsonl"
    old_feedback.write_text(json.dumps({"answer_id": "t1", "rating": "up", "comment": "", "question": "How long?",
                                        "answer": "23 days [1]", "chunk_ids": ["c"], "mode": "ask",
                                        "backend": "extractive", "filters": {}, "time": "2026-01-02T03:05:00+00:00"})
                            + "\n\nnot json\n")
    done = import_local_files(database, store, old_feedback)
    assert (done.conversations, done.feedback, done.uploads) == (1, 1, 1)
    assert any("fedcba9876543210.json" in p for p in done.problems) and any("line 3" in p for p in done.problems)
    (summary,) = database.conversations.list(LOCAL.id)
    assert (summary.title, summary.updated, summary.turns) == ("Before the database", "2026-01-02T03:04:05+00:00", 1)
    assert [r.answer for r in database.feedback.mine(LOCAL)] == ["23 days [1]"]
    assert database.uploads.content("kingsmere.md") == b"# Kingsmere"
    # Deleted afterwards, it stays deleted: each folder and file is imported once.
    database.conversations.delete(LOCAL.id, "0123456789abcdef")
    again = import_local_files(database, store, old_feedback)
    assert (again.conversations, again.feedback, again.uploads) == (0, 0, 0)
    assert database.conversations.list(LOCAL.id) == [] and len(database.feedback.mine(LOCAL)) == 1
