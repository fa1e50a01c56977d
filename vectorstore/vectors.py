"""The Chroma side of the library: one client per process, reopened when another process wrote.

Embedded Chroma keeps its vector index in the memory of the process that opened it. When another
process (`python -m ingest` beside the running app) writes the library, this process's index no
longer matches Chroma's own tables, and a filtered query fails with "Error finding id". So the
index remembers the catalog generation it was opened at; a reader that finds the catalog moved on
by another process closes the client and opens it again, which reads the vectors from disk.

Closing a client under a thread that is querying it would break that query: every use holds a
shared gate, and a reopen waits for the gate alone. Writes made by this process (it holds the
store's write lock) go through this client and need no reopen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cqc.models import Chunk
from cqc.records import SearchFilter
from cqc.text.sentences import sentence_spans
from vectorstore.errors import StoreUnavailable, store_errors
from config import Settings

if TYPE_CHECKING:
    import chromadb

# How wide HNSW searches its graph (Chroma's default is 100). Measured on the bench's 1,500-report
# library (146,375 vectors, 200 questions, against exact search): recall@10 unfiltered 0.959 at 100,
# 0.990 at 200, 0.9995 at 400; a search for 40 candidates 1.1, 1.3 and 2.1 ms. Searches within a
# filter are exact (`vectorstore.keyword_index`) and do not use it.
EF_SEARCH = 400


def chroma_metadata(chunk: Chunk) -> dict[str, str | int]:
    """A chunk's flat metadata for Chroma (which takes no None values): only what searches filter on
    (`chroma_where`) and the hash that finds a vector already held for the same text. Everything
    else about a finding, its text included, is read from the catalog: Chroma kept a copy of each
    (a full-text index of the texts, thirteen metadata rows a finding), which was half of what
    writing a finding into Chroma cost (1.0 against 2.0 CPU-s for 2,000 findings, measured)."""
    return {
        "report_id": chunk.report_id,
        "authority": chunk.authority,
        "theme": chunk.theme,
        "quality_statement": chunk.quality_statement,
        "embed_hash": chunk.embed_hash,
    }


def chroma_where(where: SearchFilter) -> dict | None:
    """A search filter as Chroma's `where` clause."""
    clauses = [
        {key: {"$in": list(values)}}
        for key, values in (
            ("authority", where.authorities),
            ("quality_statement", where.quality_statements),
            ("theme", where.themes),
            ("report_id", where.report_ids),
        )
        if values
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def unavailable(settings: Settings, exc: BaseException) -> StoreUnavailable:
    where = f"{settings.store.chroma_host}:{settings.store.chroma_port}"
    return StoreUnavailable(
        f"Cannot reach the Chroma server at {where} ({type(exc).__name__}: {exc}). Start it "
        f"(chroma run --host {settings.store.chroma_host} --port {settings.store.chroma_port} --path DIR) "
        "or unset CQC_CHROMA_HOST to use the store's own embedded Chroma."
    )


@contextmanager
def talking_to_server(settings: Settings, folder: Path | None = None) -> Iterator[None]:
    """Turn a dead server's many exception types into one clear StoreUnavailable, and the
    failures of the disk and of SQLite into messages (`store_errors`)."""
    with store_errors(folder or Path(settings.store.dir)):
        if not settings.store.chroma_host:
            yield
            return
        import httpx

        try:
            yield
        except (httpx.TransportError, ConnectionError) as exc:
            raise unavailable(settings, exc) from exc
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            if "connect" in str(exc).lower():
                raise unavailable(settings, exc) from exc
            raise


def collection_name(settings: Settings, store_id: str) -> str:
    """The library's collection: the store folder's own in embedded Chroma; on a server, named by
    CQC_LIBRARY when set, else by the library's id in its database (so two libraries on one server
    never see, or clean up, each other's vectors, and machines sharing a database share one)."""
    if not settings.store.chroma_host:
        return settings.store.collection
    if settings.store.library:
        return f"{settings.store.collection}-{settings.store.library}"
    return f"{settings.store.collection}-{store_id[:12]}" if store_id else ""


def open_client(settings: Settings, folder: Path) -> chromadb.ClientAPI:
    import chromadb  # here, not at import: a question answered from the exact search never loads Chroma

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    with talking_to_server(settings, folder):
        if settings.store.chroma_host:
            return chromadb.HttpClient(host=settings.store.chroma_host, port=settings.store.chroma_port, settings=chroma_settings)
        return chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings)


