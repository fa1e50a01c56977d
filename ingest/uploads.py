"""Saving uploaded files: the name comes from the user's browser, so it is never trusted.

"../../etc/cron.d/x", "/etc/passwd", "C:\\Windows\\x.pdf", "..", a name with a NUL byte or a
symlink planted in the folder must not write outside the library's uploads folder.

And an upload never replaces a file: the uploads folder holds the only copy of an uploaded
report, so a second upload whose name cleans to the same name is saved beside the first
("report (2).pdf"); the same content uploaded again is recognised as the file already there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

_UNSAFE = re.compile(r"[^\w.\- ()]+")  # letters, digits, _ . - space and brackets stay
_MAX_NAME = 150  # well under every filesystem's 255-byte limit, even in UTF-8


def safe_upload_name(filename: str) -> str:
    """The file's own name, reduced to harmless characters; never a path, never hidden."""
    name = unicodedata.normalize("NFKC", filename or "").replace("\x00", "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # the last part of any path, Windows or POSIX
    name = _UNSAFE.sub("_", name).strip(" .")  # no leading dots: "..", ".env" and "...pdf" go
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[: _MAX_NAME - len(suffix) - 1] if suffix else stem[:_MAX_NAME]
    name = f"{stem}.{suffix}" if suffix and stem else stem or (f"upload.{suffix}" if suffix else "")
    return name or "upload"


def safe_upload_path(folder: str | Path, filename: str) -> Path:
    """Where an upload called `filename` may be written: always directly inside `folder`.

    Raises IngestError (naming the upload) if the place is unsafe, e.g. a symlink someone left
    in the folder that points elsewhere.
    """
    root = Path(folder).resolve()
    target = root / safe_upload_name(filename)
    if target.is_symlink() or target.parent.resolve() != root or not target.resolve().is_relative_to(root):
        raise IngestError(filename, f"cannot be saved: {target} would lead outside {root}")
    return target


@dataclass(frozen=True)
class SavedUpload:
    name: str  # as uploaded
    path: Path  # where its content is
    existing: bool  # the same content was already there under that name: nothing was written


def upload_names(filename: str):
    """The names an upload may be kept under, in order: its cleaned name, then "name (2).pdf",
    "name (3).pdf", ... (an upload never replaces another file)."""
    first = Path(safe_upload_name(filename))
    yield first.name
    for n in range(2, 10_000):
        yield f"{first.stem} ({n}){first.suffix}"


def _candidates(target: Path):
    """report.pdf, report (2).pdf, report (3).pdf, ..."""
    for name in upload_names(target.name):
        yield target.with_name(name)


def _holds(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        return os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data


def write_new(target: Path, filename: str, data: bytes) -> bool | None:
    """Create `target` holding `data`, exclusively and without following a link: True when written,
    False when it already held exactly `data`, None when it holds something else. Raises
    IngestError, naming `filename`, when it cannot be written (a full disk leaves no half file)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return False if _holds(target, data) else None
    except OSError as exc:
        raise IngestError(filename, f"cannot be saved ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise IngestError(filename, f"cannot be saved ({exc.strerror or exc})") from exc
    return True


def store_upload(folder: str | Path, filename: str, data: bytes) -> SavedUpload:
    """Write an upload inside `folder` (created if needed) under its cleaned name, or the first
    free "name (n)" beside it: never over another file. Each name is created exclusively and
    without following symlinks, so neither a concurrent upload nor a planted link can be written
    through. Raises IngestError, naming the upload, when it cannot be saved."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IngestError(filename, f"cannot be saved ({exc.strerror or exc})") from exc
    first = safe_upload_path(folder, filename)
    for target in _candidates(first):
        if target.is_symlink():
            raise IngestError(filename, f"cannot be saved: {target} is a link, which could lead outside {target.parent}")
        written = write_new(target, filename, data)
        if written is not None:
            return SavedUpload(filename, target, existing=not written)
    raise IngestError(filename, f"cannot be saved: too many files called {first.name} in {first.parent}")


def save_upload(folder: str | Path, filename: str, data: bytes) -> Path:
    """Where an upload was saved (see `store_upload`): a new file, or the identical one already there."""
    return store_upload(folder, filename, data).path
