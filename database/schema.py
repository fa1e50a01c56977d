"""The tables, defined once for SQLite and PostgreSQL.

Times are ISO 8601 UTC strings ("2026-12-04T10:15:00+00:00"): they sort as text, read the same
from both databases and the JSON exports. Each table is owned by one module of this package,
which holds its SQL. Creating the schema is idempotent (`create_all` adds what is missing), and
`schema_info` keeps its version for the migrations later stages may need.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, LargeBinary, MetaData, PrimaryKeyConstraint, String, Table, Text

SCHEMA_VERSION = 2  # 2: the library's catalog and measure records (issue 28, stage two)
PERSON = 255  # an identity provider's subject, or "shell:<user>"

metadata = MetaData()


def _facts(name: str) -> Table:
    """A table of named facts, one text value each."""
    return Table(name, metadata, Column("key", String(255), primary_key=True), Column("value", Text, nullable=False))


# Facts about the database itself: schema version, one-off imports done.
schema_info = _facts("schema_info")

# One row per conversation; its turns as the app shows them (questions, answers, citations), as JSON.
conversations = Table(
    "conversations", metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(PERSON), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("created", String(40), nullable=False),
    Column("updated", String(40), nullable=False),
    Column("turns", JSON, nullable=False),
    Column("turn_count", Integer, nullable=False, default=0),  # the sidebar lists without reading the turns
    Index("conversations_by_owner", "owner", "updated"),
)

# Append-only: each thumb or comment is a row; the last per (owner, answer_id) is the person's final word.
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(PERSON), nullable=False),
    Column("owner_name", Text, nullable=False, default=""),
    Column("owner_email", Text, nullable=False, default=""),
    Column("answer_id", String(64), nullable=False),
    Column("rating", String(8)),  # up | down | NULL (a comment only)
    Column("comment", Text, nullable=False, default=""),
    Column("question", Text, nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Column("chunk_ids", JSON, nullable=False),
    Column("mode", String(16), nullable=False, default="ask"),
    Column("backend", String(64), nullable=False, default=""),
    Column("filters", JSON, nullable=False),
    Column("time", String(40), nullable=False),
    Index("feedback_by_owner", "owner", "time"),
)

# Every change to the library: who, when, what, and how it ended.
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", String(40), nullable=False, index=True),
    Column("actor", String(PERSON), nullable=False),
    Column("actor_label", Text, nullable=False, default=""),
    Column("action", String(32), nullable=False),  # upload | remove | rebuild | ingest | repair
    Column("target", Text, nullable=False, default=""),  # the files or report acted on
    Column("outcome", Text, nullable=False, default=""),  # what it did, in words
)

# Uploaded report files, the copy every app machine reads: bytes in the database (backed up with it).
uploaded_files = Table(
    "uploaded_files", metadata,
    Column("name", String(255), primary_key=True),  # unique in the library: "report (2).pdf" beside "report.pdf"
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", String(PERSON), nullable=False),
    Column("uploaded_at", String(40), nullable=False),
)


# -- the library's catalog (`database.catalog`, `database.measures`) ----------------------------
# Facts about the library: its own schema version, embedding model, collection name (store_id),
# and `generation`, moved on by every change so every process knows its keyword index is stale.
catalog_meta = _facts("catalog_meta")

reports = Table(
    "reports", metadata,
    Column("report_id", String(255), primary_key=True),
    Column("authority", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("published", String(40), nullable=False),
    Column("rating", Text, nullable=False),
    Column("rating_is_indicative", Integer, nullable=False),
    Column("overall_score", Integer),
    Column("scores", Text, nullable=False),  # JSON
    Column("source", Text, nullable=False),
    Column("files", Text, nullable=False),  # JSON
    Column("chunks", Integer, nullable=False),
    Column("edition", Text, nullable=False, default=""),
    Column("pages", Integer, nullable=False, default=0),
)

# Each finding: its fields as JSON (`database.catalog.chunk_to_json`) and its answer sentences' vectors.
chunks = Table(
    "chunks", metadata,
    Column("chunk_id", String(255), primary_key=True),
    Column("report_id", String(255), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("sentences", LargeBinary),  # float16 (`pack_vectors`); NULL when not computed
    Index("chunks_by_report", "report_id", "ord"),
)

# Each report's pages as read, so a page added in a later run is assembled with them.
pages = Table(
    "pages", metadata,
    Column("report_id", String(255), nullable=False),
    Column("file", Text, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("report_id", "file"),
    Index("pages_by_sha", "sha"),
    Index("pages_by_file", "file"),
)

# One row per figure of a report (`cqc.measures.record.MeasureRecord`), written with the report.
measures = Table(
    "measures", metadata,
    Column("report_id", String(255), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("chunk_id", String(255), nullable=False),
    Column("authority", Text, nullable=False),
    Column("published", String(40), nullable=False),
    Column("measure", String(255), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", Text, nullable=False),
    Column("figure", Text, nullable=False),
    Column("qualifier", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("approx", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("part", Text, nullable=False),
    Column("out_of", Float),
    Column("comparator", Text),  # JSON
    Column("sentence", Text, nullable=False),
    PrimaryKeyConstraint("report_id", "ord"),
    Index("measures_by_measure", "measure", "authority"),
)

CATALOG_TABLES = (reports, chunks, pages, measures)  # what a rebuild's switch replaces whole
