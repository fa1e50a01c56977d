"""Streamlit chat over the library of CQC assessment reports: a thin front end over `assistant`.

    streamlit run app.py          (store folder: $CQC_STORE_DIR, default data/store)

Retrieval and answering live in the library; this file only lays out questions, answers and
their sources, the sidebar's library and filters, and uploads.
"""

from __future__ import annotations

import re
from pathlib import Path

from vectorstore.settings import Settings  # first: sets the offline environment before any model loads

import streamlit as st

from assistant.chain import Assistant
from assistant.models import Answer, Citation
from ingest.cqc import QUALITY_STATEMENTS
from ingest.pipeline import ingest_paths
from vectorstore.catalog import ReportEntry
from vectorstore.store import LibraryStore, SearchFilter

UPLOAD_TYPES = ["pdf", "html", "htm", "txt", "md"]
HOW_TO_ADD = """The library has no reports yet. To add some:

- **Upload** CQC local authority assessment reports (PDF, HTML, text or Markdown) in the sidebar, or
- from a terminal, run `python -m ingest PATH...` with report files or folders, or
- run `make run`, which loads the demo reports and starts this app.
"""

# -- safe rendering ----------------------------------------------------------------------------
# Answers are sentences copied from reports, so report text must never render as Markdown, HTML,
# LaTeX ($) or Streamlit directives (:red[...]). Every ASCII punctuation mark that can start a
# construct is backslash-escaped; only the structure the assistant itself adds is kept.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:=^\"])")
_MARKER = re.compile(r"(\[\d+\])")  # citation markers: [1]
_BULLET = re.compile(r"^- \*\*(.+?)\*\*: (.*)$")  # comparison answers: - **Authority**: text
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")  # action lists: 1. sentence [1]


def escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_keeping_markers(text: str) -> str:
    return "".join(part if _MARKER.fullmatch(part) else escape(part) for part in _MARKER.split(text))


def answer_markdown(text: str) -> str:
    """The answer as Markdown in which only the assistant's own bullets, numbers and markers render."""
    lines = []
    for line in text.splitlines():
        if m := _BULLET.match(line):
            lines.append(f"- **{escape(m[1])}**: {escape_keeping_markers(m[2])}")
        elif m := _NUMBERED.match(line):
            lines.append(f"{m[1]}. {escape_keeping_markers(m[2])}")
        else:
            lines.append(escape_keeping_markers(line))
    return "\n\n".join(lines)  # blank lines: each line its own paragraph or list item


def finding_markdown(text: str, quote: str) -> str:
    """The whole finding, escaped, with the quoted sentence(s) in bold so the reader finds them."""
    body = escape(text)
    # A quote is the sentences used, one per line; each sentence is verbatim in the finding.
    pieces = [quote] if quote in text else quote.split("\n")
    for piece in pieces:
        if piece and piece != text and piece in text:
            body = body.replace(escape(piece), f"**{escape(piece)}**", 1)
    return body.replace("\n", "  \n")  # keep the report's own line breaks (score lists, tables)


# -- cached resources --------------------------------------------------------------------------
def store_dir() -> str:
    # Settings() rather than the lru_cached get_settings(): CQC_STORE_DIR is read on every run.
    return str(Path(Settings().store_dir).resolve())


@st.cache_resource(show_spinner=False)
def get_store(folder: str) -> LibraryStore:
    return LibraryStore(Settings(store_dir=folder))


@st.cache_resource(show_spinner="Loading the embedding model…")
def get_assistant(folder: str) -> Assistant:
    # One model load per process; an empty library never pays for it.
    return Assistant(get_store(folder))


@st.cache_data(ttl=60, show_spinner=False)
def list_reports(folder: str) -> list[ReportEntry]:
    # A short ttl so reports added from a terminal (`python -m ingest`) appear without a restart.
    return get_store(folder).reports()


# -- sidebar -----------------------------------------------------------------------------------
def show_library(reports: list[ReportEntry]) -> None:
    st.header("Library")
    if not reports:
        st.caption("No reports yet.")
    for r in reports:
        score = f"{r.overall_score}/100" if r.overall_score is not None else "no score"
        rating = (r.rating or "no rating") + (" (indicative)" if r.rating_is_indicative else "")
        st.markdown(f"**{escape(r.authority or '(no authority found)')}**  \n"
                    f"{escape(r.published or 'no date')} · {escape(rating)} · {escape(score)}")


