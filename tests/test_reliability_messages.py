"""Messages, not tracebacks (issue 16, item 8): a damaged catalog, an unknown embedding backend and
a full disk each give a message that says what happened and what to do, in both command lines and
in the app, and lose no report. Before, each was a raw traceback (and every `ask` failed while the
disk was full)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import Settings, get_settings

from streamlit.testing.v1 import AppTest

from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from tests.fakes import Upload
from vectorstore.store import LibraryStore, StoreError

QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **(env or {})))


def says(done: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2 with a message holding `words`, and no traceback."""
    assert done.returncode == 2, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr[-3000:]
    for word in words:
        assert word in done.stderr, (word, done.stderr[-2000:])


@pytest.fixture()
def built(tmp_path):
    """A closed store with a report ingested from a file and one uploaded through the app."""
    from tests.fakes import upload_as_local as ingest_uploads

    folder = tmp_path / "store"
    report = tmp_path / "fenmarsh.md"
    shutil.copy(DEMO / "fenmarsh.md", report)
    store = LibraryStore(Settings(store_dir=folder))
    assert not ingest_paths([report], store).failed
    assert not ingest_uploads([Upload("larkbridge.html", (DEMO / "larkbridge.html").read_bytes())], store).failed
    store.close()
    return folder, report


def damage(catalog: Path) -> None:
    """Garbage over every page after the first two: the header and meta still read, the rest is
    'database disk image is malformed' (a fixture we write; a torn disk write looks like this)."""
    data = bytearray(catalog.read_bytes())
    for offset in range(2 * 4096, len(data), 4096):
        data[offset: offset + 4096] = bytes((i * 37 + 11) % 256 for i in range(4096))
    catalog.write_bytes(bytes(data))


