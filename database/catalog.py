"""The library's catalog: reports, their findings (chunks) with their sentence vectors, their pages,
and the catalog's meta. All of its SQL is here (the measure records' in `database.measures`).

Scores and ratings are data, answered by lookup rather than by similarity. The chunk table is the
source of truth for every finding's text and place: citations resolve here, and the keyword index
is built from it. Every change is one transaction of the database that also moves `generation`
on: every process using the database (another app machine on the same PostgreSQL included) sees
the change at the moment it commits, and knows by the generation that its keyword index is stale.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import Connection, Integer, Text, cast, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cqc.measures.record import MeasureRecord
from cqc.models import Block, Chunk, Page
from cqc.records import ReportEntry
from database import measures as measure_rows
from database.base import Transactions
from database.schema import catalog_meta, chunks as chunk_table, pages as page_table, reports as report_table

# 2: reports are kept per layout (`edition`) with their page files (`pages` table); report ids
# carry the layout, so a library written by version 1 is rebuilt (the store says how).
SCHEMA_VERSION = 2
BATCH = 500  # ids to a query (SQLite's variable limit is far above; PostgreSQL's plans stay simple)


# -- rows ----------------------------------------------------------------------------------------
# Chunks and pages are stored field by field, so the stored form changes only when these functions
# do, never because a dataclass gained a field.
def chunk_to_json(chunk: Chunk) -> str:
    return json.dumps({
        "chunk_id": chunk.chunk_id, "report_id": chunk.report_id, "text": chunk.text, "embed_text": chunk.embed_text,
        "authority": chunk.authority, "published": chunk.published, "theme": chunk.theme,
        "quality_statement": chunk.quality_statement, "score": chunk.score, "heading": chunk.heading,
        "paragraph_no": chunk.paragraph_no, "part": chunk.part, "kind": chunk.kind, "location": chunk.location,
        "source": chunk.source, "order": chunk.order, "embed_hash": chunk.embed_hash,
    }, ensure_ascii=False)


def pack_vectors(vectors: np.ndarray) -> bytes:
    """float16 is plenty to rank sentences by cosine, at half the size of float32."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(vectors, dtype=np.float16), allow_pickle=False)
    return buffer.getvalue()


def unpack_vectors(blob: bytes) -> np.ndarray:
    return np.load(io.BytesIO(bytes(blob)), allow_pickle=False).astype(np.float32)


def chunk_from_json(data: str) -> Chunk:
    d = json.loads(data)
    return Chunk(
        chunk_id=d["chunk_id"], report_id=d["report_id"], text=d["text"], embed_text=d["embed_text"],
        authority=d["authority"], published=d["published"], theme=d["theme"],
        quality_statement=d["quality_statement"], score=d["score"], heading=d["heading"],
        paragraph_no=d["paragraph_no"], part=d["part"], kind=d["kind"], location=d["location"],
        source=d["source"], order=d["order"], embed_hash=d.get("embed_hash", ""),  # older rows: computed again
    )


def page_to_json(page: Page) -> str:
    """A page field by field, so the stored form changes only when this function does."""
    return json.dumps({
        "file": page.file, "format": page.format, "title": page.title, "title_name": page.title_name,
        "council": page.council, "published": page.published, "kind": page.kind, "position": page.position,
        "sha": page.sha, "warnings": list(page.warnings),
        "blocks": [[b.kind, b.text, b.level, b.location] for b in page.blocks],
    }, ensure_ascii=False)


def page_from_json(data: str) -> Page:
    d = json.loads(data)
    return Page(
        file=d["file"], format=d["format"], title=d["title"], title_name=d["title_name"], council=d["council"],
        published=d["published"], kind=d["kind"], position=d["position"], sha=d["sha"],
        warnings=tuple(d["warnings"]), blocks=tuple(Block(k, t, lv, loc) for k, t, lv, loc in d["blocks"]),
    )


def entry_row(entry: ReportEntry) -> dict:
    return {"report_id": entry.report_id, "authority": entry.authority, "title": entry.title,
            "published": entry.published, "rating": entry.rating, "rating_is_indicative": int(entry.rating_is_indicative),
            "overall_score": entry.overall_score, "scores": json.dumps(entry.scores), "source": entry.source,
            "files": json.dumps(entry.files), "chunks": entry.chunks, "edition": entry.edition, "pages": entry.pages}


def _entry(r) -> ReportEntry:
    return ReportEntry(r["report_id"], r["authority"], r["title"], r["published"], r["rating"],
                       bool(r["rating_is_indicative"]), r["overall_score"], json.loads(r["scores"]), r["source"],
                       json.loads(r["files"]), r["chunks"], r["edition"], r["pages"])


# -- meta ----------------------------------------------------------------------------------------
def read_meta(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(catalog_meta.c.key, catalog_meta.c.value)).all())


