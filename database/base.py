"""What every repository of this package is handed: a clock and transactions.

A repository (conversations, feedback, audit, uploads) holds the SQL of its own table and is
given the database as `Transactions`, so none of them needs to know how the engine was made.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy import Connection


def now() -> str:
    """The time rows are stamped with: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Transactions(Protocol):
    def reading(self) -> AbstractContextManager[Connection]: ...

    def writing(self) -> AbstractContextManager[Connection]: ...
