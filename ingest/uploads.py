"""Saving uploaded files: the name comes from the user's browser, so it is never trusted.

"../../etc/cron.d/x", "/etc/passwd", "C:\\Windows\\x.pdf", "..", a name with a NUL byte or a
symlink planted in the folder must not write outside the library's uploads folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
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


def save_upload(folder: str | Path, filename: str, data: bytes) -> Path:
    """Write an upload inside `folder` (created if needed) and return where it went. The file is
    opened without following symlinks, so a link swapped in after the check is refused too."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    target = safe_upload_path(folder, filename)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as exc:
        raise IngestError(filename, f"cannot be saved ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target
