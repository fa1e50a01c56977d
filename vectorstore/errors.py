"""What can go wrong with the library, as errors whose messages say what happened and what to do.

Every failure of the store's own machinery (SQLite, Chroma, the disk, a Chroma server) reaches
callers as a `StoreError`: the app and both command lines show its message and never a traceback.
`store_errors` does the translation at the store's edges.
"""

from __future__ import annotations

import errno
import functools
import json
import inspect
import os
import shutil
import sqlite3
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exc as sa_exc

from config.settings import database_file
from database.errors import DatabaseError


class StoreError(RuntimeError):
    """The library cannot be used as it is; the message says why and what to do."""


class StoreUnavailable(StoreError, ConnectionError):
    """The Chroma server cannot be reached."""


class StoreVersionError(StoreError):
    """The store was built by another schema or embedding model than this program uses."""


class DiskFull(StoreError):
    """The disk holding the library has no room: nothing can be written, and SQLite cannot open."""


class CatalogDamaged(StoreError):
    """The SQLite catalog is not a readable database any more."""


class VectorIndexDamaged(StoreError):
    """Chroma failed in a way that is neither a full disk nor another process's write: its files
    are damaged. `--repair` moves them aside and embeds every finding again from the catalog."""


class VectorsMissing(StoreError):
    """The catalog names findings the vector index does not hold (its folder deleted or damaged)."""


class EmbeddingSetupError(StoreError):
    """The embedding model or backend configured cannot be used (or would spoil this library)."""


class UnknownBackend(EmbeddingSetupError, ValueError):
    """CQC_EMBEDDING_BACKEND names no backend this program has."""


class LibraryBusy(StoreError):
    """Another process changed the library while this one was reading it, more than once in a row."""


def rebuild_command(folder: Path | str) -> str:
    return f"python -m ingest --rebuild --store {folder}"


def repair_command(folder: Path | str) -> str:
    return f"python -m ingest --repair --store {folder}"


# -- translation ---------------------------------------------------------------------------------
_DISK_FULL_WORDS = ("disk is full", "database or disk is full", "no space left", "(code: 13)")
_DAMAGED_WORDS = ("malformed", "not a database", "file is encrypted", "disk image",
                  "could not decode to utf-8")  # a damaged page's text read back from a row


def free_bytes(folder: Path) -> int | None:
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def disk_full(folder: Path, exc: BaseException) -> DiskFull:
    free = free_bytes(folder)
    room = f"{free / 1e6:.1f} MB free" if free is not None else "free space unknown"
    return DiskFull(
        f"The disk holding the library at {folder} is full ({room}; {_brief(exc)}). Nothing was changed "
        "by this step and no report was lost; questions are still answered from what the library holds. "
        "Free some space on that disk, then try again."
    )


def catalog_damaged(folder: Path, exc: BaseException) -> CatalogDamaged:
    return CatalogDamaged(
        f"The library's catalog (in the database {database_file(folder)}) is damaged and cannot be read "
        f"({_brief(exc)}). Rebuild it from the report files: {rebuild_command(folder)} [PATH...] (the damaged "
        "file is kept beside it, and uploaded reports in the store's uploads folder are read again)."
    )


