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
