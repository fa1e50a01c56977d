"""A rebuild never empties what readers see (issue 27, item 5).

Before: `--rebuild` emptied the library first and read the files again (9 s on two demo reports,
minutes on a national library): readers saw no reports meanwhile, an app session asking then was
left on "The library has no reports yet" with its question lost, and a SIGKILL mid-rebuild left
"the library is empty" with no word on how to finish. Now the new library is built beside the
live one and switched to when whole (`vectorstore.rebuild`).

Each rebuild runs as `python -m ingest --rebuild` in a child process that pauses (or kills itself)
once the first report of the new library is written; the test reads the library meanwhile as a
long-lived reader (the app) and as fresh command lines would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import chromadb
import pytest

from assistant.chain import Assistant
from config import Settings, get_settings
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from vectorstore.store import LibraryStore

pytestmark = pytest.mark.usefixtures("fake_embedder")  # the child uses it too, through its environment
QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"
OLD, NEW = "1,274", "1,301"

CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from tests.fake_embedder import use_fake_in_child_process
    import vectorstore.store as store

    use_fake_in_child_process()
    how, signals = sys.argv[1], Path(sys.argv[2])
    upsert = store.LibraryStore.upsert_report

    def upsert_then_stop(self, *args, **kwargs):
        result = upsert(self, *args, **kwargs)
        if not (signals / "paused").exists():
            (signals / "paused").write_text(str(self.folder))
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)  # the new library half built
            while not (signals / "go").exists():
                time.sleep(0.05)
        return result

    store.LibraryStore.upsert_report = upsert_then_stop
    from ingest.__main__ import main
    sys.exit(main(sys.argv[3:]))
    """
)


# A command line in a fresh process, with the test's fake embedder (named by its environment).
AS_COMMAND = ("import runpy, sys; from tests.fake_embedder import use_fake_in_child_process; "
              "use_fake_in_child_process(); sys.argv = sys.argv[1:]; runpy.run_module(sys.argv[0], run_name='__main__')")


def cli(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", AS_COMMAND, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def start_rebuild(tmp_path: Path, how: str, store: Path) -> tuple[subprocess.Popen, Path]:
    signals = tmp_path / "signals"
    signals.mkdir(exist_ok=True)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen([sys.executable, str(script), how, str(signals), "--rebuild", "--store", str(store)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 300
    while not (signals / "paused").exists():
        assert proc.poll() is None or how == "kill", proc.communicate()
        assert time.time() < deadline, "the rebuild never wrote its first report"
        time.sleep(0.05)
    return proc, signals


@pytest.fixture()
def library(tmp_path):
    """Two reports ingested from files; then Fenmarsh's file is edited, so a rebuild changes a figure."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "fenmarsh.md").write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8"), encoding="utf-8")
    (reports / "larkbridge.html").write_bytes((DEMO / "larkbridge.html").read_bytes())
    store = LibraryStore(Settings(store_dir=tmp_path / "store"))
    assert ingest_paths([reports], store).ok
    assistant = Assistant(store)
    assert OLD in assistant.ask(QUESTION).answer  # the reader has answered: its indexes are loaded
    fen = reports / "fenmarsh.md"
    fen.write_text(fen.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    yield store, assistant
    store.close()


def held(store_dir: Path) -> list[str]:
    listed = cli("assistant", "reports", "--store", str(store_dir), "--json")
    assert listed.returncode == 0, listed.stderr[-2000:]
    return sorted(json.loads(line)["authority"] for line in listed.stdout.splitlines())


def collections(store_dir: Path) -> list[str]:
    client = chromadb.PersistentClient(path=str(store_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False))
    try:
        return sorted(c.name for c in client.list_collections())
    finally:
        client.close()


def test_readers_answer_from_the_live_library_until_the_rebuilt_one_is_whole(library, tmp_path):
    store, assistant = library
    both = ["Fenmarsh County Council", "Larkbridge Borough Council"]
    proc, signals = start_rebuild(tmp_path, "pause", store.folder)
    try:
        # Mid-rebuild: one report of the new library written beside the live one.
        assert sorted(r.authority for r in store.reports()) == both
        answer = assistant.ask(QUESTION)
        assert OLD in answer.answer and answer.citations
        assert held(store.folder) == both  # a fresh process too
        assert cli("assistant", "ask", "--store", str(store.folder), QUESTION).stdout.count(OLD) >= 1
    finally:
        (signals / "go").write_text("")
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, out + err
    answer = assistant.ask(QUESTION)  # the same long-lived reader follows the switch
    assert NEW in answer.answer and OLD not in answer.answer
    assert sorted(r.authority for r in store.reports()) == both
    assert store.vector_ids() == store.catalog.all_chunk_ids()
    assert not (store.folder / "rebuild").exists() and len(collections(store.folder)) == 1


def test_a_killed_rebuild_leaves_the_live_library_answering_and_says_how_to_finish(library, tmp_path):
    store, assistant = library
    proc, _ = start_rebuild(tmp_path, "kill", store.folder)
    proc.communicate(timeout=600)
    assert proc.returncode == -9
    assert OLD in assistant.ask(QUESTION).answer
    assert held(store.folder) == ["Fenmarsh County Council", "Larkbridge Borough Council"]
    for done in (cli("assistant", "ask", "--store", str(store.folder), QUESTION),
                 cli("ingest", "--store", str(store.folder), str(DEMO / "larkbridge.html"))):
        assert done.returncode == 0 and "was stopped before it finished" in done.stderr, done.stderr
        assert f"python -m ingest --rebuild --store {store.folder}" in done.stderr
    assert OLD in cli("assistant", "ask", "--store", str(store.folder), QUESTION).stdout
    # The command it names finishes the job, and clears what the killed run left.
    done = cli("ingest", "--rebuild", "--store", str(store.folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert NEW in assistant.ask(QUESTION).answer
    assert not (store.folder / "rebuild").exists() and len(collections(store.folder)) == 1
    assert "stopped before it finished" not in cli("assistant", "reports", "--store", str(store.folder)).stderr


def test_an_app_session_keeps_a_question_asked_while_the_library_is_empty(tmp_path, monkeypatch):
    """Whatever empties the library for a moment (another process removing the last report before
    adding a new one), a question asked then is kept and answered once reports are back."""
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "store"
    store = LibraryStore(Settings(store_dir=folder))
    ingest_paths([DEMO / "fenmarsh.md"], store)
    monkeypatch.setenv("CQC_STORE_DIR", str(folder))
    monkeypatch.setenv("CQC_FEEDBACK_FILE", str(tmp_path / "feedback.jsonl"))
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    (entry,) = store.reports()
    store.remove_report(entry.report_id)  # another process, between two runs of the page
    at.chat_input(key="question").set_value(QUESTION).run()
    assert not at.exception, at.exception
    shown = " ".join(str(e.value) for e in at.warning)
    assert QUESTION in shown and "kept" in shown
    ingest_paths([DEMO / "fenmarsh.md"], store)  # reports are back
    at.run()
    assert not at.exception, at.exception
    asked = [m for m in at.chat_message if m.name == "user"]
    assert asked and QUESTION in " ".join(str(e.value) for m in asked for e in m.text)
    store.close()