def choose_scope(reports: list[ReportEntry]) -> SearchFilter:
    st.header("Filters")
    authorities = sorted({r.authority for r in reports if r.authority})
    chosen = st.multiselect("Authorities", authorities, key="authorities", placeholder="All authorities")
    statements = st.multiselect("Quality statements", [qs.name for qs in QUALITY_STATEMENTS],
                                key="statements", placeholder="All quality statements")
    return SearchFilter(authorities=tuple(chosen), quality_statements=tuple(statements))


def safe_name(name: str) -> str:
    # Only the file's own name: "../../x.pdf" or "C:\\x.pdf" cannot leave the uploads folder.
    return Path(name.replace("\\", "/")).name.lstrip(".") or "upload"


def upload_reports(folder: str) -> None:
    st.header("Add reports")
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader("Report files", type=UPLOAD_TYPES, accept_multiple_files=True)
        submitted = st.form_submit_button("Add to library")
    if submitted and files:
        uploads = Path(folder) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        paths = []
        for f in files:
            path = uploads / safe_name(f.name)
            path.write_bytes(f.getvalue())
            paths.append(path)
        bar = st.progress(0.0, text="Reading files…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total if total else 1.0, text=f"Indexing {name}" if name else "Done")

        summary = ingest_paths(paths, get_store(folder), progress)
        st.session_state["ingest_summary"] = summary
        list_reports.clear()  # the sidebar's report list and filters must show the new reports
        st.rerun()
    show_ingest_summary()


def show_ingest_summary() -> None:
    # Kept in the session so the outcome of an upload survives the rerun that refreshes the list.
    summary = st.session_state.get("ingest_summary")
    if summary is None:
        return
    added = ", ".join(r.authority or Path(r.source).name for r in summary.reports) or "none"
    message = escape(f"Added {len(summary.reports)} report(s): {added}.")
    if summary.failed:
        st.warning(message)
    else:
        st.success(message)
    for err in summary.failed:
        st.error(escape(f"{Path(err.path).name}: {err.problem}"))


# -- chat --------------------------------------------------------------------------------------
def card_title(c: Citation) -> str:
    statement = c.quality_statement or "Overview"
    score = f" ({c.score})" if c.score is not None else ""
    return f"[{c.marker}] {c.authority} · {statement}{score} · {c.heading}"


def show_answer(answer: Answer) -> None:
    if answer.abstained:
        st.info(answer_markdown(answer.answer))
    else:
        st.markdown(answer_markdown(answer.answer))
    if answer.standalone_question and answer.standalone_question != answer.question:
        st.caption(escape(f"Answered as: {answer.standalone_question}"))
    for c in answer.citations:
        with st.container(border=True):
            st.markdown(f"**{escape(card_title(c))}**")
            st.markdown(finding_markdown(c.text, c.quote))
            st.caption(escape(" — ".join(x for x in (c.location, c.source) if x)))


def chat(folder: str, scope: SearchFilter) -> None:
    messages: list[dict] = st.session_state.setdefault("messages", [])
    for m in messages:
        with st.chat_message(m["role"]):
            if m["role"] == "assistant":
                show_answer(m["answer"])
            else:
                st.text(m["content"])
    question = st.chat_input("Ask about the reports, e.g. How long do people wait for an assessment?")
    if not question:
        return
    # Earlier questions let the assistant rewrite follow-ups ("And in Fenmarsh?").
    history = [m["content"] for m in messages if m["role"] == "user"]
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        assistant = get_assistant(folder)
        with st.spinner("Searching the reports…"):
            answer = assistant.ask(question, history=history, scope=scope)
        show_answer(answer)
    messages += [{"role": "user", "content": question}, {"role": "assistant", "answer": answer}]


def main() -> None:
    st.set_page_config(page_title="CQC report assistant", page_icon="📋")
    folder = store_dir()
    with st.sidebar:
        reports = list_reports(folder)
        show_library(reports)
        scope = choose_scope(reports)
        upload_reports(folder)
    st.title("CQC adult social care assessments")
    if not reports:
        st.info(HOW_TO_ADD)
        return
    st.caption("Answers quote the reports; each [n] names the finding it comes from.")
    chat(folder, scope)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
