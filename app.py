"""Streamlit app over the library of CQC assessment reports: a front end over `assistant`.

    streamlit run app.py          (store folder: $CQC_STORE_DIR, default data/store)

Modes: Ask (chat with cited answers), Compare (one column per authority), Draft actions (an
editable action plan to export), Measures (one measure, every council: chart, sortable table, CSV,
each figure cited) and Library (reports, the heatmap of scores, a briefing on one report, upload,
remove, the audit log of changes).
With sign-in on (`CQC_SIGN_IN`, a team), the person signs in through the council's identity
provider first (`ui.signin`); their role decides what they may change, and their conversations
and feedback are their own (`database`).
Retrieval and answering live in the library; the page's pieces live in `ui/`. Report text is
shown as text everywhere (`ui.safe`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from config import Settings, configure_offline, invalid_settings

configure_offline()  # an entry point: before anything loads a model, Chroma or Streamlit

import streamlit as st
from pydantic import ValidationError

from assistant.chain import Assistant, question_text
from assistant.llm.backends import BackendConfigError
from assistant.llm.local import LocalModelError
from database import Action, Database, DatabaseError, NotAllowed, Person
from database.imports import import_local_files
from database.store import database_url
from ingest.summary import IngestSummary
from ui import chat, conversations, layout, library, signin
from ui.exports import conversation_markdown
from ui.feedback import FeedbackSink, feedback_export, feedback_path
from ui.filters import Scope, choose_home, choose_scope, scope_banner
from ui.goto import FIGURE_MEASURES, GOTO, MEASURES, SOURCE, figure_measures
from ui.safe import escape
from ui.suggestions import picked_suggestion
from cqc.records import ReportEntry
from vectorstore.errors import CatalogDamaged, translate
from vectorstore.store import LibraryStore, StoreError

if TYPE_CHECKING:
    from library.changes import LibraryChanges

# The other modes' views (Compare, Draft actions, Measures, the Library's heatmap and briefing) and
# the library's writer are imported where they are shown: the Ask page, and so the first answer of
# a new process, need not load pandas, Altair or the report readers (issue 30's cold start).
# tests/test_cold_start.py holds this.

ASK, COMPARE, DRAFT, LIBRARY = "Ask", "Compare", "Draft actions", "Library"
MODES = [ASK, COMPARE, DRAFT, MEASURES, LIBRARY]
NOTHING_YET = "The library has no reports yet. An editor can add some: ask whoever runs this app."
HOW_TO_ADD = """The library has no reports yet. To add some:

