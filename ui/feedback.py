"""Thumbs up/down and an optional comment per answer, kept in the database with the person who
gave them (`database.feedback`): each change is a new row, so two browser tabs cannot lose each
other's; for evaluation, the last row per person and answer is their final word. An admin
exports everyone's for review (JSON lines, one record each).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from config import Settings
from database import Database, Person
from database.feedback import FeedbackRecord

__all__ = ["RATINGS", "FeedbackRecord", "FeedbackSink", "feedback_path", "feedback_export"]

RATINGS = {0: "down", 1: "up"}  # st.feedback("thumbs") values


@dataclass(frozen=True)
class FeedbackSink:
    """Where this session's feedback goes: the database, signed with the person."""

    database: Database
    person: Person

    def add(self, record: FeedbackRecord) -> None:
        self.database.feedback.add(self.person, record)


def feedback_path(settings: Settings) -> Path:
    """The file earlier versions wrote feedback to (imported once): CQC_FEEDBACK_FILE when set,
    otherwise feedback.jsonl beside the store folder."""
    configured = settings.app.feedback_file
    if configured:
        return Path(configured)
    return Path(settings.store.dir).resolve().parent / "feedback.jsonl"


def feedback_export(database: Database, person: Person) -> bytes:
    """Everyone's feedback as JSON lines, oldest first: admins only (NotAllowed otherwise)."""
    records = database.feedback.everyone(person)
    return "".join(json.dumps(r.as_json(), ensure_ascii=False) + "\n" for r in records).encode("utf-8")
