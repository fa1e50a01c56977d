"""The library: Chroma for meaning, BM25 for words, SQLite for the catalog and the findings.

Write order makes a crash harmless: vectors are added first, then the catalog transaction
commits the report (the moment it becomes visible), then stale vectors are deleted and the
keyword index rebuilt. Every read goes through the catalog, so an orphan vector is never shown,
and `reconcile` (run at the start of every ingest) removes what a killed run left behind.

Writers take a lock (a thread lock and a file lock in the store folder), so an upload in the app
and an ingest run in a terminal take turns; readers never wait for it.

Chroma runs embedded (a folder in the store) or, with `CQC_CHROMA_HOST`/`CQC_CHROMA_PORT` set, as
a client of a Chroma server; everything else is the same code.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.settings import Settings, get_settings  # first: sets the offline environment

import chromadb
import numpy as np
from langchain_chroma import Chroma

from ingest.chunking import sentence_spans
from ingest.models import Chunk, Report
from ingest.pages import Page
from vectorstore.catalog import SCHEMA_VERSION, Catalog, ReportEntry
from vectorstore.embeddings import SentenceTransformerEmbeddings, configured_backend, load_embeddings
from vectorstore.keyword_index import KeywordIndex


# -- errors ------------------------------------------------------------------------------------
class StoreError(RuntimeError):
    """The library cannot be used as it is; the message says why and what to do."""


class StoreUnavailable(StoreError, ConnectionError):
    """The Chroma server cannot be reached."""


class StoreVersionError(StoreError):
    """The store was built by another schema or embedding model than this program uses."""


def rebuild_command(folder: Path | str) -> str:
    return f"python -m ingest --rebuild --store {folder}"


def unavailable(settings: Settings, exc: BaseException) -> StoreUnavailable:
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    return StoreUnavailable(
        f"Cannot reach the Chroma server at {where} ({type(exc).__name__}: {exc}). Start it "
        f"(chroma run --host {settings.chroma_host} --port {settings.chroma_port} --path DIR) "
        "or unset CQC_CHROMA_HOST to use the store's own embedded Chroma."
    )


@contextmanager
def talking_to_server(settings: Settings) -> Iterator[None]:
    """Turn a dead server's many exception types into one clear StoreUnavailable."""
    if not settings.chroma_host:
        yield
        return
    import httpx

    try:
        yield
    except StoreError:
        raise
    except (httpx.TransportError, ConnectionError, OSError) as exc:
        raise unavailable(settings, exc) from exc
    except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
        if "connect" in str(exc).lower():
            raise unavailable(settings, exc) from exc
        raise


# -- the embedding model's identity ---------------------------------------------------------------
@dataclass(frozen=True)
class ModelIdentity:
    """What must match between the vectors in a store and the model that embeds questions."""

    name: str
    fingerprint: str  # of the model's config and weight file sizes: a different model differs
    dimension: int | None  # None when the model folder does not say; checked once loaded

    def describe(self) -> str:
        dims = f", {self.dimension} dimensions" if self.dimension else ""
        return f"'{self.name}' ({self.fingerprint}{dims})"


def model_identity(model_path: str) -> ModelIdentity:
    """Read from the model folder's files, without loading the model (the app defers that)."""
    import hashlib

    from vectorstore.settings import packaged_model_path

    folder = Path(model_path)
    name = "all-MiniLM-L6-v2" if str(folder) == packaged_model_path() else folder.name
    digest = hashlib.sha256()
    for config in ("config.json", "modules.json", "1_Pooling/config.json"):
        if (folder / config).is_file():
            digest.update(config.encode() + b"\0" + (folder / config).read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    dimension = None
    for config, key in (("1_Pooling/config.json", "word_embedding_dimension"), ("config.json", "hidden_size")):
        try:
            dimension = int(json.loads((folder / config).read_text())[key])
            break
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return ModelIdentity(name, digest.hexdigest()[:12], dimension)


# -- filters -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchFilter:
    """Which findings a search may return. Empty tuples mean no restriction."""

    authorities: tuple[str, ...] = ()
    quality_statements: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()

    def chroma_where(self) -> dict | None:
        clauses = [
            {key: {"$in": list(values)}}
            for key, values in (
                ("authority", self.authorities),
                ("quality_statement", self.quality_statements),
                ("theme", self.themes),
                ("report_id", self.report_ids),
            )
            if values
        ]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, chunk: Chunk) -> bool:
        return (
            (not self.authorities or chunk.authority in self.authorities)
            and (not self.quality_statements or chunk.quality_statement in self.quality_statements)
            and (not self.themes or chunk.theme in self.themes)
            and (not self.report_ids or chunk.report_id in self.report_ids)
        )


