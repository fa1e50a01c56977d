"""The audit log: every change to the library, who made it, when, and how it ended.

Written by the code that makes the change (`library.changes`, the ingest command line) after the
change, with its outcome; read newest first by the Library view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from database.base import Transactions, now
from database.people import Person
from database.schema import audit_log as table

ACTIONS = ("upload", "remove", "rebuild", "ingest", "repair")


@dataclass(frozen=True)
class AuditEntry:
    time: str
    actor: str  # the person's id
    actor_label: str  # their name and email as they were then
    action: str  # one of ACTIONS
    target: str  # what was acted on: files, a report
    outcome: str  # what happened, in words


class AuditLog:
    def __init__(self, db: Transactions):
        self.db = db

    def record(self, person: Person, action: str, target: str, outcome: str) -> AuditEntry:
        if action not in ACTIONS:
            raise ValueError(f"not an audited action: {action!r} (one of {', '.join(ACTIONS)})")
        entry = AuditEntry(now(), person.id, person.label, action, target, outcome)
        with self.db.writing() as conn:
            conn.execute(table.insert().values(time=entry.time, actor=entry.actor, actor_label=entry.actor_label,
                                               action=action, target=target, outcome=outcome))
        return entry

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        with self.db.reading() as conn:
            rows = conn.execute(select(table).order_by(table.c.id.desc()).limit(limit)).mappings().all()
        return [AuditEntry(r["time"], r["actor"], r["actor_label"], r["action"], r["target"], r["outcome"])
                for r in rows]
