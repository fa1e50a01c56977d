"""The ledger: a library's catalog as a Chroma server holds it, and its writers' leases.

Beside the vectors' collection `<name>` a library shared through a server has a collection
`<name>-catalog` whose records are data, not vectors (each carries a one-number placeholder
vector, never searched):

- `head`: the library's generation, schema version, replicated meta and manifest
  ({report id: digest of its rows}); writing `head` is the moment a change becomes visible;
- `report:<id>`: every catalog row that belongs to one report, in any table with a `report_id`
  column, as JSON (so a table or column the catalog gains later travels without code here);
- `tables`: the rows of catalog tables that belong to no report;
- `lease:<n>`: one writer at a time across machines. Chroma's `add` never replaces a record, so
  the first writer to add lease n holds it; a lease ends when released or when its holder stops
  renewing it for `CQC_LEASE_SECONDS` (killed), and the next writer adds lease n + 1.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import chromadb

from vectorstore.errors import LibraryBusy

HEAD = "head"
TABLES = "tables"
PLACEHOLDER = [0.0]  # the ledger's records are data; Chroma wants a vector with each


def ledger_name(collection_name: str) -> str:
    return f"{collection_name}-catalog"


def report_key(report_id: str) -> str:
    return f"report:{report_id}"


def lease_key(n: int) -> str:
    return f"lease:{n:010d}"


def open_ledger(client: chromadb.ClientAPI, collection_name: str):
    return client.get_or_create_collection(ledger_name(collection_name), embedding_function=None)


@dataclass(frozen=True)
class Head:
    generation: int
    schema_version: int
    meta: dict[str, str]
    manifest: dict[str, str]  # report id -> digest of its rows; "" key: the tables of no report

    def as_json(self) -> str:
        return json.dumps({"generation": self.generation, "schema_version": self.schema_version,
                           "meta": self.meta, "manifest": self.manifest})


def read_head(ledger) -> Head | None:
    got = ledger.get(ids=[HEAD], include=["documents"])
    if not got["ids"]:
        return None
    data = json.loads(got["documents"][0])
    return Head(int(data["generation"]), int(data["schema_version"]), dict(data["meta"]), dict(data["manifest"]))


def write_head(ledger, head: Head) -> None:
    ledger.upsert(ids=[HEAD], embeddings=[PLACEHOLDER], documents=[head.as_json()],
                  metadatas=[{"kind": "head", "generation": head.generation}])


def reset_ledger(client: chromadb.ClientAPI, collection_name: str, schema_version: int) -> None:
    """A rebuild: the shared catalog emptied in one visible step (the head), leases kept."""
    ledger = open_ledger(client, collection_name)
    head = read_head(ledger)
    got = ledger.get(include=["metadatas"])
    stale = [i for i, m in zip(got["ids"], got["metadatas"]) if (m or {}).get("kind") != "lease" and i != HEAD]
    write_head(ledger, Head((head.generation if head else 0) + 1, schema_version, {}, {}))
    for start in range(0, len(stale), 500):
        ledger.delete(ids=stale[start: start + 500])


# -- leases --------------------------------------------------------------------------------------
class Lease:
    """One writer at a time on a shared library, across machines."""

    def __init__(self, ledger, seconds: float, describe: Callable[[], str] = lambda: ""):
        self.ledger = ledger
        self.seconds = seconds
        self.owner = uuid.uuid4().hex
        self.number: int | None = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self._describe = describe

    def _latest(self) -> tuple[int, dict] | None:
        got = self.ledger.get(where={"kind": "lease"}, include=["metadatas"])
        leases = [(int(m["n"]), m) for m in got["metadatas"] if m]
        return max(leases, key=lambda item: item[0]) if leases else None

    def acquire(self, poll: float = 0.5) -> None:
        """Wait until the library has no live writer, then hold the next lease."""
        while True:
            latest = self._latest()
            if latest is not None and not latest[1].get("released") and latest[1]["until"] > time.time():
                time.sleep(poll)  # another writer is at work: wait, as the file lock waits
                continue
            number = latest[0] + 1 if latest else 1
            self.ledger.add(ids=[lease_key(number)], embeddings=[PLACEHOLDER], documents=[""],
                            metadatas=[self._record(number)])
            got = self.ledger.get(ids=[lease_key(number)], include=["metadatas"])
            if got["ids"] and got["metadatas"][0].get("owner") == self.owner:
                self.number = number
                self._stop.clear()
                self._renewer = threading.Thread(target=self._renew, name="ledger-lease", daemon=True)
                self._renewer.start()
                return
            # Another writer added that lease first: look again.

    def _record(self, number: int, released: bool = False) -> dict:
        return {"kind": "lease", "n": number, "owner": self.owner, "host": socket.gethostname(), "pid": os.getpid(),
                "until": time.time() + self.seconds, "released": released, "what": self._describe()[:200]}

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                self.ledger.upsert(ids=[lease_key(self.number)], embeddings=[PLACEHOLDER], documents=[""],
                                   metadatas=[self._record(self.number)])
            except Exception:  # noqa: BLE001  (a server blip: the next renewal tries again; the fence catches a loss)
                continue

    def check(self) -> None:
        """Before publishing: no other writer took over (this one was paused past its lease)."""
        got = self.ledger.get(ids=[lease_key(self.number + 1)])
        if got["ids"]:
            raise LibraryBusy(
                "This run's lease on the shared library lapsed (it was paused or cut off from the Chroma server "
                f"for over {self.seconds:g} s) and another writer has taken over; nothing of this run was published. "
                "Run it again."
            )

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if self.number is None:
            return
        number, self.number = self.number, None
        self.ledger.upsert(ids=[lease_key(number)], embeddings=[PLACEHOLDER], documents=[""],
                           metadatas=[self._record(number, released=True)])
        old = [lease_key(n) for n in range(max(1, number - 50), number - 4)]
        if old:
            self.ledger.delete(ids=old)
