"""Thumbs up/down and an optional comment per answer, appended to a local JSON lines file.

Each change appends one line (nothing is rewritten, so two browser tabs cannot lose each other's
lines); for evaluation, the last line per `answer_id` is the user's final word on that answer.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import streamlit as st

from config import Settings

RATINGS = {0: "down", 1: "up"}  # st.feedback("thumbs") values
_LOCK = threading.Lock()  # Streamlit runs sessions in threads of one process


@dataclass(frozen=True)
class FeedbackRecord:
    answer_id: str
    rating: str | None  # up | down | None (no thumb given, comment only)
    comment: str
    question: str
    answer: str
    chunk_ids: list[str]
    mode: str  # ask | compare
    backend: str
    filters: dict = field(default_factory=dict)
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def feedback_path(settings: Settings) -> Path:
    """CQC_FEEDBACK_FILE when set, otherwise feedback.jsonl beside the store folder."""
    configured = settings.app.feedback_file
    if configured:
        return Path(configured)
    return Path(settings.store.dir).resolve().parent / "feedback.jsonl"


def append_feedback(path: Path, record: FeedbackRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
    with _LOCK, path.open("a", encoding="utf-8") as f:
        f.write(line)


def read_feedback(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
