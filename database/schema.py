"""The tables, defined once for SQLite and PostgreSQL.

Times are ISO 8601 UTC strings ("2026-12-04T10:15:00+00:00"): they sort as text, read the same
from both databases and the JSON exports. Each table is owned by one module of this package,
which holds its SQL. Creating the schema is idempotent (`create_all` adds what is missing), and
`schema_info` keeps its version for the migrations later stages may need.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, MetaData, String, Table, Text

SCHEMA_VERSION = 1
PERSON = 255  # an identity provider's subject, or "shell:<user>"

metadata = MetaData()

# Facts about the database itself: schema version, one-off imports done.
schema_info = Table(
    "schema_info", metadata,
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
)

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