def app_page(monkeypatch, folder: Path, **env: str) -> AppTest:
    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    monkeypatch.setenv("CQC_FEEDBACK_FILE", str(folder.parent / "feedback.jsonl"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception  # no traceback on the page
    return at


# -- a damaged catalog ---------------------------------------------------------------------------
def test_a_damaged_catalog_is_named_with_the_rebuild_command_by_both_command_lines(built):
    folder, report = built
    damage(folder / "catalog.sqlite3")
    says(cli("assistant", "ask", "--store", str(folder), QUESTION), "is damaged", f"--rebuild --store {folder}")
    says(cli("assistant", "reports", "--store", str(folder)), "is damaged")
    says(cli("ingest", "--store", str(folder), str(report)), "is damaged", "--rebuild")


def test_rebuild_recovers_a_damaged_catalog_keeping_the_file_and_reading_uploads_again(built):
    folder, report = built
    damage(folder / "catalog.sqlite3")
    done = cli("ingest", "--rebuild", "--store", str(folder), str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "damaged catalog" in done.stdout
    assert len(list(folder.glob("catalog.sqlite3.damaged-*[0-9]"))) == 1  # kept, not deleted
    listed = cli("assistant", "reports", "--store", str(folder), "--json")
    authorities = {json.loads(line)["authority"] for line in listed.stdout.splitlines()}
    assert authorities == {"Fenmarsh County Council", "Larkbridge Borough Council"}  # the upload too
    asked = cli("assistant", "ask", "--store", str(folder), QUESTION)
    assert asked.returncode == 0 and "1,274" in asked.stdout


@pytest.mark.usefixtures("fake_embedder")  # app mechanics: the model is incidental
def test_the_app_shows_a_damaged_catalog_as_a_message(monkeypatch, built):
    folder, _ = built
    damage(folder / "catalog.sqlite3")
    at = app_page(monkeypatch, folder)
    shown = " ".join(e.value for e in at.error)
    assert "is damaged" in shown and "--rebuild" in shown


# -- an unknown embedding backend ----------------------------------------------------------------
def test_an_unknown_embedding_backend_is_named_in_both_command_lines(built):
    folder, report = built
    env = {"CQC_EMBEDDING_BACKEND": "foo"}
    says(cli("assistant", "ask", "--store", str(folder), QUESTION, env=env),
         "CQC_EMBEDDING_BACKEND='foo'", "torch, onnx, onnx-int8")
    says(cli("ingest", "--store", str(folder), str(report), env=env), "CQC_EMBEDDING_BACKEND='foo'")
    assert cli("assistant", "reports", "--store", str(folder)).returncode == 0  # unset again: all is well


def test_the_app_names_an_unknown_embedding_backend(monkeypatch, built):
    folder, _ = built
    at = app_page(monkeypatch, folder, CQC_EMBEDDING_BACKEND="foo")
    shown = " ".join(e.value for e in at.error)
    assert "CQC_EMBEDDING_BACKEND='foo'" in shown and "onnx-int8" in shown


# -- a full disk ---------------------------------------------------------------------------------
FULL_DISK_DRIVER = r'''
import json, os, subprocess, sys
from pathlib import Path
mnt, root = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
store_dir = mnt / "store"
QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"

def cli(*args):
    done = subprocess.run([sys.executable, "-m", *args], cwd=root, capture_output=True, text=True)
    return {"rc": done.returncode, "out": done.stdout[-3000:], "err": done.stderr[-3000:]}

out = {"ingest_before": cli("ingest", "--store", str(store_dir), str(root / "demo_reports" / "fenmarsh.md"))}
from config import Settings
from vectorstore.store import LibraryStore, StoreError
from assistant.chain import Assistant
from library.ingesting import ingest_paths
library = LibraryStore(Settings(store_dir=store_dir))  # a long-lived process (the app), opened before
assistant = Assistant(library)
assistant.ask(QUESTION)
filler = open(mnt / "filler", "wb")
try:
    while True:
        filler.write(b"\0" * (1 << 20))
        filler.flush()
except OSError:
    pass
filler.close()
out["free"] = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
out["ask_cli"] = cli("assistant", "ask", "--store", str(store_dir), QUESTION)
out["ingest_cli"] = cli("ingest", "--store", str(store_dir), str(root / "demo_reports" / "larkbridge.html"))
out["ask_open"] = assistant.ask(QUESTION).answer
try:
    ingest_paths([root / "demo_reports" / "larkbridge.html"], library)
    out["ingest_open"] = "no error"
except StoreError as exc:
    out["ingest_open"] = f"{type(exc).__name__}: {exc}"
os.unlink(mnt / "filler")
out["reports_open"] = [r.authority for r in library.reports()]
out["ask_open_after"] = assistant.ask(QUESTION).answer
library.close()
out["ingest_after"] = cli("ingest", "--store", str(store_dir), str(root / "demo_reports" / "larkbridge.html"))
out["reports_after"] = cli("assistant", "reports", "--store", str(store_dir), "--json")
print("RESULT " + json.dumps(out))
'''


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs `unshare -rm` to mount a small tmpfs (user namespaces)")
def test_a_full_disk_is_a_message_the_open_app_keeps_answering_and_nothing_is_lost(tmp_path):
    """A 30 MB tmpfs in a private mount namespace, filled up after the library is written."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    driver = tmp_path / "driver.py"
    driver.write_text(FULL_DISK_DRIVER)
    script = f'mount -t tmpfs -o size=30m tmpfs "{mnt}" && exec "{sys.executable}" "{driver}" "{mnt}" "{ROOT}"'
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=900,
                          cwd=ROOT)
    assert "RESULT " in done.stdout, done.stderr[-3000:]
    out = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert out["ingest_before"]["rc"] == 0 and out["free"] < 1_000_000, out
    for step in ("ask_cli", "ingest_cli"):  # a fresh process: a message naming the full disk, exit 2
        result = out[step]
        assert result["rc"] == 2 and "Traceback" not in result["err"], (step, result)
        assert "is full" in result["err"] and "Free some space" in result["err"], (step, result)
    # The open library keeps answering; its writes fail with the same message, and lose nothing.
    assert "1,274" in out["ask_open"]
    assert out["ingest_open"].startswith("DiskFull: ") and "is full" in out["ingest_open"], out["ingest_open"]
    assert out["reports_open"] == ["Fenmarsh County Council"] and "1,274" in out["ask_open_after"]
    # Space freed: everything works again, nothing was lost.
    assert out["ingest_after"]["rc"] == 0, out["ingest_after"]
    authorities = {json.loads(line)["authority"] for line in out["reports_after"]["out"].splitlines()}
    assert authorities == {"Fenmarsh County Council", "Larkbridge Borough Council"}


# -- anything else ---------------------------------------------------------------------------------
@pytest.mark.usefixtures("fake_embedder")  # app mechanics: the model is incidental
def test_an_unexpected_failure_in_the_app_is_a_message_without_its_exception_text(monkeypatch, built):
    folder, _ = built

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail: /srv/secret/path line 42")

    monkeypatch.setattr(LibraryStore, "dense_search", broken)
    at = app_page(monkeypatch, folder)
    at.chat_input(key="question").set_value(QUESTION)
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Something went wrong" in shown and "still running" in shown
    page = " ".join(str(getattr(e, "value", "")) for e in at.main)
    assert "internal detail" not in page and "RuntimeError" not in page
