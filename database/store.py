"""The database: its engine, its transactions, its writer lock and its tables' repositories.

    db = Database.for_settings(settings)     # SQLite beside the store, or CQC_DATABASE_URL
    db.conversations.list(person.id)          # each repository's SQL lives in its own module
    with db.writing() as conn: ...            # one transaction; SQLite takes its write lock at once

SQLite: WAL (readers never wait for the writer), foreign keys on, and a write transaction begins
IMMEDIATE so two writers queue at the start instead of one failing half-way ("database is
locked" on upgrade). PostgreSQL: READ COMMITTED transactions, pooled connections checked before
use (a restarted server costs no request).
"""

from __future__ import annotations

import fcntl
import os
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url

from config.settings import Settings
from database import schema
from database.audit import AuditLog
from database.conversations import Conversations
from database.errors import DatabaseError, database_errors
from database.feedback import FeedbackLog
from database.uploads import UploadedFiles

BUSY_TIMEOUT_S = 30  # SQLite: how long a writer waits for another before giving up


def database_url(settings: Settings) -> str:
    """CQC_DATABASE_URL, else SQLite in a file beside the store folder (`<store>.sqlite3`)."""
    if settings.store.database_url:
        return settings.store.database_url
    return f"sqlite:///{settings.store.database_file()}"


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver begins nothing itself: _on_begin does
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")

    return engine


def lock_file(url: str, name: str) -> Path:
    """SQLite: the file whose flock is the `name` writer lock, beside the database file."""
    return Path(make_url(url).database or "memory").with_suffix(f".{name}.lock")


@contextmanager
def file_lock(path: Path, deadline: float) -> Iterator[None]:
    """An flock on `path` for the with-block (the kernel frees it when the holder dies); raises
    DatabaseError when it is still held by another at `deadline` (time.monotonic)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseError(f"another writer holds {path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, what its write-ahead log holds included (SQLite's
    backup API: a plain file copy would leave that out)."""
    import sqlite3

    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


class Database:
    def __init__(self, url: str):
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.where = parsed.render_as_string(hide_password=True)
        with database_errors(self.where):
            if self.is_sqlite:
                self.engine = _sqlite_engine(url)
            else:
                self.engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
            self._writer_engine = self.engine.execution_options(writing=True)
            schema.metadata.create_all(self.engine)
            with self.writing() as conn:
                found = conn.execute(select(schema.schema_info.c.value)
                                     .where(schema.schema_info.c.key == "schema_version")).scalar()
                if found is None:
                    conn.execute(schema.schema_info.insert().values(key="schema_version",
                                                                    value=str(schema.SCHEMA_VERSION)))
                elif int(found) < schema.SCHEMA_VERSION:  # create_all added the tables it lacked
                    conn.execute(schema.schema_info.update().where(schema.schema_info.c.key == "schema_version")
                                 .values(value=str(schema.SCHEMA_VERSION)))
                elif int(found) > schema.SCHEMA_VERSION:
                    raise DatabaseError(f"the database {self.where} was made by a newer version of this program "
                                        f"(schema {found}, this one knows {schema.SCHEMA_VERSION}): upgrade this "
                                        "machine's copy of the app")
        self.conversations = Conversations(self)
        self.feedback = FeedbackLog(self)
        self.audit = AuditLog(self)
        self.uploads = UploadedFiles(self)

    @classmethod
    def for_settings(cls, settings: Settings) -> Database:
        return cls(database_url(settings))

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with database_errors(self.where), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction: all of it is kept, or none of it (an exception rolls it back)."""
        with database_errors(self.where), self._writer_engine.begin() as conn:
            yield conn

    @contextmanager
    def writer_lock(self, name: str = "library", wait_s: float = 600) -> Iterator[None]:
        """One holder at a time across every process and machine using this database, held for the
        with-block: PostgreSQL's session advisory lock on a connection of its own (a killed holder's
        connection drops and the server frees the lock at once: no lease, no clocks); SQLite's
        file beside the database, locked with flock (freed by the kernel when a holder dies).
        Raises DatabaseError after `wait_s` seconds of waiting."""
        deadline = time.monotonic() + wait_s
        if self.is_sqlite:
            with self._file_lock(name, deadline):
                yield
            return
        key = zlib.crc32(f"cqc:{name}".encode())  # advisory locks are keyed by number
        with database_errors(self.where), self.engine.connect() as conn:
            conn.execute(text("SET lock_timeout = 0"))
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                conn.rollback()
                if time.monotonic() > deadline:
                    raise DatabaseError(f"another writer has held the {name} lock in {self.where} for {wait_s:.0f} s")
                time.sleep(0.2)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()

    @contextmanager
    def _file_lock(self, name: str, deadline: float) -> Iterator[None]:
        with file_lock(lock_file(self.url, name), deadline):
            yield

    def info(self, key: str) -> str | None:
        with self.reading() as conn:
            return conn.execute(select(schema.schema_info.c.value).where(schema.schema_info.c.key == key)).scalar()

    def set_info(self, key: str, value: str, conn: Connection | None = None) -> None:
        if conn is None:
            with self.writing() as conn:
                return self.set_info(key, value, conn)
        table = schema.schema_info
        if conn.execute(select(table.c.key).where(table.c.key == key)).first():
            conn.execute(table.update().where(table.c.key == key).values(value=value))
        else:
            conn.execute(table.insert().values(key=key, value=value))

    def close(self) -> None:
        self.engine.dispose()
