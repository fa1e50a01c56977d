"""A store folder's catalog as a replica of the one a Chroma server holds (server mode).

With `CQC_CHROMA_HOST` set, the vectors live on the server and every process, on any machine,
that names the same library (`CQC_LIBRARY`) answers from them. The catalog and the keyword index
live in each store folder; they follow the server: a writer publishes what it changed to the
library's ledger (`vectorstore.ledger`) before it lets go of the write lease, and a reader that
finds the ledger's head moved on pulls the reports that changed into its own catalog (the keyword
index then rebuilds itself from the catalog, as it does after any change). A new machine's
empty folder is filled from the server when the store opens.

Rows travel generically: every catalog table with a `report_id` column travels per report, any
other table (but `meta`) whole, every column as it is (bytes as base64). A table or column the
catalog gains later costs nothing here. Triggers note each report a local write touched, so a
writer publishes only those.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sqlite3
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from vectorstore.catalog import SCHEMA_VERSION
from vectorstore.errors import LibraryBusy, StoreError, StoreUnavailable, StoreVersionError, store_errors
from vectorstore.ledger import HEAD, PLACEHOLDER, TABLES, Head, Lease, open_ledger, read_head, report_key, write_head

log = logging.getLogger(__name__)


class ReplicaHost(Protocol):
    """What a replica needs of the store it serves (the store holds the replica, so the replica
    names only these, not the store's class)."""

    settings: Any
    folder: Path
    client: Any
    collection_name: str
    library_name: str

    def _talking_to_chroma(self) -> AbstractContextManager: ...


# Meta that describes this folder, not the library: never sent, never overwritten by a pull.
LOCAL_META = frozenset({"generation", "store_id", "rebuild_sources", "replica_head", "replica_manifest"})
DIRTY = "replica_dirty"  # report ids local writes touched since the last publish
BACKOFF_SECONDS = 30.0  # after the server failed to answer a reader, ask again no sooner than this


def _encode(value):
    return {"b64": base64.b64encode(value).decode()} if isinstance(value, bytes) else value


def _decode(value):
    return base64.b64decode(value["b64"]) if isinstance(value, dict) else value


def _digest(rows: dict) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:24]


