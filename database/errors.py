"""A database that cannot be used, said in words a person can act on (never a driver traceback)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc


class DatabaseError(RuntimeError):
    """The shared database cannot be reached or used; the message names it and what to do."""


@contextmanager
def database_errors(where: str) -> Iterator[None]:
    """Driver errors as DatabaseError naming `where` (the URL without its password)."""
    try:
        yield
    except sa_exc.IntegrityError:
        raise  # a conflict the caller expects and handles (a name or id someone else took first)
    except sa_exc.OperationalError as exc:
        raise DatabaseError(f"the database {where} cannot be used ({_first_line(exc.orig or exc)}); check that it "
                            "is running and that CQC_DATABASE_URL is right") from exc
    except sa_exc.DatabaseError as exc:
        raise DatabaseError(f"the database {where} refused a change ({_first_line(exc.orig or exc)})") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
