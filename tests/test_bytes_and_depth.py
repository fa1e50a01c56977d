"""Questions are text whatever bytes arrive, and deeply nested HTML parses within a memory bound
(issue 27, item 8, the ingest and command-line side).

Before: a lone surrogate or an invalid UTF-8 byte in a question stopped `ask` with "unexpected
TypeError" (the tokenizer cannot encode it), and a `--questions` batch stopped at the first bad line
(a file with one invalid byte was not read at all); a 50 MB page nested millions deep took 2.5 GB
of memory (and minutes: each box searched its whole subtree) and lost its authority.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT

QUESTION = "How many people were waiting for a Care Act assessment in Fenmarsh?"


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bytes") / "store"
    done = subprocess.run([sys.executable, "-m", "ingest", "--store", str(folder), str(DEMO / "fenmarsh.md")],
                          cwd=ROOT, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


def ask(*args: bytes | str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "ask", *args], cwd=ROOT, capture_output=True,
                          timeout=600)


@pytest.mark.parametrize("question", [
    QUESTION.encode()[:-1] + b"\xff?",  # an invalid UTF-8 byte: Python keeps it as a lone surrogate
    QUESTION.replace("Fenmarsh", "Fenmarsh\udcff").encode("utf-8", "surrogateescape"),
    QUESTION.replace("Fenmarsh", "Fen\u200bm\u0430rsh").encode(),  # a zero-width space and a Cyrillic a
])
def test_a_question_with_an_invalid_byte_is_answered_as_text(store_folder, question):
    done = ask("--store", str(store_folder), question)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0 and "unexpected" not in err and "Traceback" not in err, err[-2000:]
    assert "1,274" in done.stdout.decode()


def test_a_batch_answers_every_line_it_can_and_names_the_others(store_folder, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_bytes(b"\n".join([
        json.dumps({"id": "plain", "question": QUESTION}).encode(),
        b'{"id": "surrogate", "question": "How many people were waiting for a Care Act assessment in Fenmarsh \\ud800?"}',
        b'{"id": "byte", "question": "How many people were waiting for a Care Act assessment in Fenmarsh\xff?"}',
        b"not json at all",
        json.dumps({"id": "number", "question": 3}).encode(),
        json.dumps({"id": "last", "question": "What is Fenmarsh County Council's overall rating?"}).encode(),
    ]) + b"\n")
    done = ask("--store", str(store_folder), "--json", "--questions", str(questions))
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1 and "unexpected" not in err and "Traceback" not in err, err[-2000:]
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r.get("id") for r in rows] == ["plain", "surrogate", "byte", None, "number", "last"]
    for row in rows[:3]:
        assert "1,274" in row["answer"], row
    assert "\ufffd" in rows[1]["question"] and "\ufffd" in rows[2]["question"]
    assert "error" in rows[3] and rows[3]["line"] == 4 and "error" in rows[4]
    assert "Requires improvement" in rows[5]["answer"]
    assert "q.jsonl:4" in err and "q.jsonl:5" in err


# -- deeply nested HTML ----------------------------------------------------------------------------
NESTED = textwrap.dedent('''
    import json, re, sys
    from pathlib import Path
    from ingest.pages import read_page
    from ingest.reading import load_file
    doc = load_file(Path(sys.argv[1]))
    page = read_page(doc)
    print(json.dumps({"authority": page.authority, "texts": [b.text for b in doc.blocks][-3:],
                      "warnings": doc.warnings,
                      # this process's own peak (ru_maxrss would carry the parent's over fork and exec)
                      "rss_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024}))
''')


def nested_page(path: Path, megabytes: int) -> Path:
    opening, closing = "<div><span>", "</span></div>"
    n = megabytes * 1_000_000 // (len(opening) + len(closing))
    with path.open("w", encoding="utf-8") as f:
        f.write("<html><head><title>Nestholm County Council: local authority assessment</title></head><body><main>"
                "<h1>Nestholm County Council: local authority assessment</h1><p>Published: 4 September 2024</p>"
                "<h2>Overall summary</h2><h3>Summary of people's experiences</h3>"
                "<p>People told us staff in Nestholm were kind.</p>")
        f.write(opening * n + "<p>Carers in Nestholm waited 40 days for an assessment.</p>" + closing * n)
        f.write("</main></body></html>")
    return path


def test_a_50_mb_page_nested_millions_deep_parses_within_a_memory_bound_and_keeps_its_authority(tmp_path):
    page = nested_page(tmp_path / "nested.html", 50)
    script = tmp_path / "load.py"
    script.write_text(NESTED)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
    done = subprocess.run([sys.executable, "-c", limit + f"exec(open({str(script)!r}).read())", str(page)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["authority"] == "Nestholm County Council"
    assert out["texts"][-1] == "Carers in Nestholm waited 40 days for an assessment."
    assert any("nested over" in w for w in out["warnings"])
    print(f"\n50 MB nested page: peak RSS {out['rss_mb']:.0f} MB")
    assert out["rss_mb"] < 600


def test_ordinary_pages_are_not_flattened():
    from ingest.loaders.html import flatten_deep_nesting

    pages = [DEMO / "larkbridge.html", *sorted((ROOT.parent / "shared" / "corpus" / "reports").rglob("*.html"))]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert flatten_deep_nesting(html) == (html, 0), path
