"""Files a user removed from the library, so that no rebuild reads them back.

Removing a report notes each file it was read from (its path and content digest) in
`<store>/removed.json`. A rebuild leaves out a noted file whose content is unchanged, even from a
folder named on its command line, and says so. Ingesting the file again outside a rebuild takes
it off the list: the user brought it back on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from cqc.records import ReportEntry

REMOVED = "removed.json"


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _read_removed(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads((folder / REMOVED).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_removed(folder: Path, data: dict[str, dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{REMOVED}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / REMOVED)


def note_removal(folder: Path, entry: ReportEntry, files: list[Path]) -> None:
    data = _read_removed(folder)
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    for path in files:
        data[str(path.resolve())] = {"sha256": _digest(path), "authority": entry.authority,
                                     "published": entry.published, "removed": when}
    _write_removed(folder, data)


def forget_removal(folder: Path, paths: Iterable[Path]) -> None:
    data = _read_removed(folder)
    keys = {str(Path(p).resolve()) for p in paths}
    if keys & set(data):
        _write_removed(folder, {k: v for k, v in data.items() if k not in keys})


def removed_files(folder: Path, paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Of these files, those a user removed from the library (unchanged since), with when and what."""
    data = _read_removed(folder)
    out = []
    for path in paths:
        note = data.get(str(Path(path).resolve()))
        if note and (not note.get("sha256") or note["sha256"] == _digest(Path(path))):
            out.append((Path(path), f"removed from the library on {note.get('removed', '?')} "
                                    f"({note.get('authority') or 'a report'}); ingest it by name to add it again"))
    return out
