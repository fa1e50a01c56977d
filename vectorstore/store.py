"""The library: Chroma for meaning, BM25 for words, the database for the catalog and the findings.

Write order makes a crash harmless: vectors are added first, then the catalog transaction
commits the report (the moment it becomes visible), then stale vectors are deleted and the
keyword index rebuilt. Every read goes through the catalog, so an orphan vector is never shown,
and `reconcile` (run at the start of every ingest) removes what a killed run left behind.

One writer, many readers, in any process and on any machine sharing the database. Writers take
the database's own lock (`Database.writer_lock`: SQLite's lock file, freed by the kernel when the
holder dies; PostgreSQL's advisory lock, freed by the server when the holder's connection drops),
so an upload in the app and an ingest run in a terminal take turns; readers never wait for it.
The catalog is in the database (`database.catalog`: SQLite beside the store folder, or a team's
PostgreSQL), so every process sees a change the moment it commits; a long-lived reader reopens
embedded Chroma (`vectorstore.vectors`) and reloads the keyword index, keyed on the catalog's
generation.

Every failure of the database, the disk or Chroma reaches callers as a `StoreError` whose message
says what happened and what to do (`vectorstore.errors`).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cqc.measures.record import MeasureRecord
from cqc.models import Chunk, Page, Report
from cqc.records import ReportEntry, SearchFilter
from config.settings import beside_store, database_file
from database import Database
from database.imports import import_old_catalog
from database.store import copy_sqlite
from vectorstore.catalog import SCHEMA_VERSION, Catalog  # noqa: F401 (SCHEMA_VERSION: re-exported)
from vectorstore.embeddings import TextEmbedder, configured_backend, embedder_for
from vectorstore.errors import (  # noqa: F401  (re-exported: callers import the errors from here)
    CatalogDamaged, DiskFull, EmbeddingSetupError, LibraryBusy, StoreError, StoreUnavailable, StoreVersionError,
    GuardedCatalog, VectorIndexDamaged, VectorsMissing, rebuild_command, repair_command, store_errors,
)
from vectorstore.identity import check_backend_for_writing, check_loaded_model, check_versions
from vectorstore.keyword_index import KeywordSearch
from vectorstore.model_check import ModelIdentity, check_model_folder, model_identity  # noqa: F401
from vectorstore.rebuild import VECTORS_SUFFIX, WRITER_WAIT_S, unfinished_rebuild, vectors_collection
from config import Settings, get_settings
from vectorstore.vectors import (  # noqa: F401
    VectorIndex, add_chunks, chroma_metadata, chroma_where, collection_name, talking_to_server, unavailable,
)

if TYPE_CHECKING:
    import chromadb


@dataclass
class UpsertResult:
    report_id: str
    added: int = 0
    removed: int = 0
    kept: int = 0
    embedded: int = 0  # of the added, how many texts were embedded (the rest reused a stored vector)
    replaced_reports: list[str] = field(default_factory=list)


@dataclass
class ReconcileResult:
    """What `reconcile` found: vectors no catalog row names, catalog rows with no vector."""

    orphans_removed: int = 0
    vectors_restored: int = 0
    moved_aside: str = ""  # where a damaged vector index was moved (repair)


log = logging.getLogger(__name__)


def copy_library(source: Path, target: Path, ignore=None) -> None:
    """A copy of an embedded library: its store folder (`shutil.copytree`'s `ignore` applies) and the
    database beside it (`<store>.sqlite3`), which holds its catalog."""
    shutil.copytree(source, target, ignore=ignore)
    if database_file(source).exists():
        copy_sqlite(database_file(source), database_file(target))


def remove_library(folder: Path) -> None:
    """Delete an embedded library: its store folder and the files beside it (`beside_store`)."""
    shutil.rmtree(folder, ignore_errors=True)
    for side in folder.parent.glob(f"{folder.name}.*"):
        if beside_store(side, folder):
            side.unlink(missing_ok=True)


# -- the store -----------------------------------------------------------------------------------
class LibraryStore:
    def __init__(self, settings: Settings | None = None, *, vectors_beside: Path | None = None):
        """`vectors_beside` is for a rebuild's staged library (`vectorstore.rebuild`): its vectors go
        into the live library's Chroma (a collection of their own until the switch)."""
        self.settings = settings or get_settings()
        self.folder = Path(self.settings.store.dir)
        with store_errors(self.folder):
            self.folder.mkdir(parents=True, exist_ok=True)
            self.db = Database.for_settings(self.settings)
            try:
                import_old_catalog(self.db, self.folder)  # a folder written before the catalog moved
                self.catalog: Catalog = GuardedCatalog(Catalog(self.db), self.folder)  # type: ignore[assignment]
            except BaseException:
                self.db.close()
                raise
        # No reader ever waits for a whole ingest: `_write_lock` (with the database's writer lock)
        # lets one writer at a time change the store, `_lock` only guards closing; the keyword side
        # has its own.
        self._lock = threading.RLock()
        self._write_lock = threading.RLock()
        self._write_depth = 0
        self._writer: ExitStack | None = None
        self._embeddings: TextEmbedder | None = None  # loaded at first use: listing reports never pays for it
        self._vectors = VectorIndex(self.settings, vectors_beside or self.folder, lambda: self.collection_name,
                                    self.catalog.generation)
        self._vectors_checked: tuple[int, int | None] | None = None
        check_model_folder(self.settings)
        # CQC_EMBEDDING_BACKEND is checked now, not at the first question: a typo is named at once.
        configured_backend(self.settings.embedding.backend, self.catalog.get_meta("embedding_backend"))
        self.model = model_identity(self.settings.embedding.model_path())
        check_versions(self.catalog, self.folder, self.model)
        self._keyword_search = KeywordSearch(self.folder / "bm25", self.catalog, self._vectors.vectors_of)
        self.keywords = self._keyword_search.index

    # -- models ----------------------------------------------------------------------------
    @property
    def embeddings(self) -> TextEmbedder:
        if self._embeddings is None:
            recorded = self.catalog.get_meta("embedding_backend")
            embeddings = embedder_for(self.settings.embedding, recorded)
            check_loaded_model(self.catalog, self.folder, self.model, embeddings, recorded)
            self._embeddings = embeddings
        return self._embeddings

    @property
    def server(self) -> str:
        """host:port of the Chroma server, or "" when Chroma runs embedded in the store folder."""
        s = self.settings.store
        return f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else ""

    @property
    def library_name(self) -> str:
        """The library's name: its collection's on a Chroma server or in the embedded index."""
        return collection_name(self.settings, self.catalog.get_meta("store_id") or "")

    @property
    def collection_name(self) -> str:
        """The collection holding the library's vectors now: a rebuild builds a new one beside the
        live one and switches to it (`vectors_suffix` in the catalog's meta)."""
        return vectors_collection(self.library_name, self.catalog.get_meta(VECTORS_SUFFIX) or "")

    @property
    def unfinished_rebuild(self) -> str:
        """What to say when a rebuild of this library was stopped before it finished, else ""."""
        left = unfinished_rebuild(self.folder)
        return left.message(self.folder) if left else ""

    def _talking_to_chroma(self):
        """Hold the vector index open for one use (no reopen closes it meanwhile); failures come
        out as StoreErrors."""
        return self._vectors.using()

    @property
    def client(self) -> chromadb.ClientAPI:
        return self._vectors.client

    @property
    def collection(self) -> chromadb.Collection:
        return self._vectors.collection

    def vector_ids(self) -> set[str]:
        return self._vectors.ids()

    def vector_count(self) -> int:
        return self._vectors.count()

    # -- following other processes ---------------------------------------------------------
    def _follow(self) -> None:
        """Catch up with what other processes wrote since this one last looked: the catalog is the
        database's (seen at once); embedded Chroma is reopened. The keyword index follows the
        catalog's generation on its own (`_refresh_if_stale`)."""
        self._vectors.follow(self._write_depth > 0)

    def _check_vectors(self) -> None:
        """A library whose catalog names more findings than its vector index holds (the chroma
        folder deleted or damaged, a collection dropped on the server) must not answer from
        keywords alone as if nothing were wrong. Checked once per change of the library, before
        Chroma's graph is searched (the exact search checks its own copy: `KeywordIndex.nearest`)."""
        key = (id(self._vectors._client), self._vectors.seen)
        if self._vectors_checked == key:
            return
        held, named = self.vector_count(), self.catalog.chunk_count()
        if held < named:
            raise self._vectors_missing(held, named)
        self._vectors_checked = key

    def _check_vector_folder(self) -> None:
        """Embedded Chroma's folder deleted: said before any search, the exact one included (its copy
        of the vectors would still answer, but the library needs repair and nobody would know).
        A look at the folder, not Chroma's count: a first answer must not wait for the graph."""
        if not self.server and not (self.folder / "chroma").exists():
            raise self._vectors_missing(0, self.catalog.chunk_count())

    def _vectors_missing(self, held: int, named: int) -> VectorsMissing:
        where = f"the Chroma server at {self.server}" if self.server else f"{self.folder / 'chroma'}"
        return VectorsMissing(
            f"The library's search vectors are missing: {where} holds {held} of the {named} findings the "
            "catalog names (its folder was deleted or damaged, or a rebuild is running). Answers would rest "
            f"on keyword matches alone, so none is given. Repair it with: {repair_command(self.folder)} "
            "(the findings are embedded again from the catalog; no report file is needed)."
        )

    # -- reads -----------------------------------------------------------------------------
    def reports(self) -> list[ReportEntry]:
        self._follow()
        return self.catalog.reports()

    def chunks(self, ids: list[str]) -> list[Chunk]:
        return self.catalog.chunks(ids)

    def findings_of_kind(self, report_ids: list[str], kinds: tuple[str, ...]) -> dict[str, list[Chunk]]:
        """These reports' findings of these kinds (score and rating lines), each report's in its
        order: found in the keyword index's codes and read from the catalog by id, so a lookup
        reads a few lines per report, not every finding of every report it names."""
        found: dict[str, list[Chunk]] = {rid: [] for rid in report_ids}
        for chunk in self.catalog.chunks(self._keyword_search.of_kind(list(report_ids), kinds)):
            found.setdefault(chunk.report_id, []).append(chunk)
        for chunks in found.values():
            chunks.sort(key=lambda c: c.order)
        return found

    def measures(self, authorities: list[str] = (), measures: list[str] = (), report_ids: list[str] = ()) -> list[MeasureRecord]:
        """The library's figures as data (`cqc.measures`); rankings and comparisons are computed from
        them by `cqc.measures.ranking`."""
        self._follow()
        return self.catalog.measures(authorities, measures, report_ids)

    def is_empty(self) -> bool:
        return not self.reports()

    def dense_search(self, query_vector: list[float], k: int, where: SearchFilter) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first. Within a filter, the vectors the keyword
        index keeps beside its rows are compared exactly (`KeywordIndex.nearest`: a search in one
        council does not pay for the library); with none, or no filter, Chroma's graph answers."""
        if self.is_empty():
            return []
        for attempt in range(3):
            try:
                # Outside the hold: a stale index rebuilds itself, reading vectors from Chroma.
                # Each search checks the vectors it uses: the exact one answers only when it holds
                # every passing finding's vector, so a question about one council neither waits
                # for Chroma's graph to load (0.4 s at 1,500 reports) nor searches part of it.
                self._check_vector_folder()
                exact = self._keyword_search.nearest(query_vector, k, where)
                if exact is not None:
                    return exact
                with self._talking_to_chroma():
                    self._check_vectors()
                    nearest = self._vectors.nearest(query_vector, k, chroma_where(where))
                break
            except DiskFull as exc:
                # Embedded Chroma cannot even open on a full disk (it writes as it opens): answer
                # from what the catalog holds, by the findings' own sentence vectors.
                log.warning("%s", exc)
                self._vectors.forget_broken_client()
                return self._dense_from_catalog(query_vector, k, where)
            except LibraryBusy:
                # Another process wrote between this process's check and its query: open the
                # index again (it reads what is on disk now) and ask once more.
                if attempt == 2:
                    raise
                self._vectors.reopen()
        # Chroma reports cosine distance for this collection; similarity is 1 - distance.
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in nearest]

    def _dense_from_catalog(self, query_vector: list[float], k: int, where: SearchFilter) -> list[tuple[str, float]]:
        """Exact search without Chroma: each finding scored by its best answer sentence's vector
        (kept in the catalog, pooled from the finding's own embedding), for when Chroma cannot be used."""
        chunks = [c for c in self.catalog.all_chunks() if where.accepts(c)]
        vectors = self.catalog.sentence_vectors([c.chunk_id for c in chunks])
        query = np.asarray(query_vector, dtype=np.float32)
        query /= np.linalg.norm(query) or 1.0
        scored = []
        for chunk_id, matrix in vectors.items():
            norms = np.linalg.norm(matrix, axis=1)
            norms[norms == 0] = 1.0
            scored.append((chunk_id, float(np.max(matrix @ query / norms))))
        scored.sort(key=lambda item: -item[1])
        return scored[:k]

    def keyword_search(self, query: str, k: int, where: SearchFilter) -> list[tuple[str, float]]:
        return self._keyword_search.search(query, k, where)

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time, across threads, processes and machines sharing the database. The
        database's lock dies with its holder (a process killed mid-ingest never leaves the library
        locked). A writer first catches up with what others wrote."""
        with self._write_lock:
            if self._write_depth == 0:
                self._begin_writing()
            self._write_depth += 1
            try:
                yield
            finally:
                if self._write_depth > 1:
                    self._write_depth -= 1
                else:
                    try:
                        self._end_writing()  # still counted as writing: readers adopt its generation
                    finally:
                        self._write_depth -= 1
                        self._release_writer_lock()  # last: after it, another process may write

    def _begin_writing(self) -> None:
        writer = ExitStack()
        try:
            with store_errors(self.folder):
                writer.enter_context(self.db.writer_lock("library", wait_s=WRITER_WAIT_S))
            self._writer = writer
            self._vectors.follow(writing_here=False)
        except BaseException:
            self._writer = None
            writer.close()
            raise

    def _end_writing(self) -> None:
        self._vectors.mark_current()

    def _release_writer_lock(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def upsert_report(self, report: Report, chunks: list[Chunk], pages: list[Page] | None = None,
                      absorbs: list[str] = (), measures: list[MeasureRecord] = ()) -> UpsertResult:
        """Write a report with its chunks, pages and measure records; `absorbs` are reports whose pages
        it now holds (an undated report its dated pages arrived for), removed in the same transaction."""
        rid = report.report_id
        result = UpsertResult(rid)
        with self.writing(), self._talking_to_chroma():
            existing = self.catalog.chunk_ids(rid)
            for other in absorbs:
                existing |= self.catalog.chunk_ids(other)
            new_ids = [c.chunk_id for c in chunks]
            to_add = [c for c in chunks if c.chunk_id not in existing]
            result.embedded, sentence_vectors = self._add_chunks(to_add)
            kept = [c.chunk_id for c in chunks if c.chunk_id in existing]
            sentence_vectors.update(self.catalog.sentence_vectors(kept))  # the rows are written anew below
            entry = ReportEntry(
                report_id=rid, authority=report.authority, title=report.title, published=report.published,
                rating=report.rating, rating_is_indicative=report.rating_is_indicative,
                overall_score=report.overall_score, scores=dict(report.scores), source=report.source,
                files=list(report.files), chunks=len(chunks), edition=report.edition,
                pages=len(pages) if pages else max(len(report.files), 1),
            )
            self.catalog.put_report(entry, chunks, sentence_vectors, pages, [a for a in absorbs if a != rid], list(measures))
            stale = sorted(existing - set(new_ids))
            for start in range(0, len(stale), 1000):
                self.collection.delete(ids=stale[start: start + 1000])
            result.replaced_reports = [a for a in absorbs if a != rid]
            result.added, result.removed, result.kept = len(to_add), len(stale), len(chunks) - len(to_add)
        return result

    def _add_chunks(self, chunks: list[Chunk]) -> tuple[int, dict[str, np.ndarray]]:
        return add_chunks(self._vectors.collection, chunks, self.catalog, self.embeddings, self._check_backend_for_writing,
                          self.settings.embedding.passes())

    def _check_backend_for_writing(self) -> None:
        check_backend_for_writing(self.catalog, self.folder, self.embeddings, self.settings.embedding.backend)

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored sentence vectors of these findings, rows in `answer_sentences` order."""
        return self.catalog.sentence_vectors(chunk_ids)

    def remove_report(self, report_id: str) -> int:
        with self.writing(), self._talking_to_chroma():
            ids = sorted(self.catalog.chunk_ids(report_id))
            self.catalog.delete_report(report_id)
            if ids:
                self.collection.delete(ids=ids)
            return len(ids)

    def reconcile(self) -> ReconcileResult:
        """Make Chroma hold exactly the catalog's findings again after a killed run: vectors no
        catalog row names are deleted, catalog rows with no vector are embedded again."""
        result = ReconcileResult()
        with self.writing(), self._talking_to_chroma():
            if self.is_empty() and not self.server and not (self.folder / "chroma").exists():
                return result  # nothing was ever written: do not load the model for nothing
            self._check_backend_for_writing()  # before any change: a run that would mix backends stops here
            in_catalog = self.catalog.all_chunk_ids()
            in_chroma = self.vector_ids()
            orphans = sorted(in_chroma - in_catalog)
            for start in range(0, len(orphans), 1000):
                self.collection.delete(ids=orphans[start : start + 1000])
            missing = self.catalog.chunks(sorted(in_catalog - in_chroma))
            _, sentence_vectors = self._add_chunks(missing)
            self.catalog.set_sentence_vectors(sentence_vectors)
            result.orphans_removed, result.vectors_restored = len(orphans), len(missing)
        return result

    def repair(self) -> ReconcileResult:
        """`python -m ingest --repair`: embed again every finding whose vector is missing (the
        chroma folder deleted or damaged), drop vectors no finding names, rebuild the keyword index.
        An embedded index Chroma cannot use at all is moved aside (kept) and made anew."""
        with self.writing():
            try:
                result = self.reconcile()
                self._probe_vectors()
            except VectorIndexDamaged:
                if self.server:
                    raise  # the server's files are the server's to mend
                moved = self._vectors.set_aside_damaged()
                result = self.reconcile()  # into a new index: every finding embedded again
                result.moved_aside = str(moved)
            self._keyword_search.refresh(force=True)  # its copy of the vectors lacked the restored ones
        return result

    def _probe_vectors(self) -> None:
        """A search and a read of every vector, as questions and ingests make them: damage that
        reconciling did not touch shows here (as VectorIndexDamaged)."""
        dimension = int(self.catalog.get_meta("embedding_dimension") or 0)
        if not dimension or not self.catalog.chunk_count():
            return
        with self._talking_to_chroma():
            self._vectors.nearest([1.0] * dimension, 5, None)
            self._vectors.collection.get(include=["embeddings", "metadatas"], limit=100_000)

    def refresh_keyword_index(self) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built."""
        self._keyword_search.refresh()

    def close(self) -> None:
        self._vectors.close()
        with self._lock:
            self.catalog.close()
            self.db.close()
