"""Which files a run reads: the paths named, and every supported file inside named folders.

Named paths that cannot be read are failures (the user asked for them); inside a folder, files
of another type are passed over and said so. Special files are never opened: a FIFO would block
the run (and the store's write lock) forever, a device could be endless, and a symbolic link
that loops has no file behind it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import beside_store
from ingest.errors import IngestError

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = PDF_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES


@dataclass
class Discovered:
    files: list[Path] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _absolute(path: Path) -> Path | IngestError:
    try:
        return path.expanduser().resolve()
    except RuntimeError:  # Python's "Symlink loop from ..."
        return IngestError(str(path), "a symbolic link that loops back on itself: there is no file to read")
    except OSError as exc:
        return IngestError(str(path), f"cannot be read ({exc.strerror or exc})")


def _library_own(path: Path, library: Path | None) -> bool:
    """A file of the library being written (`library`: its store folder): the folder's own files
    (vectors, keyword index, uploads), and beside it its embedded database (`<store>.sqlite3`,
    SQLite's side files, the writer's lock file). They often sit in the folder of reports read
    (`python -m ingest data/` with the store at data/store) and are not reports."""
    if library is None:
        return False
    if path.is_relative_to(library):
        return True
    return beside_store(path, library)


def discover(paths: Iterable[str | Path], max_bytes: int, library: Path | None = None) -> Discovered:
    found = Discovered()
    taken: set[Path] = set()  # a file named twice, or also inside a folder named, is read once

    def take(path: Path, named: bool) -> None:
        if path in taken:
            return
        taken.add(path)
        problem = None
        try:
            info = os.stat(path)
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or exc})"
        else:
            if not stat.S_ISREG(info.st_mode):
                problem = f"{_special(info.st_mode)}, not a report file: not opened"
            elif path.suffix.lower() not in SUPPORTED:
                why = f"unsupported file type '{path.suffix.lower() or '(none)'}' (PDF, HTML, text and Markdown are read)"
                (found.failed.append(IngestError(str(path), why)) if named else found.skipped.append((str(path), why)))
                return
            elif info.st_size > max_bytes:
                problem = f"file is {info.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (CQC_MAX_FILE_MB)"
        if problem is None:
            found.files.append(path)
        elif named or "not opened" not in problem:
            found.failed.append(IngestError(str(path), problem))
        else:
            found.skipped.append((str(path), problem))

    for given in paths:
        path = _absolute(Path(given))
        if isinstance(path, IngestError):
            found.failed.append(path)
        elif not path.exists():
            found.failed.append(IngestError(str(path), "no such file or folder"))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_symlink() and isinstance(_absolute(child), IngestError):
                    found.skipped.append((str(child), "a symbolic link that loops back on itself: not read"))
                elif not child.is_dir() and not _library_own(child, library):
                    take(child, named=False)
        else:
            take(path, named=True)
    return found
