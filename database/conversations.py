"""Each person's conversations: one row each, owned by the person who had it.

Every query names the owner, so a person never reads, renames or deletes another's conversation,
whatever id they put in the page's address. Ids are the app's (hex); one that is another person's
looks exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, select, update

from database.base import Transactions, now
from database.schema import conversations as table


class ConversationError(ValueError):
    """A conversation that cannot be kept (an id already used by someone else)."""


@dataclass(frozen=True)
class Summary:
    """A saved conversation as the sidebar lists it."""

    id: str
    title: str
    updated: str
    turns: int


@dataclass(frozen=True)
class StoredConversation:
    id: str
    owner: str
    title: str = ""
    created: str = ""
    updated: str = ""
    turns: list[dict] = field(default_factory=list)  # the app's turns as JSON


def _mine(owner: str, conversation_id: str):
    return and_(table.c.id == conversation_id, table.c.owner == owner)


class Conversations:
    def __init__(self, db: Transactions):
        self.db = db

    def load(self, owner: str, conversation_id: str) -> StoredConversation | None:
        """The owner's conversation, or None (never saved, deleted, or someone else's)."""
        with self.db.reading() as conn:
            row = conn.execute(select(table).where(_mine(owner, conversation_id))).mappings().first()
        if row is None:
            return None
        return StoredConversation(id=row["id"], owner=row["owner"], title=row["title"], created=row["created"],
                                  updated=row["updated"], turns=list(row["turns"] or []))

    def save(self, owner: str, conversation_id: str, turns: list[dict], title: str) -> StoredConversation:
        """Write the turns; a new conversation takes `title`, a kept one keeps its own."""
        stamp = now()
        with self.db.writing() as conn:
            kept = conn.execute(select(table.c.owner, table.c.title, table.c.created)
                                .where(table.c.id == conversation_id)).first()
            if kept is not None and kept.owner != owner:
                raise ConversationError(f"conversation {conversation_id} is not yours to save")
            if kept is not None:
                title = kept.title or title
                conn.execute(update(table).where(_mine(owner, conversation_id))
                             .values(title=title, updated=stamp, turns=turns, turn_count=len(turns)))
                created = kept.created
            else:
                conn.execute(table.insert().values(id=conversation_id, owner=owner, title=title, created=stamp,
                                                   updated=stamp, turns=turns, turn_count=len(turns)))
                created = stamp
        return StoredConversation(conversation_id, owner, title, created, stamp, turns)

    def rename(self, owner: str, conversation_id: str, title: str) -> bool:
        with self.db.writing() as conn:
            done = conn.execute(update(table).where(_mine(owner, conversation_id)).values(title=title, updated=now()))
        return done.rowcount == 1

    def delete(self, owner: str, conversation_id: str) -> bool:
        with self.db.writing() as conn:
            done = conn.execute(delete(table).where(_mine(owner, conversation_id)))
        return done.rowcount == 1

    def list(self, owner: str, limit: int | None = None) -> list[Summary]:
        """The owner's conversations that have turns, the most recently changed first."""
        query = (select(table.c.id, table.c.title, table.c.updated, table.c.turn_count)
                 .where(table.c.owner == owner, table.c.turn_count > 0)
                 .order_by(table.c.updated.desc(), table.c.id))
        with self.db.reading() as conn:
            rows = conn.execute(query.limit(limit) if limit else query).all()
        return [Summary(r.id, r.title or "Untitled", r.updated, r.turn_count) for r in rows]

    def count(self, owner: str) -> int:
        with self.db.reading() as conn:
            return conn.execute(select(func.count()).select_from(table)
                                .where(table.c.owner == owner, table.c.turn_count > 0)).scalar_one()

    def add_if_absent(self, owner: str, conversation: StoredConversation) -> bool:
        """An imported conversation, kept under its own id unless that id is already held."""
        with self.db.writing() as conn:
            if conn.execute(select(table.c.id).where(table.c.id == conversation.id)).first():
                return False
            conn.execute(table.insert().values(id=conversation.id, owner=owner, title=conversation.title,
                                               created=conversation.created or now(),
                                               updated=conversation.updated or conversation.created or now(),
                                               turns=conversation.turns, turn_count=len(conversation.turns)))
        return True