# -- report versions -----------------------------------------------------------------------------
_MONTHS = "january february march april may june july august september october november december".split()
_ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({'|'.join(_MONTHS)})\s+(20\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d\d)\b")


def dates_named(text: str) -> list[str]:
    """Date prefixes a question names ("2024", "2024-09", "2024-09-04"), most precise first."""
    found: list[str] = []
    rest = text
    for m in _ISO_DATE.finditer(text):
        found.append("-".join(p for p in m.groups() if p))
    rest = _ISO_DATE.sub(" ", rest)
    for m in _DAY_MONTH_YEAR.finditer(rest):
        month = _MONTHS.index(m.group(2).lower()) + 1
        found.append(f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(1)):02d}" if m.group(1) else ""))
    rest = _DAY_MONTH_YEAR.sub(" ", rest)
    found += _YEAR.findall(rest)
    return sorted(dict.fromkeys(found), key=len, reverse=True)


@dataclass(frozen=True)
class ReportVersions:
    """Which report of each authority a question is answered from.

    `report_ids` is empty when no authority has more than one report (no restriction is needed);
    `used` maps each authority that has several reports to the one chosen, `counts` to how many
    the library holds.
    """

    report_ids: tuple[str, ...] = ()
    used: dict[str, ReportEntry] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    published: dict[str, list[str]] = field(default_factory=dict)  # every version's date, oldest first

    def note(self, cited: list[tuple[str, str]]) -> str:
        """Which report dates an answer rests on, for each authority with more than one report in
        the library, from the (authority, published) of what it cites:
        '(Reports used: Fenmarsh County Council, published 2025-03-04 (the newest of 2 in the library).)'"""
        dates: dict[str, list[str]] = {}
        for authority, published in cited:
            if authority in self.counts and published not in dates.setdefault(authority, []):
                dates[authority].append(published)
        parts = []
        for authority, used in dates.items():
            newest = max(self.published[authority])
            for date in sorted(used, reverse=True):
                which = "the newest" if date == newest else "an earlier report"
                parts.append(f"{authority}, published {date or 'undated'} ({which} of {self.counts[authority]} in the library)")
        return f"(Reports used: {'; '.join(parts)}.)" if parts else ""


def choose_versions(reports: list[ReportEntry], question: str = "") -> ReportVersions:
    """The report of each authority a question is answered from: the newest, unless the question
    names the date of another; of the same report kept in several layouts, the most complete one
    (so a report saved as a PDF and as pages is answered once, not twice)."""
    by_authority: dict[str, list[ReportEntry]] = {}
    for entry in reports:
        by_authority.setdefault(entry.authority, []).append(entry)
    if all(len(v) == 1 for a, v in by_authority.items() if a):
        return ReportVersions()
    asked = dates_named(question)
    ids: list[str] = []
    used: dict[str, ReportEntry] = {}
    counts: dict[str, int] = {}
    published: dict[str, list[str]] = {}
    for authority, entries in by_authority.items():
        if not authority or len(entries) == 1:  # documents with no authority are not versions
            ids += [e.report_id for e in entries]
            continue
        dates = sorted({e.published for e in entries})
        date = next((d for want in asked for d in reversed(dates) if d and d.startswith(want)), dates[-1])
        chosen = max((e for e in entries if e.published == date), key=lambda e: (e.completeness(), e.report_id))
        ids.append(chosen.report_id)
        if len(dates) > 1:
            used[authority], counts[authority] = chosen, len(dates)
            published[authority] = dates
    return ReportVersions(tuple(ids), used, counts, published)


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


