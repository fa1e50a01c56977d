"""The conversation: turns kept in the session, answers streamed, Ask and Compare laid out.

A turn in Ask mode holds one answer; a turn in Compare mode holds one answer per authority, each
retrieved and answered with only that authority in scope, shown one column each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from uuid import uuid4

import streamlit as st

from assistant.models import Answer
from ui.cards import show_answer
from ui.feedback import RATINGS, FeedbackRecord, append_feedback
from ui.safe import escape
from vectorstore.store import SearchFilter

ASK, COMPARE = "ask", "compare"


@dataclass
class ChatTurn:
    question: str
    mode: str  # ask | compare
    answers: dict[str, Answer]  # ask: {"": answer}; compare: {authority: answer}, in column order
    extra_chips: list[str] = field(default_factory=list)  # score/date filters, which Answer.filters omits
    id: str = field(default_factory=lambda: uuid4().hex[:12])

    @property
    def answer_text(self) -> str:
        if self.mode == ASK:
            return next(iter(self.answers.values())).answer
        return "\n".join(f"{a}: {ans.answer}" for a, ans in self.answers.items())

    @property
    def chunk_ids(self) -> list[str]:
        return [c.chunk_id for ans in self.answers.values() for c in ans.citations]

    @property
    def backend(self) -> str:
        return ", ".join(sorted({getattr(a, "backend", "") or a.kind for a in self.answers.values()}))


def turns() -> list[ChatTurn]:
    return st.session_state.setdefault("turns", [])


def history() -> list[str]:
    """Earlier questions, oldest first: the assistant rewrites follow-ups ("And in Fenmarsh?") from them."""
    return [t.question for t in turns()]


# -- answering ---------------------------------------------------------------------------------
def answer_now(assistant, question: str, earlier: list[str], scope: SearchFilter) -> Answer:
    """Stream the answer into the current container, then return the checked Answer.

    The streamed pieces are escaped like any report text; the caller replaces them with the final
    answer, whose markers link to their source cards.
    """
    stream_answer = getattr(assistant, "stream", None)
    if callable(stream_answer):
        stream = stream_answer(question, history=earlier, scope=scope)
        st.write_stream(escape(str(piece)) for piece in stream)
        answer = getattr(stream, "answer", None)
        if isinstance(answer, Answer):
            return answer
    with st.spinner("Searching the reports…"):
        return assistant.ask(question, history=earlier, scope=scope)


def ask(assistant, question: str, scope: SearchFilter, extra_chips: list[str]) -> ChatTurn:
    earlier = history()
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        answer = answer_now(assistant, question, earlier, scope)
    return ChatTurn(question, ASK, {"": answer}, extra_chips)


def compare(assistant, question: str, authorities: list[str], scope: SearchFilter, extra_chips: list[str]) -> ChatTurn:
    earlier = history()
    with st.chat_message("user"):
        st.text(question)
    answers: dict[str, Answer] = {}
    with st.chat_message("assistant"):
        for column, authority in zip(st.columns(len(authorities)), authorities):
            with column:
                st.markdown(f"**{escape(authority)}**")
                answers[authority] = answer_now(assistant, question, earlier, replace(scope, authorities=(authority,)))
    return ChatTurn(question, COMPARE, answers, extra_chips)


# -- showing -----------------------------------------------------------------------------------
def show_turn(turn: ChatTurn, feedback_file: Path) -> None:
    with st.chat_message("user"):
        st.text(turn.question)
    with st.chat_message("assistant"):
        if turn.mode == ASK:
            show_answer(turn.answers[""], turn.id, 0, turn.extra_chips)
        else:
            columns = st.columns(len(turn.answers), border=True)
            for i, (column, (authority, answer)) in enumerate(zip(columns, turn.answers.items())):
                with column:
                    st.markdown(f"##### {escape(authority)}")
                    show_answer(answer, turn.id, i, turn.extra_chips)
        show_feedback(turn, feedback_file)


def show_conversation(feedback_file: Path) -> None:
    for turn in turns():
        show_turn(turn, feedback_file)


# -- feedback ----------------------------------------------------------------------------------
def _record(turn: ChatTurn, rating: str | None, comment: str) -> FeedbackRecord:
    first = next(iter(turn.answers.values()))
    return FeedbackRecord(
        answer_id=turn.id, rating=rating, comment=comment, question=turn.question, answer=turn.answer_text,
        chunk_ids=turn.chunk_ids, mode=turn.mode, backend=turn.backend, filters=dict(first.filters),
    )


def _rated(turn: ChatTurn, feedback_file: Path) -> None:
    value = st.session_state.get(f"fb-{turn.id}")
    append_feedback(feedback_file, _record(turn, RATINGS.get(value), ""))


def show_feedback(turn: ChatTurn, feedback_file: Path) -> None:
    st.feedback("thumbs", key=f"fb-{turn.id}", on_change=_rated, args=(turn, feedback_file))
    rating = RATINGS.get(st.session_state.get(f"fb-{turn.id}"))
    if rating is None:
        return
    sent_key = f"fb-sent-{turn.id}"
    with st.form(f"fbform-{turn.id}", border=False, clear_on_submit=True):
        comment = st.text_input("Comment (optional)", key=f"fbc-{turn.id}",
                                placeholder="What was right or wrong with this answer?")
        if st.form_submit_button("Send comment") and comment.strip():
            append_feedback(feedback_file, _record(turn, rating, comment.strip()))
            st.session_state[sent_key] = True
    if st.session_state.get(sent_key):
        st.caption("Thank you: your comment was saved.")
