"""Uploaded report files, kept as bytes in the database: the copy every app machine can reach.

Why bytes in the database rather than a content-addressed path: a path needs a folder that every
app machine mounts (one more service to run, secure and back up, and out of step with the
database after a restore); the database is already shared, transactional and backed up by
`pg_dump`. A report is at most `CQC_MAX_FILE_MB` (50 MB), a library a few thousand of them.
A machine writes a file it needs (to read at ingest or rebuild, or to show as "the original")
into its own store folder's uploads folder, a cache of this table (`library.changes`).

Names are unique in the library: a second upload whose name is taken by other content is kept as
"name (2).pdf"; the same content under the same name is the file already there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from database.base import Transactions, now
from database.people import Person
from database.schema import uploaded_files as table


@dataclass(frozen=True)
class StoredUpload:
    name: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: str
    existing: bool = False  # the same content was already there under this name: nothing was added


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class UploadedFiles:
    def __init__(self, db: Transactions):
        self.db = db

    def add(self, names: Iterable[str], data: bytes, person: Person) -> StoredUpload | None:
        """Keep `data` under the first of `names` that is free or already holds the same content
        (the caller gives the cleaned name, then "name (2)", ...); None when every name is taken."""
        digest = sha256(data)
        for name in names:
            for _ in range(3):
                try:
                    found = self._add_as(name, data, digest, person)
                except IntegrityError:  # another machine took the name between our look and our insert:
                    continue  # look again, it may hold the same content
                if found is not None:
                    return found
                break
        return None

    def _add_as(self, name: str, data: bytes, digest: str, person: Person) -> StoredUpload | None:
        """The upload kept as `name`, or None when that name holds other content."""
        with self.db.writing() as conn:
            held = conn.execute(select(table.c.sha256, table.c.uploaded_by, table.c.uploaded_at, table.c.size)
                                .where(table.c.name == name)).first()
            if held is not None:
                if held.sha256 == digest:
                    return StoredUpload(name, digest, held.size, held.uploaded_by, held.uploaded_at, existing=True)
                return None
            stamp = now()
            conn.execute(table.insert().values(name=name, sha256=digest, size=len(data), content=data,
                                               uploaded_by=person.id, uploaded_at=stamp))
            return StoredUpload(name, digest, len(data), person.id, stamp)

    def content(self, name: str) -> bytes | None:
        with self.db.reading() as conn:
            return conn.execute(select(table.c.content).where(table.c.name == name)).scalar()

    def held(self, name: str) -> StoredUpload | None:
        with self.db.reading() as conn:
            r = conn.execute(select(table.c.name, table.c.sha256, table.c.size, table.c.uploaded_by,
                                    table.c.uploaded_at).where(table.c.name == name)).first()
        return StoredUpload(r.name, r.sha256, r.size, r.uploaded_by, r.uploaded_at) if r else None

    def list(self) -> list[StoredUpload]:
        """Every uploaded file (without its bytes), by name."""
        with self.db.reading() as conn:
            rows = conn.execute(select(table.c.name, table.c.sha256, table.c.size, table.c.uploaded_by,
                                       table.c.uploaded_at).order_by(table.c.name)).all()
        return [StoredUpload(r.name, r.sha256, r.size, r.uploaded_by, r.uploaded_at) for r in rows]

    def remove(self, names: Iterable[str]) -> int:
        wanted = sorted(set(names))
        if not wanted:
            return 0
        with self.db.writing() as conn:
            return conn.execute(delete(table).where(table.c.name.in_(wanted))).rowcount
