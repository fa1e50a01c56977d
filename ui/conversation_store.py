"""Conversations kept on disk, one JSON file each in `<store folder>/conversations/`, so a reload
or a restart of the app loses nothing and an earlier conversation can be reopened.

A file holds the turns as the app shows them: each question, its answer(s) with their citations
(the finding's text, authority, quality statement, where it sits), filters and who wrote it.
The findings retrieved but not cited are not kept: nothing shows them. Writes go to a temporary
file then replace the old one, so a crash mid-write leaves the previous version whole.
Ids are ours (hex); an id from the page's address is checked before it names a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from uuid import uuid4

from assistant.models import Answer, Citation, Removal

FOLDER = "conversations"
TITLE_CHARS = 80
_ID = re.compile(r"^[0-9a-f]{8,32}$")
_LOCK = threading.Lock()  # Streamlit sessions are threads of one process
_CITATION_FIELDS = {f.name for f in fields(Citation)}


class ConversationError(ValueError):
    """A conversation that cannot be read or written, named with its file and the problem."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid4().hex[:16]


def valid_id(value: str | None) -> bool:
    return bool(value) and bool(_ID.match(value))


@dataclass
class Summary:
    """A saved conversation as the sidebar lists it."""

    id: str
    title: str
    updated: str
    turns: int


@dataclass
class StoredConversation:
    id: str
    title: str = ""
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    turns: list[dict] = field(default_factory=list)  # ChatTurn as JSON: see turn_to_json


# -- answers and turns as JSON --------------------------------------------------------------------
def answer_to_json(a: Answer) -> dict:
    return {
        "question": a.question, "answer": a.answer, "abstained": a.abstained,
        "citations": [asdict(c) for c in a.citations], "standalone_question": a.standalone_question,
        "kind": a.kind, "filters": a.filters, "backend": a.backend,
        "removed": [r.as_json() for r in a.removed], "attributed": [r.as_json() for r in a.attributed],
    }


def answer_from_json(d: dict) -> Answer:
    return Answer(
        question=str(d.get("question", "")), answer=str(d.get("answer", "")), abstained=bool(d.get("abstained")),
        citations=[Citation(**{k: v for k, v in c.items() if k in _CITATION_FIELDS}) for c in d.get("citations", [])],
        standalone_question=str(d.get("standalone_question", "")), kind=str(d.get("kind", "extractive")),
        filters=dict(d.get("filters", {})), backend=str(d.get("backend", "extractive")),
        removed=[Removal(r["text"], r["reason"]) for r in d.get("removed", [])],
        attributed=[Removal(r["text"], r["reason"]) for r in d.get("attributed", [])],
    )


def turn_to_json(turn) -> dict:
    out = {
        "id": turn.id, "question": turn.question, "mode": turn.mode, "extra_chips": list(turn.extra_chips),
        "answers": [[key, answer_to_json(a)] for key, a in turn.answers.items()],  # a list keeps column order
    }
    if getattr(turn, "plan", None) is not None:  # an action plan, as the user last left it
        out["plan"] = turn.plan.to_record()
    return out


def turn_from_json(d: dict):
    from ui.chat import ChatTurn

    from assistant.actions.improvement_plan import ActionPlan

    answers = {str(key): answer_from_json(a) for key, a in d.get("answers", [])}
    plan = ActionPlan.from_record(d["plan"]) if d.get("plan") else None
    return ChatTurn(str(d["question"]), str(d.get("mode", "ask")), answers, list(d.get("extra_chips", [])),
                    id=str(d.get("id") or new_id()), plan=plan)


def default_title(turns: list) -> str:
    first = turns[0].question if turns else "New conversation"
    first = " ".join(first.split())
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"


# -- the folder -----------------------------------------------------------------------------------
class ConversationStore:
    def __init__(self, store_dir: Path | str):
        self.folder = Path(store_dir) / FOLDER

    def path(self, conversation_id: str) -> Path:
        if not valid_id(conversation_id):
            raise ConversationError(f"not a conversation id: {conversation_id!r}")
        return self.folder / f"{conversation_id}.json"

    def load(self, conversation_id: str) -> StoredConversation | None:
        """The conversation, or None when there is none under that id (deleted, or never saved)."""
        if not valid_id(conversation_id):
            return None
        path = self.path(conversation_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ConversationError(f"{path}: cannot be read ({exc})") from exc
        return StoredConversation(id=conversation_id, title=str(data.get("title", "")),
                                  created=str(data.get("created", "")), updated=str(data.get("updated", "")),
                                  turns=list(data.get("turns", [])))

    def turns(self, conversation_id: str) -> list:
        stored = self.load(conversation_id)
        return [turn_from_json(t) for t in stored.turns] if stored else []

    def save(self, conversation_id: str, turns: list, title: str | None = None) -> StoredConversation:
        """Write the conversation's turns, keeping its title (or the one given) and creation time."""
        old = self.load(conversation_id)
        stored = StoredConversation(
            id=conversation_id,
            title=title if title is not None else (old.title if old and old.title else default_title(turns)),
            created=old.created if old else now(),
            turns=[turn_to_json(t) for t in turns],
        )
        self._write(stored)
        return stored

    def rename(self, conversation_id: str, title: str) -> None:
        stored = self.load(conversation_id)
        if stored is None:
            raise ConversationError(f"no conversation {conversation_id!r} to rename")
        stored.title = " ".join(title.split())[:TITLE_CHARS * 2] or stored.title
        stored.updated = now()
        self._write(stored)

    def delete(self, conversation_id: str) -> None:
        self.path(conversation_id).unlink(missing_ok=True)

    def list(self) -> list[Summary]:
        """Every saved conversation, the most recently changed first; unreadable files are skipped."""
        out = []
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if valid_id(path.stem) and data.get("turns"):
                out.append(Summary(path.stem, str(data.get("title") or "Untitled"), str(data.get("updated", "")),
                                   len(data["turns"])))
        return sorted(out, key=lambda s: s.updated, reverse=True)

    def _write(self, stored: StoredConversation) -> None:
        path = self.path(stored.id)
        data = {"title": stored.title, "created": stored.created, "updated": stored.updated, "turns": stored.turns}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _LOCK:
                fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(data, f, ensure_ascii=False)
                os.replace(tmp, path)
        except OSError as exc:
            raise ConversationError(f"{path}: cannot be saved ({exc.strerror or exc})") from exc
