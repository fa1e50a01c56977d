"""What earlier versions kept in files, brought into the database once.

Before the database, conversations were JSON files in `<store>/conversations/`, feedback one
`feedback.jsonl` (`CQC_FEEDBACK_FILE`) and uploaded reports files in `<store>/uploads/`. They
belonged to the one person using that machine, so they are imported as the local user's (with
sign-in on, nobody signs in as the local user: they are kept, and shown to no one). The files are
left where they are; each source is marked done in `schema_info` once wholly imported, so a
conversation deleted afterwards does not come back, and an interrupted import finishes next time.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from database import schema
from database.conversations import StoredConversation
from database.feedback import FeedbackRecord
from database.people import LOCAL
from database.store import Database


@dataclass
class Imported:
    conversations: int = 0
    feedback: int = 0
    uploads: int = 0
    problems: list[str] = field(default_factory=list)  # files that could not be read, named


def _done(db: Database, source: Path) -> bool:
    return db.info(f"imported:{source.resolve()}") is not None


def _mark(db: Database, source: Path) -> None:
    db.set_info(f"imported:{source.resolve()}", "done")


def import_conversations(db: Database, folder: Path, out: Imported) -> None:
    if not folder.is_dir() or _done(db, folder):
        return
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            out.problems.append(f"{path}: not imported, it cannot be read ({exc})")
            continue
        if not isinstance(data, dict) or not data.get("turns"):
            continue
        stored = StoredConversation(id=path.stem[:32], owner=LOCAL.id, title=str(data.get("title") or ""),
                                    created=str(data.get("created") or ""), updated=str(data.get("updated") or ""),
                                    turns=list(data["turns"]))
        out.conversations += db.conversations.add_if_absent(LOCAL.id, stored)
    _mark(db, folder)


def import_feedback(db: Database, path: Path, out: Imported) -> None:
    if not path.is_file() or _done(db, path):
        return
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            records.append(FeedbackRecord(
                answer_id=str(d["answer_id"]), rating=d.get("rating"), comment=str(d.get("comment") or ""),
                question=str(d.get("question") or ""), answer=str(d.get("answer") or ""),
                chunk_ids=list(d.get("chunk_ids") or []), mode=str(d.get("mode") or "ask"),
                backend=str(d.get("backend") or ""), filters=dict(d.get("filters") or {}),
                time=str(d.get("time") or ""), owner=LOCAL.id, owner_name=LOCAL.name))
        except (ValueError, KeyError, TypeError) as exc:
            out.problems.append(f"{path}, line {number}: not imported ({exc})")
    db.feedback.add_imported(records)  # one transaction, then marked: never twice
    out.feedback += len(records)
    _mark(db, path)


def import_uploads(db: Database, folder: Path, out: Imported) -> None:
    if not folder.is_dir() or _done(db, folder):
        return
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file() or path.name.startswith("."):
            continue
        stored = db.uploads.add([path.name], path.read_bytes(), LOCAL)
        if stored is None:
            out.problems.append(f"{path}: not imported, the database holds another file of that name")
        elif not stored.existing:
            out.uploads += 1
    _mark(db, folder)


def import_local_files(db: Database, store_dir: Path, feedback_file: Path) -> Imported:
    """Everything an earlier version kept in files for this store folder, once."""
    out = Imported()
    import_conversations(db, store_dir / "conversations", out)
    import_feedback(db, feedback_file, out)
    import_uploads(db, store_dir / "uploads", out)
    return out


# -- a library's catalog from before stage two -------------------------------------------------------
OLD_CATALOG = "catalog.sqlite3"
_OLD_TABLES = {"reports": schema.reports, "chunks": schema.chunks, "pages": schema.pages, "measures": schema.measures}


def import_old_catalog(db: Database, folder: Path) -> int:
    """A store folder written before the catalog moved into the database holds it as
    `<store>/catalog.sqlite3`: its rows come into the database in one transaction, once (the file
    is then renamed `catalog.sqlite3.imported`, kept). Returns the reports imported. Only into a
    database whose catalog is empty: a library already there is never mixed with another."""
    path = Path(folder) / OLD_CATALOG
    if not path.is_file():
        return 0
    with db.reading() as conn:
        if conn.execute(select(func.count()).select_from(schema.reports)).scalar_one():
            return 0
    old = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
    try:
        names = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        rows: dict[str, list[dict]] = {}
        for name, table in _OLD_TABLES.items():
            if name not in names:
                continue
            columns = [r[1] for r in old.execute(f'PRAGMA table_info("{name}")')]
            wanted = [c for c in columns if c in table.c]
            cursor = old.execute(f"SELECT {', '.join(wanted)} FROM \"{name}\"")
            rows[name] = [dict(zip(wanted, values)) for values in cursor]
        meta = dict(old.execute("SELECT key, value FROM meta").fetchall()) if "meta" in names else {}
    finally:
        old.close()
    meta.pop("generation", None)
    with db.writing() as conn:
        for name, table in _OLD_TABLES.items():
            if rows.get(name):
                conn.execute(table.insert(), rows[name])
        conn.execute(schema.catalog_meta.delete())
        if meta:
            conn.execute(schema.catalog_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()])
        conn.execute(schema.catalog_meta.insert().values(key="generation", value="1"))
    for side in ("-wal", "-shm", ""):  # kept whole, under a name no program opens
        if path.with_name(OLD_CATALOG + side).exists():
            os.replace(path.with_name(OLD_CATALOG + side), path.with_name(OLD_CATALOG + ".imported" + side))
    return len(rows.get("reports", []))