# -- the store -----------------------------------------------------------------------------------
class LibraryStore:
    def __init__(self, settings: Settings | None = None, embeddings: SentenceTransformerEmbeddings | None = None):
        self.settings = settings or get_settings()
        self.folder = Path(self.settings.store_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.folder / "catalog.sqlite3")
        # Three locks, so that no reader ever waits for a whole ingest: `_lock` guards small shared
        # state (the client, the chunk table the keyword index was built from); `_refresh_lock`
        # lets one thread rebuild or reload the keyword index; `_write_lock` (with a file lock)
        # lets one writer at a time change the store.
        self._lock = threading.RLock()
        self._refresh_lock = threading.RLock()
        self._write_lock = threading.RLock()
        self._write_depth = 0
        self._lock_file: int | None = None
        self.model = model_identity(self.settings.model_path())
        self._check_versions()
        self._embeddings = embeddings
        self._client: chromadb.ClientAPI | None = None
        self._chroma: Chroma | None = None
        self.keywords = KeywordIndex(self.folder / "bm25")
        self._chunk_meta: dict[str, Chunk] = {}
        self._load_keyword_index()

    # -- versions --------------------------------------------------------------------------
    def _check_versions(self) -> None:
        """Refuse a store whose vectors or tables this program would misread."""
        meta = self.catalog
        schema = meta.get_meta("schema_version")
        if schema != str(SCHEMA_VERSION):
            raise StoreVersionError(
                f"The store at {self.folder} has schema version {schema}, but this program reads version "
                f"{SCHEMA_VERSION}. Rebuild it with: {rebuild_command(self.folder)} [PATH...]"
            )
        recorded = meta.get_meta("embedding_fingerprint")
        if recorded is None:
            # A new store, or one written before models were recorded (only the packaged model
            # existed then): record the model in use.
            self._record_model(self.model.dimension)
            return
        dim = meta.get_meta("embedding_dimension")
        stored = ModelIdentity(meta.get_meta("embedding_model") or "?", recorded, int(dim) if dim else None)
        if stored.fingerprint != self.model.fingerprint or (
            stored.dimension and self.model.dimension and stored.dimension != self.model.dimension
        ):
            raise StoreVersionError(
                f"The store at {self.folder} was built with the embedding model {stored.describe()}, but this "
                f"configuration uses {self.model.describe()}; its vectors cannot be compared. Rebuild it with: "
                f"{rebuild_command(self.folder)} [PATH...]"
            )

    def _record_model(self, dimension: int | None) -> None:
        values = {"embedding_model": self.model.name, "embedding_fingerprint": self.model.fingerprint}
        if dimension:
            values["embedding_dimension"] = str(dimension)
        self.catalog.set_meta(values)

    # -- models ----------------------------------------------------------------------------
    @property
    def embeddings(self) -> SentenceTransformerEmbeddings:
        if self._embeddings is None:
            recorded = self.catalog.get_meta("embedding_backend")
            embeddings = load_embeddings(self.settings.model_path(), configured_backend(recorded))
            model = embeddings.model
            get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            dimension = get_dimension()
            recorded_dimension = self.catalog.get_meta("embedding_dimension")
            if recorded_dimension and dimension and int(recorded_dimension) != dimension:
                raise StoreVersionError(
                    f"The store at {self.folder} holds {recorded_dimension}-dimension vectors, but the embedding model "
                    f"{self.model.name} makes {dimension}. Rebuild it with: {rebuild_command(self.folder)} [PATH...]"
                )
            if not recorded_dimension and dimension:
                self._record_model(dimension)
            # Recorded, and used for later questions unless the environment names another:
            # torch and ONNX give the same vectors, int8 nearly the same.
            if recorded is None:
                self.catalog.set_meta({"embedding_backend": getattr(embeddings, "backend", "torch")})
            self._embeddings = embeddings
        return self._embeddings

    @property
    def server(self) -> str:
        """host:port of the Chroma server, or "" when Chroma runs embedded in the store folder."""
        s = self.settings
        return f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else ""

    @property
    def collection_name(self) -> str:
        if not self.server:
            return self.settings.collection
        # On a server shared by several libraries each has its own collection.
        return f"{self.settings.collection}-{self.catalog.get_meta('store_id')[:12]}"

    def _talking_to_chroma(self):
        return talking_to_server(self.settings)

    @property
    def client(self) -> chromadb.ClientAPI:
        with self._lock:
            if self._client is None:
                chroma_settings = chromadb.Settings(anonymized_telemetry=False)
                if self.server:
                    with self._talking_to_chroma():
                        self._client = chromadb.HttpClient(
                            host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                        )
                else:
                    self._client = chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=chroma_settings)
            return self._client

    @property
    def chroma(self) -> Chroma:
        with self._lock:
            if self._chroma is None:
                client, embeddings = self.client, self.embeddings
                with self._talking_to_chroma():
                    # Always pass our embedding function: Chroma's default one downloads a model.
                    self._chroma = Chroma(
                        client=client,
                        collection_name=self.collection_name,
                        embedding_function=embeddings,
                        collection_metadata={"hnsw:space": "cosine"},
                    )
            return self._chroma

    def vector_ids(self) -> set[str]:
        """Every id in the Chroma collection (paged: a large library exceeds one request)."""
        ids: set[str] = set()
        page = 5000
        with self._talking_to_chroma():
            collection = self.chroma._collection
            while True:
                got = collection.get(include=[], limit=page, offset=len(ids))["ids"]
                ids.update(got)
                if len(got) < page:
                    return ids

    def vector_count(self) -> int:
        with self._talking_to_chroma():
            return self.chroma._collection.count()

    # -- reads -----------------------------------------------------------------------------
    def reports(self) -> list[ReportEntry]:
        return self.catalog.reports()

    def versions(self, question: str = "") -> ReportVersions:
        """The report of each authority a question is answered from: the newest unless it names
        the date of another."""
        return choose_versions(self.reports(), question)

    def chunks(self, ids: list[str]) -> list[Chunk]:
        return self.catalog.chunks(ids)

    def is_empty(self) -> bool:
        return not self.catalog.reports()

    def dense_search(self, query_vector: list[float], k: int, where: SearchFilter) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first."""
        if self.is_empty():
            return []
        with self._talking_to_chroma():
            docs = self.chroma.similarity_search_by_vector_with_relevance_scores(
                query_vector, k=k, filter=where.chroma_where()
            )
        # Chroma reports cosine distance for this collection; similarity is 1 - distance.
        return [(doc.id, 1.0 - float(distance)) for doc, distance in docs if doc.id]

    def keyword_search(self, query: str, k: int, where: SearchFilter) -> list[tuple[str, float]]:
        self._refresh_if_stale()
        with self._lock:
            meta = self._chunk_meta
        scored = self.keywords.scores(query)
        # Ids the chunk table does not know yet (an index newer than it by a moment) are left out.
        hits = [(cid, s) for cid, s in scored.items() if cid in meta and where.accepts(meta[cid])]
        hits.sort(key=lambda item: -item[1])
        return hits[:k]

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time, across threads and processes. The file lock dies with its
        process, so a killed ingest never leaves the store locked."""
        with self._write_lock:
            if self._write_depth == 0:
                fd = os.open(self.folder / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                self._lock_file = fd
            self._write_depth += 1
            try:
                yield
            finally:
                self._write_depth -= 1
                if self._write_depth == 0 and self._lock_file is not None:
                    fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                    os.close(self._lock_file)
                    self._lock_file = None

    def upsert_report(self, report: Report, chunks: list[Chunk], pages: list[Page] | None = None,
                      absorbs: list[str] = ()) -> UpsertResult:
        """Write a report with its chunks and pages; `absorbs` are reports whose pages it now holds
        (an undated report its dated pages arrived for), removed in the same transaction."""
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
            self.catalog.put_report(entry, chunks, sentence_vectors, pages, [a for a in absorbs if a != rid])
            stale = sorted(existing - set(new_ids))
            for start in range(0, len(stale), 1000):
                self.chroma.delete(ids=stale[start: start + 1000])
            result.replaced_reports = [a for a in absorbs if a != rid]
            result.added, result.removed, result.kept = len(to_add), len(stale), len(chunks) - len(to_add)
        return result

    def _add_chunks(self, chunks: list[Chunk]) -> tuple[int, dict[str, np.ndarray]]:
        """Write chunks with their vectors, and return how many texts were embedded and each chunk's
        sentence vectors (where the embedding backend gives them). A text whose vector the store
        already holds (same embed_hash) is not embedded again: its vector and sentence vectors are
        copied from the chunk that has them."""
        if not chunks:
            return 0, {}
        collection = self.chroma._collection
        wanted = sorted({c.embed_hash for c in chunks})
        vectors: dict[str, list[float]] = {}
        holder: dict[str, str] = {}  # embed_hash -> a chunk id already stored with that text
        for start in range(0, len(wanted), 500):
            got = collection.get(where={"embed_hash": {"$in": wanted[start: start + 500]}},
                                 include=["embeddings", "metadatas"])
            for cid, meta, vector in zip(got["ids"], got["metadatas"], got["embeddings"]):
                h = str(meta.get("embed_hash"))
                if h not in vectors:
                    vectors[h], holder[h] = list(vector), cid
        stored = self.catalog.sentence_vectors(list(holder.values()))
        sentences = {h: stored[cid] for h, cid in holder.items() if cid in stored}
        pools = hasattr(self.embeddings, "embed_with_sentences")
        # One chunk per text to embed: never seen, or seen without its sentence vectors (a run
        # killed before its catalog rows were written; a library written before they were kept).
        new = {c.embed_hash: c for c in chunks
               if c.embed_hash not in vectors or (pools and c.embed_hash not in sentences)}
        if new:
            texts = [c.embed_text for c in new.values()]
            if pools:
                embedded, per_text = self.embeddings.embed_with_sentences(
                    texts, [sentence_spans(c) for c in new.values()])
                sentences.update(zip(new, per_text))
            else:  # this backend gives no token states: the answerer embeds sentences when asked
                embedded = self.embeddings.embed_documents(texts)
            vectors.update(zip(new, embedded))
        # Upserted, so vectors a killed run left behind are overwritten, never doubled.
        for start in range(0, len(chunks), 1000):  # under Chroma's largest batch
            part = chunks[start: start + 1000]
            collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[vectors[c.embed_hash] for c in part],
                metadatas=[c.metadata() for c in part],
                documents=[c.embed_text for c in part],
            )
        return len(new), {c.chunk_id: sentences[c.embed_hash] for c in chunks if c.embed_hash in sentences}

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored sentence vectors of these findings, rows in `answer_sentences` order."""
        return self.catalog.sentence_vectors(chunk_ids)

    def remove_report(self, report_id: str) -> int:
        with self.writing(), self._talking_to_chroma():
            ids = sorted(self.catalog.chunk_ids(report_id))
            self.catalog.delete_report(report_id)
            if ids:
                self.chroma.delete(ids=ids)
            return len(ids)

    def reconcile(self) -> ReconcileResult:
        """Make Chroma hold exactly the catalog's findings again after a killed run: vectors no
        catalog row names are deleted, catalog rows with no vector are embedded again."""
        result = ReconcileResult()
        with self.writing(), self._talking_to_chroma():
            if self.is_empty() and not self.server and not (self.folder / "chroma").exists():
                return result  # nothing was ever written: do not load the model for nothing
            in_catalog = self.catalog.all_chunk_ids()
            in_chroma = self.vector_ids()
            orphans = sorted(in_chroma - in_catalog)
            for start in range(0, len(orphans), 1000):
                self.chroma.delete(ids=orphans[start : start + 1000])
            missing = self.catalog.chunks(sorted(in_catalog - in_chroma))
            _, sentence_vectors = self._add_chunks(missing)
            self.catalog.set_sentence_vectors(sentence_vectors)
            result.orphans_removed, result.vectors_restored = len(orphans), len(missing)
        return result

    def refresh_keyword_index(self) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built."""
        with self._refresh_lock:
            generation = self.catalog.generation()
            if self.keywords.generation == generation:
                return
            chunks = self.catalog.all_chunks()
            self.keywords.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], generation)
            with self._lock:
                self._chunk_meta = _by_id(chunks)

    def _load_keyword_index(self) -> None:
        with self._refresh_lock:
            if self.keywords.load(expect_generation=self.catalog.generation()):
                with self._lock:
                    self._chunk_meta = _by_id(self.catalog.all_chunks())
            else:
                self.refresh_keyword_index()  # missing or left stale by an interrupted ingest

    def _refresh_if_stale(self) -> None:
        # Another process (an ingest run beside the app) may have changed the catalog. The index
        # is reloaded in place: the answerer holds a reference to it for word weights.
        generation = self.catalog.generation()
        if self.keywords.generation == generation:
            return
        with self._refresh_lock:
            if self.keywords.generation == generation:
                return  # another thread got here first
            if self.keywords.load(expect_generation=generation):
                with self._lock:
                    self._chunk_meta = _by_id(self.catalog.all_chunks())
            else:
                self.refresh_keyword_index()

    def close(self) -> None:
        with self._lock:
            self._chroma = None
            if self._client is not None and hasattr(self._client, "close"):
                try:
                    self._client.close()
                except Exception:  # closing is best effort: the process may be going away
                    pass
            self._client = None
            self.catalog.close()

    # -- rebuilding ------------------------------------------------------------------------
    @staticmethod
    def wipe(settings: Settings) -> list[str]:
        """Empty a store whatever its version, and return the report files it was built from.

        Works without opening the store (its schema or model may be unreadable to this
        program), under the store's write lock. The vectors go first: if the server is down
        nothing is lost. The file list stays in the catalog until the rebuild finishes, so a
        rebuild that is itself interrupted can be run again without naming the files.
        """
        import shutil

        folder = Path(settings.store_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "catalog.sqlite3"
        lock = os.open(folder / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=60)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            sources: list[str] = json.loads(meta.get("rebuild_sources", "[]"))
            try:
                for (files,) in conn.execute("SELECT files FROM reports"):
                    sources += json.loads(files)
            except (sqlite3.Error, ValueError):
                pass  # no such table, or another schema: only the files named are read
            sources = sorted(dict.fromkeys(sources))

            chroma_settings = chromadb.Settings(anonymized_telemetry=False)
            if settings.chroma_host:
                if meta.get("store_id"):
                    with talking_to_server(settings):
                        client = chromadb.HttpClient(
                            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                        )
                        _drop_collection(client, f"{settings.collection}-{meta['store_id'][:12]}")
            elif (folder / "chroma").exists():
                client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings)
                _drop_collection(client, settings.collection)

            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DROP TABLE IF EXISTS chunks")
            conn.execute("DROP TABLE IF EXISTS pages")
            conn.execute("DROP TABLE IF EXISTS reports")
            conn.execute("DELETE FROM meta WHERE key != 'store_id'")
            conn.execute("INSERT INTO meta(key, value) VALUES ('rebuild_sources', ?)", (json.dumps(sources),))
            conn.execute("COMMIT")
            shutil.rmtree(folder / "bm25", ignore_errors=True)
            return sources
        finally:
            conn.close()
            fcntl.flock(lock, fcntl.LOCK_UN)
            os.close(lock)


def _drop_collection(client: chromadb.ClientAPI, name: str) -> None:
    if name in {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}:
        client.delete_collection(name)


def _by_id(chunks: list[Chunk]) -> dict[str, Chunk]:
    """Every finding by id: the keyword side filters on these without a catalog query per hit."""
    return {c.chunk_id: c for c in chunks}