class Replica:
    def __init__(self, store: ReplicaHost):
        self.store = store
        self.settings = store.settings
        self.folder = store.folder
        self._conn = sqlite3.connect(str(self.folder / "catalog.sqlite3"), isolation_level=None, timeout=60,
                                     check_same_thread=False)
        self._lock = threading.RLock()  # this connection, one statement or transaction at a time
        self._pulling = threading.Lock()
        self._next_look = 0.0
        self._lease: Lease | None = None
        self._ledger: tuple[object, object] | None = None  # (the client it came from, the collection)

    # -- the local catalog, generically --------------------------------------------------------
    def _tables(self) -> tuple[list[str], list[str]]:
        """(tables whose rows belong to a report, other tables), `meta` and our own left out."""
        names = [r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        per_report, whole = [], []
        for name in names:
            if name in ("meta", DIRTY):
                continue
            columns = {r[1] for r in self._conn.execute(f'PRAGMA table_info("{name}")')}
            (per_report if "report_id" in columns else whole).append(name)
        return per_report, whole

    def _install_triggers(self) -> None:
        with self._lock, store_errors(self.folder):
            self._conn.execute(f"CREATE TABLE IF NOT EXISTS {DIRTY} (report_id TEXT PRIMARY KEY)")
            per_report, _ = self._tables()
            for table in per_report:
                mark = f"INSERT OR IGNORE INTO {DIRTY} VALUES"
                self._conn.executescript(f'''
                    CREATE TRIGGER IF NOT EXISTS "{DIRTY}_{table}_i" AFTER INSERT ON "{table}"
                        BEGIN {mark} (NEW.report_id); END;
                    CREATE TRIGGER IF NOT EXISTS "{DIRTY}_{table}_u" AFTER UPDATE ON "{table}"
                        BEGIN {mark} (NEW.report_id); {mark} (OLD.report_id); END;
                    CREATE TRIGGER IF NOT EXISTS "{DIRTY}_{table}_d" AFTER DELETE ON "{table}"
                        BEGIN {mark} (OLD.report_id); END;''')

    def _rows(self, table: str, report_id: str | None = None) -> dict:
        cur = self._conn.execute(f'SELECT * FROM "{table}"' + (" WHERE report_id = ?" if report_id else "")
                                 + " ORDER BY rowid", (report_id,) if report_id else ())
        columns = [d[0] for d in cur.description]
        return {"columns": columns, "rows": [[_encode(v) for v in row] for row in cur.fetchall()]}

    def _bundle(self, report_id: str, per_report: list[str]) -> dict | None:
        bundle = {t: self._rows(t, report_id) for t in per_report}
        return bundle if any(b["rows"] for b in bundle.values()) else None

    def _put_rows(self, table: str, data: dict, local_columns: dict[str, set[str]]) -> None:
        columns = data["columns"]
        unknown = set(columns) - local_columns.get(table, set())
        if unknown:
            raise StoreVersionError(
                f"The shared library's catalog has {', '.join(sorted(unknown))} in table {table}, which this program "
                "does not know: run the same version of the program on every machine."
            )
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self._conn.executemany(f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})',
                               [[_decode(v) for v in row] for row in data["rows"]])

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, values: dict[str, str]) -> None:
        self._conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))

    # -- the server ----------------------------------------------------------------------------
    @property
    def ledger(self):
        client = self.store.client
        if self._ledger is None or self._ledger[0] is not client:
            with self.store._talking_to_chroma():
                self._ledger = (client, open_ledger(client, self.store.library_name))
        return self._ledger[1]

    def open(self) -> None:
        """At start: note local writes from now on, and catch up with the server if it answers
        (if not, the folder's catalog serves reads; what needs the server will say it is down)."""
        self._install_triggers()
        try:
            self.pull()
            self._next_look = time.monotonic() + self.settings.store.sync_seconds
        except StoreUnavailable as exc:
            log.warning("%s", exc)
            self._next_look = time.monotonic() + BACKOFF_SECONDS

    def follow(self) -> None:
        """A reader's look at the server, at most every `CQC_SYNC_SECONDS`."""
        if time.monotonic() < self._next_look or not self._pulling.acquire(blocking=False):
            return  # looked a moment ago, or another thread is pulling now
        try:
            self._next_look = time.monotonic() + self.settings.store.sync_seconds
            self.pull()
        except StoreUnavailable as exc:
            log.warning("%s", exc)  # reads go on from the folder's catalog; searches will say the server is down
            self._next_look = time.monotonic() + BACKOFF_SECONDS
        finally:
            self._pulling.release()

    def pull(self) -> bool:
        """Make the local catalog what the server's ledger says; True when anything changed."""
        for _ in range(5):
            with self.store._talking_to_chroma():
                head = read_head(self.ledger)
                with self._lock, store_errors(self.folder):
                    if head is None or str(head.generation) == self._meta("replica_head"):
                        return False
                    if head.schema_version != SCHEMA_VERSION:
                        raise StoreVersionError(
                            f"The shared library '{self.store.library_name}' on the Chroma server was written by "
                            f"catalog schema version {head.schema_version}; this program reads {SCHEMA_VERSION}. Run the "
                            "same version on every machine (or rebuild the library from one: python -m ingest --rebuild)."
                        )
                    local = json.loads(self._meta("replica_manifest") or "{}")
                    dirty = {r[0] for r in self._conn.execute(f"SELECT report_id FROM {DIRTY}")}
                want = [rid for rid, d in head.manifest.items() if rid and (local.get(rid) != d or rid in dirty)]
                keys = [report_key(r) for r in want] + ([TABLES] if "" in head.manifest else [])
                got = {"ids": [], "documents": [], "metadatas": []}
                for start in range(0, len(keys), 20):  # a report's rows can be a few hundred kB
                    part = self.ledger.get(ids=keys[start: start + 20], include=["documents", "metadatas"])
                    for field in got:
                        got[field] += part[field]
            fetched = {i: (json.loads(doc), (m or {}).get("digest")) for i, doc, m in
                       zip(got["ids"], got["documents"], got["metadatas"])}
            expected = {report_key(r): head.manifest[r] for r in want}
            if "" in head.manifest:
                expected[TABLES] = head.manifest[""]
            if all(fetched.get(k, (None, None))[1] == d for k, d in expected.items()):
                self._apply(head, {r: fetched[report_key(r)][0] for r in want}, fetched.get(TABLES, (None,))[0])
                return True
            time.sleep(0.2)  # a writer published between our reads: read the head again
        raise LibraryBusy("The shared library kept changing while this process read it; try again in a moment.")

    def _apply(self, head: Head, bundles: dict[str, dict], tables: dict | None) -> None:
        with self._lock, store_errors(self.folder):
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                if self._meta("replica_head") == str(head.generation):
                    cur.execute("ROLLBACK")  # another process on this folder applied it meanwhile
                    return
                per_report, whole = self._tables()
                columns = {t: {r[1] for r in cur.execute(f'PRAGMA table_info("{t}")')} for t in per_report + whole}
                present = set()
                for table in per_report:
                    present |= {r[0] for r in cur.execute(f'SELECT DISTINCT report_id FROM "{table}"')}
                for rid in (present - set(head.manifest)) | set(bundles):
                    for table in reversed(per_report):
                        cur.execute(f'DELETE FROM "{table}" WHERE report_id = ?', (rid,))
                for bundle in bundles.values():
                    for table in per_report:  # in creation order: a report row before its findings
                        if table in bundle:
                            self._put_rows(table, bundle[table], columns)
                if tables is not None:
                    for table, data in tables.items():
                        cur.execute(f'DELETE FROM "{table}"')
                        self._put_rows(table, data, columns)
                generation = int(self._meta("generation") or 0) + 1  # readers' caches and BM25 follow this
                self._set_meta({**{k: v for k, v in head.meta.items() if k not in LOCAL_META},
                                "replica_head": str(head.generation), "replica_manifest": json.dumps(head.manifest),
                                "generation": str(generation)})
                cur.execute(f"DELETE FROM {DIRTY}")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    # -- a writer's session --------------------------------------------------------------------
    def begin_writing(self) -> None:
        """Hold the library's lease (waiting for another machine's writer), then catch up."""
        with self.store._talking_to_chroma():
            self._lease = Lease(self.ledger, self.settings.store.lease_seconds, lambda: str(self.folder))
            self._lease.acquire()
        try:
            self.pull()
        except BaseException:
            self._release()
            raise

    def end_writing(self) -> None:
        """Publish what this session changed, then let the lease go."""
        try:
            self.publish()
        finally:
            self._release()

    def _release(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            try:
                with self.store._talking_to_chroma():
                    lease.release()
            except StoreError as exc:
                log.warning("could not release the write lease (it expires by itself): %s", exc)

    def publish(self) -> None:
        with self.store._talking_to_chroma():
            head = read_head(self.ledger)
            with self._lock, store_errors(self.folder):
                manifest = dict(head.manifest) if head else {}
                per_report, whole = self._tables()
                present: set[str] = set()
                for table in per_report:
                    present |= {r[0] for r in self._conn.execute(f'SELECT DISTINCT report_id FROM "{table}"')}
                # What local writes touched, and any difference the triggers could not see (rows
                # written before this folder first followed a server).
                known = set(manifest) - {""}
                dirty = sorted({r[0] for r in self._conn.execute(f"SELECT report_id FROM {DIRTY}")}
                               | (present - known) | (known - present))
                tables = {t: self._rows(t) for t in whole}
                bundles = {rid: self._bundle(rid, per_report) for rid in dirty}
                meta = {k: v for k, v in self._conn.execute("SELECT key, value FROM meta") if k not in LOCAL_META}
            tables_digest = _digest(tables) if any(d["rows"] for d in tables.values()) else None
            if not bundles and manifest.get("") == tables_digest and head and head.meta == meta:
                return  # nothing changed: the head stays where it is
            if self._lease is not None:
                self._lease.check()
            for rid, bundle in bundles.items():
                if bundle is None:
                    manifest.pop(rid, None)
                    self.ledger.delete(ids=[report_key(rid)])
                else:
                    manifest[rid] = _digest(bundle)
                    self.ledger.upsert(ids=[report_key(rid)], embeddings=[PLACEHOLDER], documents=[json.dumps(bundle)],
                                       metadatas=[{"kind": "report", "digest": manifest[rid]}])
            if tables_digest is not None:
                manifest[""] = tables_digest
                self.ledger.upsert(ids=[TABLES], embeddings=[PLACEHOLDER], documents=[json.dumps(tables)],
                                   metadatas=[{"kind": "tables", "digest": tables_digest}])
            else:
                manifest.pop("", None)
            new = Head((head.generation if head else 0) + 1, SCHEMA_VERSION, meta, manifest)
            write_head(self.ledger, new)  # the moment the change becomes visible to every reader
        with self._lock, store_errors(self.folder):
            self._conn.execute("BEGIN IMMEDIATE")
            self._set_meta({"replica_head": str(new.generation), "replica_manifest": json.dumps(manifest)})
            for start in range(0, len(dirty), 500):
                part = dirty[start: start + 500]
                self._conn.execute(f"DELETE FROM {DIRTY} WHERE report_id IN ({','.join('?' * len(part))})", part)
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._release()
        with self._lock:
            self._conn.close()


__all__ = ["Replica", "HEAD"]