class _Gate:
    """Many users at once, or one reopener alone. A thread may use it again while using it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._users = 0
        self._closing = False
        self._mine = threading.local()

    def held_here(self) -> bool:
        return getattr(self._mine, "depth", 0) > 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        depth = getattr(self._mine, "depth", 0)
        if depth == 0:
            with self._cond:
                while self._closing:
                    self._cond.wait()
                self._users += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if depth == 0:
                with self._cond:
                    self._users -= 1
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._closing:
                self._cond.wait()
            self._closing = True
            while self._users:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._closing = False
                self._cond.notify_all()


class VectorIndex:
    """The Chroma client and collection, opened lazily and reopened when another process wrote."""

    def __init__(self, settings: Settings, folder: Path, collection_name: Callable[[], str],
                 generation: Callable[[], int]):
        self.settings = settings
        self.folder = folder  # embedded Chroma lives in its chroma/ folder
        self._collection_name = collection_name
        self._opened_as = ""  # the collection's name when it was opened: a rebuild's switch names another
        self._generation = generation
        self._lock = threading.RLock()
        self._gate = _Gate()
        self._client: chromadb.ClientAPI | None = None
        self._collection: chromadb.Collection | None = None
        self.seen: int | None = None  # the catalog generation the open index is known to match
        self.reopened = 0  # how many times another process's writes made this process reopen

    @property
    def server(self) -> bool:
        return bool(self.settings.store.chroma_host)

    @property
    def client(self) -> chromadb.ClientAPI:
        with self._lock:
            if self._client is None:
                self.seen = self._generation()  # read before opening: a later write means a later reopen
                self._client = open_client(self.settings, self.folder)
            return self._client

    @property
    def collection(self) -> chromadb.Collection:
        """The one handle on the vectors: every read and write passes vectors we computed, so the
        collection has no embedding function (Chroma's default one would download a model)."""
        with self._lock:
            name = self._collection_name()
            if self._collection is None or name != self._opened_as:
                client = self.client
                with talking_to_server(self.settings, self.folder):
                    self._collection = client.get_or_create_collection(
                        name, embedding_function=None, configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}
                    )
                    _search_wide_enough(self._collection)
                self._opened_as = name
            return self._collection

    def nearest(self, query_vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        """(id, cosine distance) of the `k` nearest vectors passing `where`, nearest first."""
        found = self.collection.query(query_embeddings=[query_vector], n_results=k, where=where, include=["distances"])
        return list(zip(found["ids"][0], found["distances"][0]))

    @contextmanager
    def using(self) -> Iterator[None]:
        """Hold the index open (no reopen closes it meanwhile) for one use, with errors translated."""
        with self._gate.shared(), talking_to_server(self.settings, self.folder):
            yield

    def follow(self, writing_here: bool) -> None:
        """Reopen if another process changed the library since the index was opened. Changes made
        while this process holds the write lock are its own and went through this client."""
        if self._client is None:
            return  # nothing loaded: opening reads what is on disk now
        now = self._generation()
        if now == self.seen:
            return
        if writing_here or self.server:
            self.seen = now  # a server holds one index for every client; our own writes are in ours
            return
        self.reopen(expected=self.seen)

    def reopen(self, expected: int | None = None) -> bool:
        """Close the client so the next use opens it again; False when this thread is using it
        (closing under itself would deadlock) or another thread already reopened it."""
        if self._gate.held_here():
            return False
        with self._gate.exclusive():
            if expected is not None and self.seen != expected:
                return False  # another thread reopened while this one waited
            if self.server:
                with self._lock:
                    self._collection = None  # the server is current; only the collection may have been made anew
            else:
                self._close_client()
            self.reopened += 1
        return True

    def ids(self) -> set[str]:
        """Every id in the Chroma collection (paged: a large library exceeds one request)."""
        ids: set[str] = set()
        page = 5000
        with self.using():
            collection = self.collection
            while True:
                got = collection.get(include=[], limit=page, offset=len(ids))["ids"]
                ids.update(got)
                if len(got) < page:
                    return ids

    def count(self) -> int:
        with self.using():
            return self.collection.count()

    def vectors_of(self, ids: list[str]) -> np.ndarray | None:
        """The vectors of these findings, rows in the order asked (NaN for one Chroma does not hold);
        None when Chroma holds none of them or cannot be read (the caller then keeps no copy)."""
        try:
            with self.using():
                got = self.collection.get(ids=list(ids), include=["embeddings"])
        except Exception:  # noqa: BLE001  (a copy for speed only: searches go to Chroma without it)
            return None
        found = {cid: vector for cid, vector in zip(got["ids"], got["embeddings"])}
        if not found:
            return None
        dimension = len(next(iter(found.values())))
        out = np.full((len(ids), dimension), np.nan, dtype=np.float32)
        for row, cid in enumerate(ids):
            if cid in found:
                out[row] = found[cid]
        return out

    def mark_current(self) -> None:
        """This process just wrote (holding the write lock): its index holds what the catalog says."""
        if self._client is not None:
            self.seen = self._generation()

    def _close_client(self) -> None:
        with self._lock:
            self._collection = None
            client, self._client = self._client, None
            self.seen = None
        if client is not None and hasattr(client, "close"):
            try:
                client.close()  # the last client of a path stops its system: the next open reads the disk
            except Exception:  # noqa: BLE001  (closing is best effort: the process may be going away)
                pass

    def close(self) -> None:
        self._close_client()

    def set_aside_damaged(self) -> Path:
        """Move a damaged embedded index aside (kept, under a name Chroma never opens) so the next
        use makes a new one; where it went."""
        import time

        self.forget_broken_client()
        kept = self.folder / f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
        with store_errors(self.folder):
            (self.folder / "chroma").rename(kept)
        return kept

    def forget_broken_client(self) -> None:
        """After Chroma failed to open (a full disk), forget it, and the half-made system Chroma
        keeps per folder, so a later try opens it afresh rather than the broken one."""
        self._close_client()
        if not self.server:
            from chromadb.api.shared_system_client import SharedSystemClient

            for identifier in [i for i in SharedSystemClient._identifier_to_system if str(self.folder) in i]:
                SharedSystemClient._identifier_to_system.pop(identifier, None)


def _search_wide_enough(collection) -> None:
    """A library made before EF_SEARCH was raised searches its graph as wide as that, from the next
    time its index is opened (Chroma keeps the setting with the collection)."""
    try:
        current = int(((collection.configuration_json or {}).get("hnsw") or {}).get("ef_search") or 0)
    except (TypeError, ValueError, AttributeError):
        return
    if current and current < EF_SEARCH:
        collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})