- **Upload** CQC local authority assessment reports (PDF, HTML, text or Markdown) below, or
- from a terminal, run `python -m ingest PATH...` with report files or folders, or
- run `make run`, which loads the demo reports and starts this app.
"""
EXAMPLES = [
    "How long do people wait for a Care Act assessment?",
    "What do unpaid carers say about the support they get?",
    "What was the safeguarding score for each authority?",
]
# Widget keys that hold authority names: reset when the reports change so none names a removed report.
AUTHORITY_KEYS = ("authorities", "compare_authorities", "pick_authority", "draft_authority", SOURCE)


# -- cached resources --------------------------------------------------------------------------
def run_settings() -> Settings:
    # Read on every run rather than cached for the process: a changed CQC_* variable (the tests set
    # a store folder per app) takes effect at the next run.
    return Settings()


@st.cache_resource(show_spinner=False)
def get_store(folder: str) -> LibraryStore:
    return LibraryStore(Settings(store_dir=folder))


@st.cache_resource(show_spinner=False)
def get_database(url: str, folder: str, old_feedback_file: str) -> Database:
    """One database (and connection pool) per process; what earlier versions kept in files for this
    store folder is imported the first time."""
    database = Database(url)
    imported = import_local_files(database, Path(folder), Path(old_feedback_file))
    for problem in imported.problems:
        logging.getLogger("app").warning("import: %s", problem)
    return database


def changes_for(folder: str, database: Database, person: Person) -> LibraryChanges:
    from library.changes import LibraryChanges

    return LibraryChanges(get_store(folder), database, person)


def original_fetcher(database: Database, folder: str) -> Callable[[str], Path | None]:
    """A cited upload held by another app machine, fetched from the database to be shown here."""
    def fetch(source: str) -> Path | None:
        from library.changes import original_here

        return original_here(database, Path(folder) / "uploads", source)
    return fetch


@st.cache_resource(show_spinner="Loading the embedding model…")
def get_assistant(folder: str) -> Assistant:
    # One model load per process; an empty library never pays for it.
    return Assistant(get_store(folder))


def list_reports(folder: str) -> list[ReportEntry]:
    # Read on every run: the store keeps the list per catalog generation and first catches up with
    # what other processes wrote (`python -m ingest` in a terminal, another machine on a server).
    return get_store(folder).reports()


def library_changed() -> None:
    for key in AUTHORITY_KEYS:
        st.session_state.pop(key, None)


def follow_library(reports: list[ReportEntry]) -> None:
    """Another process (a terminal's `python -m ingest`, another machine) changed the library since
    this session's last run: choices that named its old reports or dates start afresh."""
    seen = tuple(sorted(r.report_id for r in reports))
    if st.session_state.get("library_seen", seen) != seen:
        library_changed()  # the date range follows the library by itself (ui/filters.py)
    st.session_state["library_seen"] = seen


def keep_question() -> None:
    """A question sent while the library holds no reports (another process emptied it a moment
    ago, or is putting it back) is kept, said so, and asked once reports are back: never lost."""
    sent = st.session_state.get("question")
    if isinstance(sent, str) and sent.strip():
        st.session_state["kept_question"] = sent
    kept = st.session_state.get("kept_question")
    if kept:
        st.warning(escape(f"The library holds no reports at the moment, so your question is kept and will be "
                          f"answered as soon as reports are back: \"{kept}\""))


# -- mode --------------------------------------------------------------------------------------
def switch_mode(mode: str) -> None:
    """Go to another mode from code (a heatmap click goes to Ask).

    Setting the mode widget's own value from a callback proved racy in the browser: now and then
    the page kept the old value, sent it back with the next question, and the question was asked
    in a mode that had no chat (lost). A new widget, under a new key, starting at the new mode has
    no old value to send back.
    """
    st.session_state["mode_now"] = mode
    st.session_state["mode_widget"] = st.session_state.get("mode_widget", 0) + 1


def mode_control() -> str:
    if goto := st.session_state.pop(GOTO, None):  # a ranking answer's or a card's "every council" button
        switch_mode(goto)
    st.session_state.setdefault("mode_now", ASK)
    key = f"mode-{st.session_state.get('mode_widget', 0)}"
    mode = st.segmented_control("Mode", MODES, key=key, default=st.session_state["mode_now"], required=True,
                                label_visibility="collapsed") or ASK
    st.session_state["mode_now"] = mode
    return mode


# -- callbacks ---------------------------------------------------------------------------------
def pick_cell(authority: str, statement: str) -> None:
    """A heatmap cell was chosen: filter the chat to it and go to Ask."""
    st.session_state["authorities"] = [authority]
    st.session_state["statements"] = [statement]
    switch_mode(ASK)
    # A toast, not a notice at the top of the page: the page stays scrolled to where the heatmap was.
    st.session_state["notice"] = f"Filtered to {authority} · {statement}. Ask a question about them."


def example_picked() -> None:
    st.session_state["asked_example"] = st.session_state.get("example")
    st.session_state["example"] = None  # the pill is a button, not a lasting choice


def example_questions() -> str | None:
    """A few questions to start from, for people who do not know what the reports hold."""
    st.pills("Try a question", EXAMPLES, key="example", on_change=example_picked)
    return st.session_state.pop("asked_example", None)


def uploaded(summary: IngestSummary, before: list[ReportEntry]) -> None:
    # Kept in the session so the outcome is shown after the rerun that refreshes the report list.
    st.session_state["ingest_summary"] = (summary, before)
    library_changed()
    st.rerun()


# -- views -------------------------------------------------------------------------------------
def chat_view(folder: str, reports: list[ReportEntry], scope: Scope, mode: str, home: str | None,
              database: Database, person: Person) -> None:
    search = scope.search_filter(reports)
    authorities: list[str] = []
    if mode == COMPARE:
        names = sorted({r.authority for r in reports if r.authority})
        authorities = st.multiselect("Authorities to compare", names, default=names[:4], key="compare_authorities",
                                     help="Each authority is searched and answered on its own, one column each.")
    chat.show_conversation(FeedbackSink(database, person), home)
    if mode == COMPARE and len(authorities) < 2:
        st.info("Choose at least two authorities to compare.")
    placeholder = ("Compare them on a topic or question, e.g. waiting times for assessments" if mode == COMPARE
                   else "Ask about the reports, e.g. How long do people wait for an assessment?")
    question = st.chat_input(placeholder, key="question", disabled=mode == COMPARE and len(authorities) < 2)
    question = question or picked_suggestion() or st.session_state.pop("kept_question", None)
    if not chat.turns() and not question:
        question = example_questions()
    if not question:
        return
    question = question_text(question)  # what the reader sees, asked and kept: never a string that cannot be encoded
    if search is None:
        st.warning("No report matches the overall score and date filters. Widen them in the sidebar, or Clear them.")
        return
    assistant = get_assistant(folder)
    extra = scope.report_chips()
    if mode == COMPARE:
        from ui.compare_view import compare

        turn = compare(assistant, question, authorities, search, extra)
    else:
        turn = chat.ask(assistant, question, search, extra, home)
    chat.turns().append(turn)
    conversations.save(conversations.store_for(database, person), chat.turns())
    st.rerun()  # lay the conversation out again: the new answer with its cards, links and feedback


def library_view(folder: str, reports: list[ReportEntry], database: Database, person: Person) -> None:
    from ui import heatmap
    from ui.briefing_view import briefing_view

    st.subheader("Reports")
    library.show_reports(reports)
    st.subheader("Quality statement scores")
    heatmap.show_heatmap(reports, pick_cell)
    st.subheader("Briefing on a report")
    st.caption("Rating, scores and the report's own summaries of what people said, strengths, areas for "
               "development and next steps, each cited: for a board paper.")
    briefing_view(lambda: get_assistant(folder), reports)
    if library.may_change(person):
        left, right = st.columns(2)
        with left:
            st.subheader("Add reports")
            library.upload_form(lambda: changes_for(folder, database, person), lambda summary: uploaded(summary, reports))
        with right:
            st.subheader("Remove a report")

            def remove(entry: ReportEntry) -> None:
                try:
                    count = changes_for(folder, database, person).remove(entry)
                except NotAllowed as exc:
                    st.error(escape(str(exc)))
                    return
                st.session_state["notice"] = f"Removed {library.report_name(entry)} ({count} findings)."
                library_changed()
                st.rerun()

            library.remove_form(reports, remove)
    else:
        st.caption("Only editors add or remove reports; ask whoever runs this app if you need to.")
    st.subheader("Changes to the library")
    library.show_audit(database)
    if person.may(Action.EXPORT_FEEDBACK):
        st.subheader("Feedback for review")
        library.feedback_review(lambda: feedback_export(database, person))


def sidebar(reports: list[ReportEntry], configured_home: str, database: Database,
            person: Person) -> tuple[Scope, str | None]:
    conversations.conversations_sidebar(conversations.store_for(database, person))
    if chat.turns():
        st.download_button("Export this conversation (Markdown)", conversation_markdown(chat.turns()),
                           file_name="cqc-conversation.md", mime="text/markdown", key="export_conversation",
                           on_click="ignore", icon=":material/download:")
    home = choose_home(reports, configured_home) if reports else None
    scope = choose_scope(reports)
    library.library_sidebar(reports)
    return scope, home


def main() -> None:
    st.set_page_config(page_title="CQC report assistant", page_icon="📋", layout="wide")
    try:
        page()
    except StoreError as exc:  # a Chroma server that is down, or a store built with another model
        st.error(f"The report library cannot be used right now: {exc}")
        st.caption("The app is still running; reload the page once the library is back.")
    except DatabaseError as exc:  # the shared database is down or refused
        damaged = translate(Path(run_settings().store.dir), exc)  # the embedded file damaged: the catalog's words
        if isinstance(damaged, CatalogDamaged):
            st.error(f"The report library cannot be used right now: {damaged}")
            return
        st.error(f"The app's database cannot be used right now: {exc}")
        st.caption("The app is still running; reload the page once the database is back.")
    except (BackendConfigError, LocalModelError) as exc:
        st.error(f"The answering model is not set up: {exc}")
    except ValidationError as exc:
        st.error(f"A CQC_ setting is not valid: {invalid_settings(exc)}. Correct it and restart the app.")
    except Exception:  # noqa: BLE001  (a bug: the user gets a message, the log gets the traceback)
        logging.getLogger("app").exception("unexpected error while drawing the page")
        st.error("Something went wrong on our side while doing that. The app is still running: try again, and "
                 "if it happens again, tell whoever runs it (the details are in the app's log).")


def page() -> None:
    settings = run_settings()
    person = signin.signed_in(settings.access)
    if person is None:  # the sign-in page, or a refusal, is all there is to see
        return
    folder = str(Path(settings.store.dir).resolve())
    database = get_database(database_url(settings), folder, str(feedback_path(settings)))
    # A cited upload held by another app machine is fetched from the database to be shown here.
    st.session_state["_original_elsewhere"] = original_fetcher(database, folder)
    reports = list_reports(folder)
    layout.page_styles()
    st.session_state["_library_authorities"] = sorted({r.authority for r in reports if r.authority})
    conversations.start(conversations.store_for(database, person))
    follow_library(reports)
    # A source card whose sentence gives a council's figure offers every council's (the Measures view).
    st.session_state[FIGURE_MEASURES] = figure_measures(get_store(folder))
    with st.sidebar:
        signin.signed_in_badge(person, settings.access)
        scope, home = sidebar(reports, settings.app.home_authority, database, person)
    st.title("CQC adult social care assessments")
    if notice := st.session_state.pop("notice", None):
        st.toast(escape(notice), icon=":material/filter_alt:", duration="long")
    if note := get_store(folder).unfinished_rebuild:
        st.warning(escape(note))
    if not reports:
        keep_question()
        if not library.may_change(person):
            st.info(NOTHING_YET)
            return
        st.info(HOW_TO_ADD)
        library.upload_form(lambda: changes_for(folder, database, person), lambda summary: uploaded(summary, reports))
        library.show_ingest_summary(st.session_state.pop("ingest_summary", None))
        return
    mode = mode_control()
    library.show_ingest_summary(st.session_state.pop("ingest_summary", None))  # once, after the rerun
    if mode == LIBRARY:
        library_view(folder, reports, database, person)
        return
    scope_banner(scope, reports)
    if mode == MEASURES:
        search = scope.search_filter(reports)
        if search is None:
            st.warning("No report matches the overall score and date filters. Widen them in the sidebar, or Clear them.")
        else:
            from ui.measures_view import measures_view

            measures_view(get_store(folder), search, home)
        return
    if mode == DRAFT:
        from ui import drafting

        store = conversations.store_for(database, person)
        drafting.follow_conversation(conversations.current_id())
        drafting.draft_view(lambda: get_assistant(folder), reports, scope, home,
                            kept=lambda: drafting.kept_plan(chat.turns()),
                            keep=lambda plan: drafting.keep_plan(chat.turns(), plan, lambda t: conversations.save(store, t)))
    else:
        st.caption("Answers quote the reports; each [n] links to the finding it comes from (rest the pointer on it "
                   "for a preview).")
        chat_view(folder, reports, scope, mode, home, database, person)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
