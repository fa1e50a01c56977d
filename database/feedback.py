"""Thumbs up/down and comments on answers, each row signed with the person who gave it.

Rows are only added (two browser tabs cannot lose each other's): the last row per person and
answer is their final word. A person reads back their own; only an admin exports everyone's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from database.base import Transactions, now
from database.people import Action, Person
from database.schema import feedback as table


@dataclass(frozen=True)
class FeedbackRecord:
    answer_id: str
    rating: str | None  # up | down | None (a comment only)
    comment: str
    question: str
    answer: str
    chunk_ids: list[str]
    mode: str  # ask | compare
    backend: str
    filters: dict = field(default_factory=dict)
    time: str = field(default_factory=now)
    owner: str = ""  # filled from the person who gave it
    owner_name: str = ""
    owner_email: str = ""

    def as_json(self) -> dict:
        return asdict(self)


_FIELDS = [c for c in FeedbackRecord.__dataclass_fields__]


def _record(row) -> FeedbackRecord:
    return FeedbackRecord(**{name: row[name] for name in _FIELDS})


class FeedbackLog:
    def __init__(self, db: Transactions):
        self.db = db

    def add(self, person: Person, record: FeedbackRecord) -> None:
        values = record.as_json() | {"owner": person.id, "owner_name": person.name, "owner_email": person.email}
        with self.db.writing() as conn:
            conn.execute(table.insert().values(**values))

    def add_imported(self, records: list[FeedbackRecord]) -> None:
        """Rows from before the database (their owner already set), in one transaction."""
        if records:
            with self.db.writing() as conn:
                conn.execute(table.insert(), [r.as_json() for r in records])

    def mine(self, person: Person) -> list[FeedbackRecord]:
        with self.db.reading() as conn:
            rows = conn.execute(select(table).where(table.c.owner == person.id).order_by(table.c.id)).mappings().all()
        return [_record(r) for r in rows]

    def everyone(self, person: Person) -> list[FeedbackRecord]:
        """Every person's feedback, oldest first, for review: admins only."""
        person.require(Action.EXPORT_FEEDBACK)
        with self.db.reading() as conn:
            rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
        return [_record(r) for r in rows]
