"""The sidebar's list of the person's conversations: the current one is saved after every answer
and named in the page's address (`?c=<id>`), so a reload reopens it; earlier ones reopen from
the list, and each can be renamed or deleted. Storage is `ui.conversation_store`: only the
person's own conversations are listed, opened or changed.
"""

from __future__ import annotations

import streamlit as st

from database import Database, Person
from ui.conversation_store import ConversationError, ConversationStore, new_id, valid_id
from ui.safe import escape

LISTED = 15  # the most recent conversations shown; older ones stay in the database
MENU_KEY = "conversation-menu-"  # each conversation's rename/delete popover; ui/layout.py hides its label text


def store_for(database: Database, person: Person) -> ConversationStore:
    return ConversationStore(database, person)


def current_id() -> str:
    return st.session_state.setdefault("conversation_id", new_id())


def start(store: ConversationStore) -> None:
    """Once per browser session: reopen the conversation the page's address names (a reload)."""
    if st.session_state.get("conversation_started"):
        return
    st.session_state["conversation_started"] = True
    wanted = st.query_params.get("c")
    if valid_id(wanted):
        try:
            turns = store.turns(wanted)
        except ConversationError as exc:
            st.session_state["conversation_error"] = str(exc)
            turns = []
        if turns:
            st.session_state["conversation_id"] = wanted
            st.session_state["turns"] = turns
            return
    st.query_params.pop("c", None)  # a deleted or unknown conversation: start a new one
    current_id()


def save(store: ConversationStore, turns: list) -> None:
    """After each answer: the conversation on disk and in the address."""
    conversation_id = current_id()
    try:
        store.save(conversation_id, turns)
    except ConversationError as exc:
        st.session_state["conversation_error"] = str(exc)
        return
    st.query_params["c"] = conversation_id


def _open(store: ConversationStore, conversation_id: str) -> None:
    try:
        turns = store.turns(conversation_id)
    except ConversationError as exc:
        st.session_state["conversation_error"] = str(exc)
        return
    st.session_state["conversation_id"] = conversation_id
    st.session_state["turns"] = turns
    st.query_params["c"] = conversation_id


def _new() -> None:
    st.session_state["conversation_id"] = new_id()
    st.session_state["turns"] = []
    st.query_params.pop("c", None)


def _rename(store: ConversationStore, conversation_id: str) -> None:
    title = st.session_state.get(f"rename-{conversation_id}", "")
    if title.strip():
        try:
            store.rename(conversation_id, title)
        except ConversationError as exc:
            st.session_state["conversation_error"] = str(exc)


def _delete(store: ConversationStore, conversation_id: str) -> None:
    try:
        store.delete(conversation_id)
    except (ConversationError, OSError) as exc:
        st.session_state["conversation_error"] = str(exc)
        return
    if conversation_id == st.session_state.get("conversation_id"):
        _new()


def conversations_sidebar(store: ConversationStore) -> None:
    st.header("Conversations")
    if error := st.session_state.pop("conversation_error", None):
        st.warning(escape(error))
    st.button("New conversation", key="new_conversation", on_click=_new, icon=":material/add:",
              disabled=not st.session_state.get("turns"))
    saved = store.list(LISTED)
    if not saved:
        st.caption("Each conversation is kept here after its first answer.")
        return
    current = st.session_state.get("conversation_id")
    for s in saved:
        is_current = s.id == current
        title, more = st.columns([6, 1], gap="small", vertical_alignment="center")
        with title:
            st.button(escape(s.title), key=f"open-{s.id}", on_click=_open, args=(store, s.id),
                      type="secondary" if is_current else "tertiary",
                      icon=":material/chat:" if is_current else ":material/history:", width="stretch",
                      help=f"{s.turns} question(s); last changed {s.updated.replace('T', ' ')[:16]} UTC",
                      )
        # An icon-only button needs a name of its own: the label names it for screen readers and voice
        # control, and is hidden on screen (ui/layout.py), where the row's title says which it is.
        with more, st.popover(escape(f"Rename or delete {s.title}"), icon=":material/more_vert:",
                              help="Rename or delete", type="tertiary", key=f"{MENU_KEY}{s.id}"):
            st.text_input("Name", value=s.title, key=f"rename-{s.id}", on_change=_rename, args=(store, s.id))
            st.button("Delete this conversation", key=f"delete-{s.id}", on_click=_delete, args=(store, s.id),
                      icon=":material/delete:")
    if len(saved) == LISTED and (total := store.count()) > LISTED:
        st.caption(f"{total - LISTED} older conversation(s) are kept.")