# -- writing vectors, each text embedded once ------------------------------------------------------
def add_chunks(collection, chunks: list[Chunk], catalog, embeddings,
               before_embedding: Callable[[], None], passes: int = 1) -> tuple[int, dict[str, np.ndarray]]:
    """Write chunks with their vectors into Chroma's `collection`, and return how many texts were
    embedded and each chunk's sentence vectors (where the embedding backend gives them). A text
    whose vector the store already holds (same embed_hash) is not embedded again: its vector and
    sentence vectors are copied from the chunk that has them. `before_embedding` runs once, only
    when something must be embedded (the backend check: nothing is embedded for nothing). `passes`:
    forward passes side by side (`EmbeddingSettings.passes`)."""
    if not chunks:
        return 0, {}
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
    stored = catalog.sentence_vectors(list(holder.values()))
    sentences = {h: stored[cid] for h, cid in holder.items() if cid in stored}
    pools = embeddings.gives_sentence_vectors
    # One chunk per text to embed: never seen, or seen without its sentence vectors (a run
    # killed before its catalog rows were written; a library written before they were kept).
    new = {c.embed_hash: c for c in chunks
           if c.embed_hash not in vectors or (pools and c.embed_hash not in sentences)}
    if new:
        before_embedding()
        texts = [c.embed_text for c in new.values()]
        if pools:
            embedded, per_text = embeddings.embed_with_sentences(
                texts, [sentence_spans(c.text, c.embed_text) for c in new.values()], passes)
            sentences.update(zip(new, per_text))
        else:  # this backend gives no token states: the answerer embeds sentences when asked
            embedded = embeddings.embed_documents(texts)
        vectors.update(zip(new, embedded))
    # Upserted, so vectors a killed run left behind are overwritten, never doubled.
    for start in range(0, len(chunks), 1000):  # under Chroma's largest batch
        part = chunks[start: start + 1000]
        collection.upsert(
            ids=[c.chunk_id for c in part],
            embeddings=[vectors[c.embed_hash] for c in part],
            metadatas=[chroma_metadata(c) for c in part],
        )
    return len(new), {c.chunk_id: sentences[c.embed_hash] for c in chunks if c.embed_hash in sentences}
