"""Stand-ins the tests share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Upload:
    """What Streamlit's file uploader hands over: a name and bytes (`library.changes.Upload`)."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def upload_as_local(files, store, progress=None):
    """Upload through the app's own path (`library.changes`) as the local user, sign-in off: the
    store's own database (SQLite beside its folder)."""
    from database import LOCAL, Database
    from library.changes import LibraryChanges

    database = Database.for_settings(store.settings)
    try:
        return LibraryChanges(store, database, LOCAL).upload(files, progress)
    finally:
        database.close()


def remove_as_local(store, entry):
    """Remove a report through the app's own path (`library.changes`) as the local user."""
    from database import LOCAL, Database
    from library.changes import LibraryChanges

    database = Database.for_settings(store.settings)
    try:
        return LibraryChanges(store, database, LOCAL).remove(entry)
    finally:
        database.close()
