"""Each person's conversations, kept in the database (`database.conversations`) after every answer,
so a reload or a restart of the app loses nothing and an earlier conversation can be reopened.

A conversation holds the turns as the app shows them: each question, its answer(s) with their
citations (the finding's text, authority, quality statement, where it sits), filters and who
wrote it. The findings retrieved but not cited are not kept: nothing shows them. Every read and
write names the person: another person's conversation is, to them, one that does not exist.
Ids are ours (hex); an id from the page's address is checked before it is looked up.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from uuid import uuid4

from assistant.models import Answer, Citation, Removal
from database import Database, DatabaseError, Person
from database.conversations import ConversationError as _Refused
from database.conversations import StoredConversation, Summary

__all__ = ["ConversationError", "ConversationStore", "StoredConversation", "Summary", "new_id", "valid_id"]

TITLE_CHARS = 80
_ID = re.compile(r"^[0-9a-f]{8,32}$")
_CITATION_FIELDS = {f.name for f in fields(Citation)}


class ConversationError(ValueError):
    """A conversation that cannot be read or written, named with the problem."""


def new_id() -> str:
    return uuid4().hex[:16]


def valid_id(value: str | None) -> bool:
    return bool(value) and bool(_ID.match(value))


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


# -- the person's conversations ---------------------------------------------------------------------
class ConversationStore:
    def __init__(self, database: Database, person: Person):
        self.database = database
        self.person = person

    def load(self, conversation_id: str) -> StoredConversation | None:
        """The conversation, or None when this person has none under that id."""
        if not valid_id(conversation_id):
            return None
        try:
            return self.database.conversations.load(self.person.id, conversation_id)
        except DatabaseError as exc:
            raise ConversationError(f"conversation {conversation_id} cannot be read: {exc}") from exc

    def turns(self, conversation_id: str) -> list:
        stored = self.load(conversation_id)
        try:
            return [turn_from_json(t) for t in stored.turns] if stored else []
        except (KeyError, TypeError, ValueError) as exc:
            raise ConversationError(f"conversation {conversation_id} cannot be read ({exc})") from exc

    def save(self, conversation_id: str, turns: list) -> StoredConversation:
        """Write the conversation's turns, keeping its title and creation time."""
        if not valid_id(conversation_id):
            raise ConversationError(f"not a conversation id: {conversation_id!r}")
        try:
            return self.database.conversations.save(self.person.id, conversation_id,
                                                    [turn_to_json(t) for t in turns], default_title(turns))
        except (DatabaseError, _Refused) as exc:
            raise ConversationError(f"the conversation cannot be saved: {exc}") from exc

    def rename(self, conversation_id: str, title: str) -> None:
        title = " ".join(title.split())[:TITLE_CHARS * 2]
        try:
            renamed = bool(title) and self.database.conversations.rename(self.person.id, conversation_id, title)
        except DatabaseError as exc:
            raise ConversationError(f"the conversation cannot be renamed: {exc}") from exc
        if title and not renamed:
            raise ConversationError(f"no conversation {conversation_id!r} to rename")

    def delete(self, conversation_id: str) -> None:
        try:
            self.database.conversations.delete(self.person.id, conversation_id)
        except DatabaseError as exc:
            raise ConversationError(f"the conversation cannot be deleted: {exc}") from exc

    def list(self, limit: int | None = None) -> list[Summary]:
        """This person's saved conversations, the most recently changed first."""
        return self.database.conversations.list(self.person.id, limit)

    def count(self) -> int:
        return self.database.conversations.count(self.person.id)