def write_meta(conn: Connection, values: dict[str, str], keep_set: bool = False) -> None:
    """Set these keys (inside the caller's transaction), whether or not they were set before; with
    `keep_set`, only those not set yet. One statement (an upsert, both databases have it), so two
    processes opening a new database at once cannot both insert a key."""
    if not values:
        return
    insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(catalog_meta).values([{"key": k, "value": str(v)} for k, v in values.items()])
    if keep_set:
        conn.execute(statement.on_conflict_do_nothing(index_elements=[catalog_meta.c.key]))
    else:
        conn.execute(statement.on_conflict_do_update(index_elements=[catalog_meta.c.key],
                                                     set_={"value": statement.excluded.value}))


def _bump_generation(conn: Connection) -> None:
    """Move the generation on. The update takes the row's lock first, so two writers (only one
    should ever be here: the writer lock) could not both read the same number."""
    write_meta(conn, {"generation": "0"}, keep_set=True)
    conn.execute(catalog_meta.update().where(catalog_meta.c.key == "generation")
                 .values(value=cast(cast(catalog_meta.c.value, Integer) + 1, Text)))


class Catalog:
    """The catalog's API over the database's transactions (`Database.reading` / `writing`)."""

    def __init__(self, db: Transactions):
        self.db = db
        self._reports_cache: tuple[int, list[ReportEntry]] | None = None
        with self.db.writing() as conn:
            self.created = "schema_version" not in read_meta(conn)
            # store_id names this library's collection on a shared Chroma server, so two libraries
            # never see (or clean up) each other's vectors.
            write_meta(conn, {"schema_version": str(SCHEMA_VERSION), "store_id": uuid.uuid4().hex}, keep_set=True)

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.db.reading() as conn:
            return conn.execute(select(catalog_meta.c.value).where(catalog_meta.c.key == key)).scalar()

    def set_meta(self, values: dict[str, str]) -> None:
        with self.db.writing() as conn:
            write_meta(conn, values)

    def generation(self) -> int:
        """Moved on by every change (from any process or machine), so the keyword index and the
        report list can tell they are stale: one indexed read of one row."""
        return int(self.get_meta("generation") or 0)

    # -- reads -----------------------------------------------------------------------------
    def reports(self) -> list[ReportEntry]:
        # A question reads the list several times (names, versions, scores); it changes only with
        # the generation, which every write (this process's or another's) moves on.
        with self.db.reading() as conn:
            generation = int(conn.execute(select(catalog_meta.c.value)
                                          .where(catalog_meta.c.key == "generation")).scalar() or 0)
            if self._reports_cache is not None and self._reports_cache[0] == generation:
                return list(self._reports_cache[1])
            rows = conn.execute(select(report_table).order_by(report_table.c.authority, report_table.c.published,
                                                               report_table.c.report_id)).mappings().all()
        entries = [_entry(r) for r in rows]
        self._reports_cache = (generation, entries)
        return list(entries)

    def report(self, report_id: str) -> ReportEntry | None:
        return next((r for r in self.reports() if r.report_id == report_id), None)

    def chunk_ids(self, report_id: str) -> set[str]:
        with self.db.reading() as conn:
            return set(conn.execute(select(chunk_table.c.chunk_id).where(chunk_table.c.report_id == report_id)).scalars())

    def all_chunk_ids(self) -> set[str]:
        with self.db.reading() as conn:
            return set(conn.execute(select(chunk_table.c.chunk_id)).scalars())

    def chunk_count(self) -> int:
        """How many findings the catalog names: counted by the database, not read (146,375 ids at
        1,500 reports took 0.2-0.36 s to read just to be counted)."""
        with self.db.reading() as conn:
            return conn.execute(select(func.count()).select_from(chunk_table)).scalar_one()

    def chunks(self, ids: list[str]) -> list[Chunk]:
        """Chunks in the order of the ids asked for; unknown ids are left out."""
        if not ids:
            return []
        found = {cid: chunk_from_json(data) for cid, data in self._rows_for_ids(chunk_table.c.data, ids)}
        return [found[i] for i in ids if i in found]

    def _rows_for_ids(self, column, ids: list[str], only_set: bool = False) -> list[tuple]:
        """(chunk id, column) of the chunk table for these chunk ids, BATCH to a query, in one transaction."""
        rows: list[tuple] = []
        with self.db.reading() as conn:
            for start in range(0, len(ids), BATCH):
                query = select(chunk_table.c.chunk_id, column).where(chunk_table.c.chunk_id.in_(ids[start: start + BATCH]))
                if only_set:
                    query = query.where(column.is_not(None))
                rows += conn.execute(query).all()
        return rows

    def all_chunks(self) -> list[Chunk]:
        with self.db.reading() as conn:
            rows = conn.execute(select(chunk_table.c.data).order_by(chunk_table.c.report_id, chunk_table.c.ord)).scalars()
            return [chunk_from_json(data) for data in rows]

    def report_chunks(self, report_id: str) -> list[Chunk]:
        with self.db.reading() as conn:
            rows = conn.execute(select(chunk_table.c.data).where(chunk_table.c.report_id == report_id)
                                .order_by(chunk_table.c.ord)).scalars()
            return [chunk_from_json(data) for data in rows]

    def measures(self, authorities: list[str] = (), measures: list[str] = (), report_ids: list[str] = ()) -> list[MeasureRecord]:
        """The figures read as data (`cqc.measures`), in report order; empty filters mean all."""
        with self.db.reading() as conn:
            return measure_rows.select(conn, authorities, measures, report_ids)

    def measure_count(self, report_id: str) -> int:
        with self.db.reading() as conn:
            return measure_rows.count(conn, report_id)

    def put_measures(self, records_by_report: dict[str, list[MeasureRecord]], version: str) -> None:
        """Replace the records of these reports (read again under a newer reader or vocabulary) and note
        the version they were read with, in one transaction."""
        with self._changing() as conn:
            for report_id, records in records_by_report.items():
                measure_rows.replace(conn, [report_id], records)
            write_meta(conn, {"measures_version": version})

    def report_pages(self, report_id: str) -> list[Page]:
        with self.db.reading() as conn:
            rows = conn.execute(select(page_table.c.data).where(page_table.c.report_id == report_id)
                                .order_by(page_table.c.ord)).scalars()
            return [page_from_json(data) for data in rows]

    def page_holder(self, sha: str) -> tuple[str, str] | None:
        """(report id, file) of a stored page with this content."""
        with self.db.reading() as conn:
            row = conn.execute(select(page_table.c.report_id, page_table.c.file).where(page_table.c.sha == sha)
                               .order_by(page_table.c.report_id, page_table.c.file).limit(1)).first()
        return (row[0], row[1]) if row else None

    def report_of_file(self, file: str) -> str | None:
        with self.db.reading() as conn:
            return conn.execute(select(page_table.c.report_id).where(page_table.c.file == file)
                                .order_by(page_table.c.report_id).limit(1)).scalar()

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored sentence vectors of these chunks (rows in `answer_sentences` order), where the
        ingest that wrote them had them."""
        return {cid: unpack_vectors(blob) for cid, blob in self._rows_for_ids(chunk_table.c.sentences, ids, True)}

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def _changing(self) -> Iterator[Connection]:
        """One write transaction that also moves the generation on, so every process holding a
        keyword index or a report list knows it is stale; rolled back whole on any error."""
        with self.db.writing() as conn:
            yield conn
            _bump_generation(conn)

    def set_sentence_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        """Fill in sentence vectors for chunk rows already written (a repair after a killed run)."""
        if not vectors:
            return
        with self.db.writing() as conn:
            for cid, v in vectors.items():
                conn.execute(chunk_table.update().where(chunk_table.c.chunk_id == cid).values(sentences=pack_vectors(v)))

    def put_report(self, entry: ReportEntry, chunks: list[Chunk],
                   sentence_vectors: dict[str, np.ndarray] | None = None, pages: list[Page] | None = None,
                   removed: list[str] = (), measures: list[MeasureRecord] = ()) -> None:
        """Replace a report, its chunk rows, its pages and its measure records in one transaction (and
        remove the reports it absorbed): readers see old or new, never half."""
        sentence_vectors = sentence_vectors or {}
        gone = [entry.report_id, *removed]
        with self._changing() as conn:
            conn.execute(delete(chunk_table).where(chunk_table.c.report_id.in_(gone)))
            conn.execute(delete(page_table).where(page_table.c.report_id.in_(gone)))
            conn.execute(delete(report_table).where(report_table.c.report_id.in_(gone)))
            measure_rows.replace(conn, gone, measures)
            conn.execute(report_table.insert().values(**entry_row(entry)))
            if pages:
                conn.execute(page_table.insert(), [{"report_id": entry.report_id, "file": p.file, "sha": p.sha,
                                                    "ord": i, "data": page_to_json(p)} for i, p in enumerate(pages)])
            if chunks:
                conn.execute(chunk_table.insert(), [
                    {"chunk_id": c.chunk_id, "report_id": c.report_id, "ord": c.order, "data": chunk_to_json(c),
                     "sentences": pack_vectors(sentence_vectors[c.chunk_id]) if c.chunk_id in sentence_vectors else None}
                    for c in chunks])

    def delete_report(self, report_id: str) -> None:
        with self._changing() as conn:
            measure_rows.delete(conn, report_id)
            for table in (page_table, chunk_table, report_table):
                conn.execute(delete(table).where(table.c.report_id == report_id))

    def close(self) -> None:
        """The database is the store's to close; nothing is held here."""
