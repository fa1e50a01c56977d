"""The conversation as data: each turn's question and answer(s), the questions asked before, and
asking the assistant (streamed into the page when it can stream)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from uuid import uuid4

import streamlit as st

from assistant.actions.improvement_plan import ActionPlan
from assistant.answers.measure_table import MeasureTable
from assistant.compare.table import Comparison
from assistant.models import Answer
from cqc.records import SearchFilter
from ui.safe import escape

ASK, COMPARE, ACTIONS = "ask", "compare", "actions"


@dataclass
class ChatTurn:
    question: str
    mode: str  # ask | compare | actions
    answers: dict[str, Answer]  # ask: {"": answer}; compare: {authority: answer}, in column order; actions: {}
    extra_chips: list[str] = field(default_factory=list)  # score/date filters, which Answer.filters omits
    id: str = field(default_factory=lambda: uuid4().hex[:12])
    comparison: Comparison | None = None  # compare: each authority's figure on the topic, as a table
    lined_up: MeasureTable | None = None  # compare on a measure: its chart's figures (not kept in the database)
    plan: ActionPlan | None = None  # actions: the plan drafted in Draft actions, as the user last left it

    @property
    def answer_text(self) -> str:
        if self.plan is not None:
            return "\n".join(f"{n}. {i.action}" for n, i in enumerate(self.plan.items, 1))
        if self.mode == ASK:
            return next(iter(self.answers.values())).answer
        return "\n".join(f"{a}: {ans.answer}" for a, ans in self.answers.items())

    @property
    def chunk_ids(self) -> list[str]:
        cited = [c.chunk_id for ans in self.answers.values() for c in ans.citations]
        if self.comparison is not None:
            cited += [c.chunk_id for c in self.comparison.citations]
        if self.plan is not None:
            cited += [c.chunk_id for i in self.plan.items for c in i.citations]
        return list(dict.fromkeys(cited))

    @property
    def backend(self) -> str:
        if self.plan is not None:
            return self.plan.backend
        return ", ".join(sorted({getattr(a, "backend", "") or a.kind for a in self.answers.values()}))


def turns() -> list[ChatTurn]:
    return st.session_state.setdefault("turns", [])


def history() -> list[str]:
    """Earlier questions, oldest first: the assistant rewrites follow-ups ("And in Fenmarsh?") from them.
    A drafted plan is no question to follow up."""
    return [t.question for t in turns() if t.mode != ACTIONS]


# -- answering ---------------------------------------------------------------------------------
# The assistant's keyword for the user's own council (assistant.chain.Assistant.ask/stream: None
# reads CQC_HOME_AUTHORITY, "" means none; the sidebar has already applied that default).
HOME_PARAMETER = "home"
_FIRST_PERSON = re.compile(r"\b(our|we|us|ours)\b", re.IGNORECASE)


def takes_home(method) -> bool:
    try:
        return HOME_PARAMETER in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def home_scope(scope: SearchFilter, question: str, home: str | None) -> SearchFilter:
    """For an assistant that does not take the user's council itself: a question that says "our"
    or "we" with no council chosen in the sidebar is scoped to it (a council the question names
    still wins, in the assistant)."""
    if home and not scope.authorities and _FIRST_PERSON.search(question):
        return replace(scope, authorities=(home,))
    return scope


def show_as_written(pieces: Iterator[str]) -> None:
    """The answer as it is written, into one place on the page. What `st.write_stream` does with
    text; it first asks whether a generator is a dataframe, and that question loads pandas and
    pyarrow: 0.3 s of a new process's first answer (issue 30)."""
    shown = st.empty()
    text = ""
    for piece in pieces:
        text += piece
        shown.markdown(text)


def answer_now(assistant, question: str, earlier: list[str], scope: SearchFilter, home: str | None = None) -> Answer:
    """Stream the answer into the current container, then return the checked Answer.

    The streamed pieces are escaped like any report text; the caller replaces them with the final
    answer, whose markers link to their source cards.
    """
    stream_answer = getattr(assistant, "stream", None)
    if callable(stream_answer):
        if takes_home(stream_answer):
            stream = stream_answer(question, history=earlier, scope=scope, **{HOME_PARAMETER: home or ""})
        else:
            stream = stream_answer(question, history=earlier, scope=home_scope(scope, question, home))
        show_as_written(escape(str(piece)) for piece in stream)
        answer = getattr(stream, "answer", None)
        if isinstance(answer, Answer):
            return answer
    with st.spinner("Searching the reports…"):
        if takes_home(assistant.ask):
            return assistant.ask(question, history=earlier, scope=scope, **{HOME_PARAMETER: home or ""})
        return assistant.ask(question, history=earlier, scope=home_scope(scope, question, home))


def ask(assistant, question: str, scope: SearchFilter, extra_chips: list[str], home: str | None = None) -> ChatTurn:
    earlier = history()
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        answer = answer_now(assistant, question, earlier, scope, home)
    return ChatTurn(question, ASK, {"": answer}, extra_chips)
