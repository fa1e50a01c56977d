"""`python -m ingest --rebuild`: a new library built beside the live one, switched to when whole.

Readers never see a library half rebuilt, nor an empty one (blue/green):

1. The rebuild holds the library's writer lock throughout (the database's: SQLite's lock file, or
   PostgreSQL's advisory lock), so no other writer changes the live library meanwhile; readers
   never wait for it.
2. It reads what the live library was built from: the files its reports were read from, those of
   an earlier rebuild that did not finish, the uploads. A damaged SQLite database is moved aside
   (never deleted) and the file names still readable in it are salvaged.
3. It builds the new library in `<store>/rebuild/`: a staged catalog of its own (an SQLite file
   there, whatever the live database is), its vectors in a collection of their own beside the live
   one (`<collection>-r<8 hex>`), written by the ordinary ingest. A marker there (`started.json`)
   says a rebuild is under way.
4. The switch: in one transaction of the live database the catalog's rows are replaced by the
   staged ones and its meta names the new collection (`vectors_suffix`), moving the generation on.
   Readers (the app, another machine on the same database) see the old library or the new one,
   whole: their next question reads the new catalog, the new collection, a new keyword index. Then
   the old collection is dropped and `rebuild/` removed.

Killed at any point before the switch, the live library is as it was and keeps answering; the
marker left behind makes every command say a rebuild was interrupted and how to finish it. The
next rebuild (or ingest) clears what the killed one left.

Works without opening the live store as a LibraryStore: its schema or model may be unreadable to
this program, its database may be damaged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import make_url

from config import Settings
from database import Database
from database.catalog import read_meta, write_meta
from database.schema import CATALOG_TABLES, catalog_meta, reports as report_table
from database.store import database_url, file_lock, lock_file
from vectorstore.errors import store_errors
from vectorstore.vectors import collection_name, open_client, talking_to_server

if TYPE_CHECKING:
    import chromadb

STAGING = "rebuild"
MARKER = "started.json"
VECTORS_SUFFIX = "vectors_suffix"
# Meta that describes the live library's place, not what it holds: the switch keeps the live one's.
FOLDER_META = ("generation", "store_id")
COPY_BATCH = 1000  # rows copied at a time at the switch
# A writer (an ingest, a rebuild) waits this long for another (a national-scale ingest takes a while)
# before saying so.
WRITER_WAIT_S = 6 * 3600
_STAGED = re.compile(r"-r[0-9a-f]{8}$")


def vectors_collection(library: str, suffix: str) -> str:
    """The collection holding a library's vectors: its own name, or that name and the suffix of
    the rebuild that made them."""
    return f"{library}-{suffix}" if library and suffix else library


# -- an unfinished rebuild -----------------------------------------------------------------------
@dataclass(frozen=True)
class Unfinished:
    started: str

    def message(self, folder: Path) -> str:
        return (f"A rebuild of the library at {folder} was stopped before it finished (started {self.started}). "
                "Nothing was switched: questions are answered from the library as it was before the rebuild. "
                f"Finish it with: python -m ingest --rebuild --store {folder}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def unfinished_rebuild(folder: Path) -> Unfinished | None:
    """A rebuild's leftovers whose process is no longer running (killed, or its machine stopped)."""
    try:
        marker = json.loads((Path(folder) / STAGING / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if marker.get("host") == socket.gethostname() and _alive(int(marker.get("pid", 0) or 0)):
        return None  # running now
    return Unfinished(str(marker.get("started", "?")))


# -- the rebuild ---------------------------------------------------------------------------------
@dataclass
class Rebuild:
    """What a rebuild reads and where it builds; `switch()` makes it the live library."""

    settings: Settings
    folder: Path
    suffix: str = ""
    store_id: str = ""
    old_suffix: str = ""
    sources: list[str] = field(default_factory=list)  # the files the library was built from
    uploads: list[str] = field(default_factory=list)  # of those, the uploaded ones: read again in any rebuild
    notes: list[str] = field(default_factory=list)  # what the user should know (a damaged catalog kept)
    switched: bool = False

    @property
    def staging(self) -> Path:
        return self.folder / STAGING

    @property
    def staged_folder(self) -> Path:
        """The staged library's folder: its catalog is `library.sqlite3` beside it, in `rebuild/`."""
        return self.staging / "library"

    @property
    def staged_settings(self) -> Settings:
        return self.settings.replace(store_dir=str(self.staged_folder), database_url="")

    @property
    def library(self) -> str:
        return collection_name(self.settings, self.store_id)

    def switch(self) -> None:
        """Make the staged library the live one, in one transaction readers see whole."""
        _replace_catalog(database_url(self.settings), database_url(self.staged_settings))
        self.switched = True
        old = vectors_collection(self.library, self.old_suffix)
        with _client(self.settings, self.folder) as client:
            _drop(client, [old] if old and old != vectors_collection(self.library, self.suffix) else [])
        shutil.rmtree(self.staging, ignore_errors=True)

    def discard(self) -> None:
        """Give up the staged library: its folder and its collection go, the live one stays."""
        with _client(self.settings, self.folder) as client:
            _drop(client, [vectors_collection(self.library, self.suffix)])
        shutil.rmtree(self.staging, ignore_errors=True)


@contextmanager
def rebuilding(settings: Settings) -> Iterator[Rebuild]:
    """Hold the library's writer lock for a whole rebuild, and prepare it."""
    folder = Path(settings.store.dir)
    with store_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
    with _writer_lock(settings), store_errors(folder):
        rebuild = _prepare(settings, folder)
        yield rebuild
        if not rebuild.switched:  # given up on purpose (nothing to read): nothing left behind
            rebuild.discard()


@contextmanager
def _writer_lock(settings: Settings) -> Iterator[None]:
    """The lock `LibraryStore.writing` takes, taken without opening the live database when it is
    SQLite's (a damaged file must not stop the rebuild that recovers it)."""
    url = database_url(settings)
    if make_url(url).get_backend_name() == "sqlite":
        path = lock_file(url, "library")
        path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(path, time.monotonic() + WRITER_WAIT_S):
            yield
        return
    database = Database(url)
    try:
        with database.writer_lock("library", wait_s=WRITER_WAIT_S):
            yield
    finally:
        database.close()


def _prepare(settings: Settings, folder: Path) -> Rebuild:
    rebuild = Rebuild(settings, folder)
    meta, rebuild.sources = _live_sources(settings, rebuild)
    # A folder written before the catalog moved into the database, not yet opened since.
    old_meta, old_sources = _read_sources(folder / "catalog.sqlite3", "meta")
    meta = old_meta | meta
    rebuild.sources += old_sources
    try:  # an earlier rebuild that did not finish: what it was reading too
        rebuild.sources += json.loads((folder / STAGING / MARKER).read_text(encoding="utf-8")).get("sources", [])
    except (OSError, ValueError):
        pass
    uploads = folder / "uploads"
    if uploads.is_dir():  # uploaded reports live only here: never leave one out of a rebuild
        rebuild.uploads = [str(p) for p in sorted(uploads.iterdir()) if p.is_file()]
    rebuild.sources = sorted(dict.fromkeys(rebuild.sources + rebuild.uploads))
    rebuild.store_id = meta.get("store_id") or uuid.uuid4().hex
    rebuild.old_suffix = meta.get(VECTORS_SUFFIX, "")
    rebuild.suffix = f"r{uuid.uuid4().hex[:8]}"

    # What a killed rebuild left: its folder, and staged collections no catalog names.
    shutil.rmtree(rebuild.staging, ignore_errors=True)
    live = vectors_collection(rebuild.library, rebuild.old_suffix)
    with _client(settings, folder) as client:
        names = [c.name if hasattr(c, "name") else str(c) for c in client.list_collections()]
        _drop(client, [n for n in names if n != live and n.startswith(rebuild.library + "-") and _STAGED.search(n)
                       and _STAGED.sub("", n) == rebuild.library])
    rebuild.staged_folder.mkdir(parents=True)
    staged = Database(database_url(rebuild.staged_settings))
    try:
        with staged.writing() as conn:
            write_meta(conn, {"store_id": rebuild.store_id, VECTORS_SUFFIX: rebuild.suffix})
    finally:
        staged.close()
    marker = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
              "sources": rebuild.sources}
    (rebuild.staging / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    return rebuild


def _live_sources(settings: Settings, rebuild: Rebuild) -> tuple[dict[str, str], list[str]]:
    """The live catalog's meta and the files its reports were read from. A damaged SQLite database
    is moved aside (kept) and what can still be read of it salvaged."""
    url = database_url(settings)
    if make_url(url).get_backend_name() != "sqlite":
        database = Database(url)
        try:
            with database.reading() as conn:
                sources = [f for files in conn.execute(select(report_table.c.files)).scalars() for f in json.loads(files)]
                meta = read_meta(conn)
        finally:
            database.close()
        return meta, sources + json.loads(meta.get("rebuild_sources", "[]"))
    path = settings.store.database_file()
    try:
        return _read_sources(path, catalog_meta.name)
    except sqlite3.DatabaseError as exc:
        kept = _move_aside(path)
        rebuild.notes.append(f"the damaged catalog ({exc}) was moved to {kept} (with the conversations, feedback and "
                             "audit log it held)")
        return {}, _salvage_sources(kept)


def _read_sources(path: Path, meta_table: str) -> tuple[dict[str, str], list[str]]:
    """An SQLite catalog's meta and the files its reports were read from. Raises
    sqlite3.DatabaseError when the file is damaged anywhere (an integrity check reads every page)."""
    if not path.exists():
        return {}, []
    conn = sqlite3.connect(str(path), timeout=60)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"database disk image is malformed ({problems[0][:120]})")
        meta = dict(conn.execute(f'SELECT key, value FROM "{meta_table}"').fetchall())
        sources: list[str] = json.loads(meta.get("rebuild_sources", "[]"))
        try:
            for (files,) in conn.execute("SELECT files FROM reports"):
                sources += json.loads(files)
        except sqlite3.OperationalError:
            pass  # no such table, or another schema: only the files named are read
        except ValueError:
            pass
        return meta, sources
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return {}, []
        raise
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


# -- the switch ----------------------------------------------------------------------------------
def _replace_catalog(live_url: str, staged_url: str) -> None:
    """The live catalog's rows replaced by the staged ones, and its meta by theirs (less what
    describes the live library's place), in one transaction of the live database: readers see the
    old library or the new, whole (PostgreSQL's MVCC, SQLite's WAL)."""
    live, staged = Database(live_url), Database(staged_url)
    try:
        with staged.reading() as source, live.writing() as conn:
            for table in reversed(CATALOG_TABLES):
                conn.execute(table.delete())
            for table in CATALOG_TABLES:
                rows = source.execute(select(table)).mappings()
                while batch := rows.fetchmany(COPY_BATCH):
                    conn.execute(table.insert(), [dict(r) for r in batch])
            live_meta, staged_meta = read_meta(conn), read_meta(source)
            meta = {k: v for k, v in staged_meta.items() if k not in FOLDER_META}
            meta.update({k: live_meta[k] for k in FOLDER_META if k in live_meta})
            meta["store_id"] = live_meta.get("store_id") or staged_meta["store_id"]
            meta["generation"] = str(max(int(live_meta.get("generation") or 0),
                                         int(staged_meta.get("generation") or 0)) + 1)
            conn.execute(catalog_meta.delete())
            write_meta(conn, meta)
    finally:
        staged.close()
        live.close()


# -- Chroma ------------------------------------------------------------------------------------
@contextmanager
def _client(settings: Settings, folder: Path) -> Iterator[chromadb.ClientAPI]:
    with talking_to_server(settings, folder):  # what the rebuild does with it is translated too
        client = open_client(settings, folder)
        try:
            yield client
        finally:
            if not settings.store.chroma_host:  # an embedded client holds the folder's files open
                client.close()


def _drop(client: chromadb.ClientAPI, names: list[str]) -> None:
    held = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
    for name in names:
        if name in held:
            client.delete_collection(name)
