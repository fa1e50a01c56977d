"""A new process answers its first question without loading what that question does not use
(issue 30: start answering within 3 s at 1,500 reports).

The Ask page imports no other mode's view (pandas, Altair, the report readers load with Compare,
Draft actions, Measures and the Library), and a question answered by the exact search (within the
councils it names, or over a library of up to EXACT_LIMIT findings) never loads Chroma (its
import, client and graph took about 1 s of a cold start at 1,500 reports). The time itself is the benchmark's (`python -m bench`); these tests hold the
structure that makes it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from config import Settings
from library.ingesting import ingest_paths
from tests.conftest import DEMO, ROOT
from vectorstore.store import LibraryStore

HEAVY = ("pandas", "altair", "bs4", "pdfplumber", "pypdfium2", "chromadb", "library.changes", "ui.drafting",
         "ui.heatmap", "ui.measures_view", "ui.compare_view", "ui.briefing_view")


def loaded_after(code: str) -> set[str]:
    """Which of HEAVY a new Python process holds after running `code`."""
    probe = code + f"\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_other_modes_view_nor_chroma():
    assert loaded_after("import app") == set()


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cold") / "store"
    store = LibraryStore(Settings(store_dir=folder))
    ingest_paths([DEMO / "fenmarsh.md", DEMO / "larkbridge.html"], store)
    store.close()
    return folder


def test_a_first_question_about_one_council_is_answered_without_loading_chroma(library):
    code = f"""
import app
from cqc.records import SearchFilter
answer = app.get_assistant({str(library)!r}).ask("How many people were waiting for a Care Act assessment?",
                                                  scope=SearchFilter(authorities=("Fenmarsh County Council",)))
assert not answer.abstained and answer.citations, answer
"""
    assert loaded_after(code) == set()


def test_a_question_about_every_council_in_a_small_library_is_answered_without_loading_chroma(library):
    code = f"""
import app
answer = app.get_assistant({str(library)!r}).ask("How many people were waiting for a Care Act assessment?")
assert not answer.abstained and answer.citations, answer
"""
    assert loaded_after(code) == set()


def test_a_search_too_wide_to_compare_exactly_still_loads_chroma(library):
    """The other side of the tests above: the graph is there when a search needs it."""
    code = f"""
from config import Settings
from cqc.records import SearchFilter
from vectorstore import keyword_index
from vectorstore.store import LibraryStore
keyword_index.EXACT_LIMIT = 10  # as in a library of more findings than the exact search takes
store = LibraryStore(Settings(store_dir={str(library)!r}))
assert store.dense_search(store.embeddings.embed_query("waiting lists"), 5, SearchFilter())
"""
    assert "chromadb" in loaded_after(code)
