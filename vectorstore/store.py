"""The library: Chroma for meaning, BM25 for words, SQLite for the catalog and the findings.

Write order makes a crash harmless: vectors are added first, then the catalog transaction
commits the report (the moment it becomes visible), then stale vectors are deleted and the
keyword index rebuilt. Every read goes through the catalog, so an orphan vector is never shown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.settings import Settings, get_settings  # first: sets the offline environment

import chromadb
from langchain_chroma import Chroma

from ingest.models import Chunk, Report
from vectorstore.catalog import Catalog, ReportEntry
from vectorstore.embeddings import SentenceTransformerEmbeddings, load_embeddings
from vectorstore.keyword_index import KeywordIndex


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


@dataclass
class UpsertResult:
    report_id: str
    added: int = 0
    removed: int = 0
    kept: int = 0
    replaced_reports: list[str] = field(default_factory=list)


class LibraryStore:
    def __init__(self, settings: Settings | None = None, embeddings: SentenceTransformerEmbeddings | None = None):
        self.settings = settings or get_settings()
        self.folder = Path(self.settings.store_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.folder / "catalog.sqlite3")
        self._embeddings = embeddings
        self._client = chromadb.PersistentClient(
            path=str(self.folder / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
        )
        self._chroma: Chroma | None = None
        self.keywords = KeywordIndex(self.folder / "bm25")
        self._chunk_meta: dict[str, Chunk] = {}
        self._lock = threading.RLock()
        self._load_keyword_index()

    # -- models ----------------------------------------------------------------------------
    @property
    def embeddings(self) -> SentenceTransformerEmbeddings:
        if self._embeddings is None:
            self._embeddings = load_embeddings(self.settings.model_path())
        return self._embeddings

    @property
    def chroma(self) -> Chroma:
        if self._chroma is None:
            # Always pass our embedding function: Chroma's default one downloads a model.
            self._chroma = Chroma(
                client=self._client,
                collection_name=self.settings.collection,
                embedding_function=self.embeddings,
                collection_metadata={"hnsw:space": "cosine"},
            )
        return self._chroma

    # -- reads -----------------------------------------------------------------------------
    def reports(self) -> list[ReportEntry]:
        return self.catalog.reports()

    def chunks(self, ids: list[str]) -> list[Chunk]:
        return self.catalog.chunks(ids)

    def is_empty(self) -> bool:
        return not self.catalog.reports()

    def dense_search(self, query_vector: list[float], k: int, where: SearchFilter) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first."""
        if self.is_empty():
            return []
        docs = self.chroma.similarity_search_by_vector_with_relevance_scores(
            query_vector, k=k, filter=where.chroma_where()
        )
        # Chroma reports cosine distance for this collection; similarity is 1 - distance.
        return [(doc.id, 1.0 - float(distance)) for doc, distance in docs if doc.id]

    def keyword_search(self, query: str, k: int, where: SearchFilter) -> list[tuple[str, float]]:
        self._refresh_if_stale()
        scored = self.keywords.scores(query)
        meta = self._chunk_meta
        hits = [(cid, s) for cid, s in scored.items() if cid in meta and where.accepts(meta[cid])]
        hits.sort(key=lambda item: -item[1])
        return hits[:k]

    # -- writes ----------------------------------------------------------------------------
    def upsert_report(self, report: Report, chunks: list[Chunk]) -> UpsertResult:
        rid = report.report_id
        result = UpsertResult(rid)
        with self._lock:
            existing = self.catalog.chunk_ids(rid)
            new_ids = [c.chunk_id for c in chunks]
            to_add = [c for c in chunks if c.chunk_id not in existing]
            if to_add:
                self.chroma.add_texts(
                    texts=[c.embed_text for c in to_add],
                    metadatas=[c.metadata() for c in to_add],
                    ids=[c.chunk_id for c in to_add],
                )
            entry = ReportEntry(
                report_id=rid, authority=report.authority, title=report.title, published=report.published,
                rating=report.rating, rating_is_indicative=report.rating_is_indicative,
                overall_score=report.overall_score, scores=dict(report.scores), source=report.source,
                files=list(report.files), chunks=len(chunks),
            )
            self.catalog.put_report(entry, chunks)
            stale = sorted(existing - set(new_ids))
            if stale:
                self.chroma.delete(ids=stale)
            # The same file read again under another identity (its date or title was edited):
            # the old version is this file's previous content, so it goes.
            for old in self.catalog.report_ids_from_source(report.source):
                if old != rid:
                    self.remove_report(old)
                    result.replaced_reports.append(old)
            result.added, result.removed, result.kept = len(to_add), len(stale), len(chunks) - len(to_add)
        return result

    def remove_report(self, report_id: str) -> int:
        with self._lock:
            ids = sorted(self.catalog.chunk_ids(report_id))
            self.catalog.delete_report(report_id)
            if ids:
                self.chroma.delete(ids=ids)
            return len(ids)

    def refresh_keyword_index(self) -> None:
        """Rebuild BM25 from the catalog if anything changed since it was last built."""
        with self._lock:
            generation = self.catalog.generation()
            if self.keywords.generation == generation:
                return
            chunks = self.catalog.all_chunks()
            self.keywords.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks], generation)
            self._chunk_meta = _by_id(chunks)

    def _load_keyword_index(self) -> None:
        if self.keywords.load() and self.keywords.generation == self.catalog.generation():
            self._chunk_meta = _by_id(self.catalog.all_chunks())
        else:
            self.refresh_keyword_index()  # missing or left stale by an interrupted ingest

    def _refresh_if_stale(self) -> None:
        # Another process (an ingest run beside the app) may have changed the catalog.
        if self.keywords.generation != self.catalog.generation():
            stored = KeywordIndex(self.keywords.folder)
            if stored.load() and stored.generation == self.catalog.generation():
                with self._lock:
                    self.keywords = stored
                    self._chunk_meta = _by_id(self.catalog.all_chunks())
            else:
                self.refresh_keyword_index()

    def close(self) -> None:
        self.catalog.close()


def _by_id(chunks: list[Chunk]) -> dict[str, Chunk]:
    """Every finding by id: the keyword side filters on these without a catalog query per hit."""
    return {c.chunk_id: c for c in chunks}
