"""Emptying a store for `python -m ingest --rebuild`, whatever state it is in.

Works without opening the store (its schema or model may be unreadable to this program, its
catalog may be damaged), under the store's write lock. The vectors go first: if the server is
down nothing is lost. The list of files the store was built from stays in the catalog until the
rebuild finishes, so a rebuild that is itself interrupted can be run again without naming them.
A damaged catalog is moved aside, never deleted, and the uploads folder is read again.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import chromadb

from vectorstore.errors import store_errors
from config import Settings
from vectorstore.vectors import collection_name, talking_to_server

# Kept through a rebuild: the library's identity, and the generation, so that a process holding
# the library open (the app) sees a change whatever the rebuild writes next.
KEPT_META = ("store_id", "generation")


@dataclass
class Wiped:
    sources: list[str] = field(default_factory=list)  # the files the store was built from
    uploads: list[str] = field(default_factory=list)  # of those, the uploaded ones: read again in any rebuild
    notes: list[str] = field(default_factory=list)  # what the user should know (a damaged catalog kept)


def wipe(settings: Settings) -> Wiped:
    """Empty a store and return the report files it was built from."""
    folder = Path(settings.store.dir)
    with store_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        lock = os.open(folder / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _wipe_locked(settings, folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            os.close(lock)


def _wipe_locked(settings: Settings, folder: Path) -> Wiped:
    path = folder / "catalog.sqlite3"
    wiped = Wiped()
    try:
        meta, wiped.sources = _read_sources(path)
    except sqlite3.DatabaseError as exc:
        kept = _move_aside(path)
        wiped.notes.append(f"the damaged catalog ({exc}) was moved to {kept}")
        meta = {}
        wiped.sources = _salvage_sources(kept)
    uploads = folder / "uploads"
    if uploads.is_dir():  # uploaded reports live only here: never leave one out of a rebuild
        wiped.uploads = [str(p) for p in sorted(uploads.iterdir()) if p.is_file()]
    wiped.sources = sorted(dict.fromkeys(wiped.sources + wiped.uploads))

    _drop_vectors(settings, folder, meta.get("store_id", ""))

    conn = sqlite3.connect(str(path), isolation_level=None, timeout=60)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        # Every table but meta: whatever tables the catalog has grown, none survives a rebuild.
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'"
                                             " AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        generation = int(meta.get("generation") or 0) + 1
        marks = ",".join("?" * len(KEPT_META))
        conn.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", KEPT_META)
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                         [("rebuild_sources", json.dumps(wiped.sources)), ("generation", str(generation))]
                         + ([("store_id", meta["store_id"])] if meta.get("store_id") else []))
        conn.execute("COMMIT")
    finally:
        conn.close()
    shutil.rmtree(folder / "bm25", ignore_errors=True)
    return wiped


def _read_sources(path: Path) -> tuple[dict[str, str], list[str]]:
    """The catalog's meta and the files its reports were read from (and those of an unfinished
    rebuild). Raises sqlite3.DatabaseError when the catalog is damaged."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=60)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        sources: list[str] = json.loads(meta.get("rebuild_sources", "[]"))
        try:
            for (files,) in conn.execute("SELECT files FROM reports"):
                sources += json.loads(files)
        except sqlite3.OperationalError:
            pass  # no such table, or another schema: only the files named are read
        except ValueError:
            pass
        return meta, sources
    finally:
        conn.close()


def _move_aside(path: Path) -> Path:
    """Keep a damaged catalog (someone may want to recover it) under a name no program opens."""
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, kept)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    return kept


def _salvage_sources(kept: Path) -> list[str]:
    """Whatever file names can still be read from a damaged catalog, row by row."""
    sources: list[str] = []
    try:
        conn = sqlite3.connect(f"file:{kept}?mode=ro", uri=True)
    except sqlite3.Error:
        return sources
    try:
        for (files,) in conn.execute("SELECT files FROM reports"):
            try:
                sources += json.loads(files)
            except ValueError:
                continue
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    return sources


def _drop_vectors(settings: Settings, folder: Path, store_id: str) -> None:
    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.store.chroma_host:
        name = collection_name(settings, store_id)
        if not name:
            return
        from vectorstore.catalog import SCHEMA_VERSION
        from vectorstore.ledger import Lease, open_ledger, reset_ledger

        with talking_to_server(settings, folder):
            client = chromadb.HttpClient(host=settings.store.chroma_host, port=settings.store.chroma_port, settings=chroma_settings)
            lease = Lease(open_ledger(client, name), settings.store.lease_seconds, lambda: f"rebuild of {folder}")
            lease.acquire()  # no other machine is writing the shared library meanwhile
            try:
                _drop_collection(client, name)
                reset_ledger(client, name, SCHEMA_VERSION)
            finally:
                lease.release()
    elif (folder / "chroma").exists():
        client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings)
        try:
            _drop_collection(client, settings.store.collection)
        finally:
            client.close()


def _drop_collection(client: chromadb.ClientAPI, name: str) -> None:
    if name in {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}:
        client.delete_collection(name)