def _brief(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


# Chroma's embedded index reports a full disk in its own words ("Error in compaction: Failed to
# apply logs to the metadata segment"): with this little room left, a failure of Chroma is the disk.
LOW_ROOM_FOR_CHROMA = 64_000_000


def _is_disk_full(folder: Path, exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    text = str(exc).lower()
    if any(w in text for w in _DISK_FULL_WORDS):
        return True
    # SQLite says "disk I/O error" when it cannot grow its shared-memory file on a full disk.
    if "disk i/o error" in text or isinstance(exc, OSError):
        free = free_bytes(folder)
        return free is not None and free < 1_000_000
    if _is_chroma_error(exc):
        free = free_bytes(folder)
        return free is not None and free < LOW_ROOM_FOR_CHROMA
    return False


def _raised_in_chroma_handling_chroma(exc: BaseException) -> BaseException | None:
    """Chroma's own clean-up can fail while it handles the error that matters: a client that could
    not open on a full disk ("Could not connect to tenant default_tenant") then fails to release
    itself (AttributeError: 'RustBindingsAPI' object has no attribute 'bindings'). That first
    error is what happened; None when `exc` is not such a clean-up failure."""
    context = exc.__context__
    if context is None or type(exc).__module__.startswith("chromadb"):
        return None  # a Chroma error type says what happened itself
    return context if _is_chroma_error(exc) and _is_chroma_error(context) else None


def translate(folder: Path, exc: BaseException) -> StoreError | None:
    """The StoreError a low-level failure means, or None when it is not one of the store's."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, DatabaseError):  # the database layer's words; what the driver said decides
        mapped = translate(folder, exc.__cause__) if exc.__cause__ is not None else None
        return mapped if mapped is not None else StoreError(f"The library's catalog cannot be used: {exc}")
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        return translate(folder, exc.orig)
    if (first := _raised_in_chroma_handling_chroma(exc)) is not None:
        return translate(folder, first)
    if isinstance(exc, (sqlite3.Error, OSError)) or _is_chroma_error(exc):
        if _is_disk_full(folder, exc):
            return disk_full(folder, exc)
    if isinstance(exc, sqlite3.DatabaseError) and any(w in str(exc).lower() for w in _DAMAGED_WORDS):
        return catalog_damaged(folder, exc)
    if isinstance(exc, json.JSONDecodeError):  # a catalog row whose stored JSON a damaged page garbled
        return catalog_damaged(folder, exc)
    if _is_chroma_error(exc):
        if is_stale_index_error(exc):
            return LibraryBusy(
                f"The library was changed by another process while this one was reading it ({_brief(exc)}). "
                "Ask again in a moment."
            )
        return VectorIndexDamaged(
            f"The library's vector index failed ({_brief(exc)}). Try again; if it keeps failing, repair it: "
            f"{repair_command(folder)} (a damaged index is moved aside and every finding embedded again from "
            "the catalog; no report file is needed)"
        )
    if isinstance(exc, sqlite3.OperationalError):
        return StoreError(
            f"The library's catalog at {folder} cannot be used right now ({_brief(exc)}). "
            "If the disk is full or the folder read-only, fix that and try again."
        )
    return None


@contextmanager
def store_errors(folder: Path) -> Iterator[None]:
    """Turn the failures of SQLite, the disk and Chroma into StoreErrors that say what to do."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        mapped = translate(folder, exc)
        if mapped is None:
            raise
        raise mapped from exc


def _is_chroma_error(exc: BaseException) -> bool:
    """One of Chroma's exception types, or a plain one Chroma's own code raised (its embedded
    client raises ValueError("Could not connect to tenant default_tenant") when it cannot open)."""
    if type(exc).__module__.startswith("chromadb"):
        return True
    if exc.__traceback__ is None:
        return False
    return f"{os.sep}chromadb{os.sep}" in traceback.extract_tb(exc.__traceback__)[-1].filename


def is_stale_index_error(exc: BaseException) -> bool:
    """Chroma's embedded index did not know an id its metadata named: another process wrote."""
    text = str(exc).lower()
    return _is_chroma_error(exc) and ("error finding id" in text or "does not exist" in text
                                      or "not found" in text)


class GuardedCatalog:
    """The catalog, with every call's SQLite and disk failures turned into StoreErrors that say
    what to do (a damaged file, a full disk). Attributes pass through unchanged."""

    def __init__(self, catalog, folder: Path):
        self._catalog = catalog
        self._folder = folder

    def __getattr__(self, name: str):
        value = getattr(self._catalog, name)
        if name.startswith("_") or not inspect.ismethod(value):
            return value  # private parts (its lock, its connection) as they are

        @functools.wraps(value)
        def guarded(*args, **kwargs):
            with store_errors(self._folder):
                return value(*args, **kwargs)

        return guarded
