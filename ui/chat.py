"""The conversation: turns kept in the session, answers streamed, Ask and Compare laid out.

A turn in Ask mode holds one answer; a turn in Compare mode holds one answer per authority, each
retrieved and answered with only that authority in scope, shown one column each.
"""

from __future__ import annotations

import streamlit as st

from database import DatabaseError
from ui.cards import show_answer
from ui.feedback import RATINGS, FeedbackRecord, FeedbackSink
from ui.turns import (  # noqa: F401 (the chat's API: app.py and the exports use these from here)
    ACTIONS, ASK, COMPARE, ChatTurn, answer_now, ask, history, home_scope, takes_home, turns,
)


# -- showing -----------------------------------------------------------------------------------
def show_turn(turn: ChatTurn, feedback: FeedbackSink, last: bool = False, home: str | None = None) -> None:
    from ui.suggestions import show_suggestions

    with st.chat_message("user"):
        st.text(turn.question)
    with st.chat_message("assistant"):
        if turn.plan is not None:
            show_plan_turn(turn)
            return
        if turn.mode == ASK:
            show_answer(turn.answers[""], turn.id, 0, turn.extra_chips)
        else:
            from ui.compare_view import show_compare  # with its chart: Altair loads with the first comparison

            show_compare(turn, home)
        show_feedback(turn, feedback)
        if last:
            show_suggestions(turn)


def show_plan_turn(turn: ChatTurn) -> None:
    """A plan drafted in this conversation, as the user last left it: its actions, and where to edit it."""
    from ui.safe import escape

    plan = turn.plan
    st.markdown(escape(f"Action plan for {plan.authority}: {plan.topic} ({len(plan.items)} actions)"))
    st.markdown("  \n".join(f"{n}\\. {escape(i.action)}" for n, i in enumerate(plan.items, 1)))
    st.caption("Kept with this conversation as last edited: open Draft actions to edit it and export it.")


def show_conversation(feedback: FeedbackSink, home: str | None = None) -> None:
    """Every turn; `home` (My council) is the blue bar of a comparison's chart."""
    shown = turns()
    for i, turn in enumerate(shown):
        show_turn(turn, feedback, last=i == len(shown) - 1, home=home)


# -- feedback ----------------------------------------------------------------------------------
def _record(turn: ChatTurn, rating: str | None, comment: str) -> FeedbackRecord:
    first = next(iter(turn.answers.values()))
    return FeedbackRecord(
        answer_id=turn.id, rating=rating, comment=comment, question=turn.question, answer=turn.answer_text,
        chunk_ids=turn.chunk_ids, mode=turn.mode, backend=turn.backend, filters=dict(first.filters),
    )


def _keep(feedback: FeedbackSink, record: FeedbackRecord) -> bool:
    try:
        feedback.add(record)
    except DatabaseError as exc:
        st.session_state["feedback_error"] = f"Your feedback could not be saved: {exc}"
        return False
    return True


def _rated(turn: ChatTurn, feedback: FeedbackSink) -> None:
    value = st.session_state.get(f"fb-{turn.id}")
    _keep(feedback, _record(turn, RATINGS.get(value), ""))


def show_feedback(turn: ChatTurn, feedback: FeedbackSink) -> None:
    st.feedback("thumbs", key=f"fb-{turn.id}", on_change=_rated, args=(turn, feedback))
    if error := st.session_state.pop("feedback_error", None):
        st.warning(error)
    rating = RATINGS.get(st.session_state.get(f"fb-{turn.id}"))
    if rating is None:
        return
    sent_key = f"fb-sent-{turn.id}"
    with st.form(f"fbform-{turn.id}", border=False, clear_on_submit=True):
        comment = st.text_input("Comment (optional)", key=f"fbc-{turn.id}",
                                placeholder="What was right or wrong with this answer?")
        if st.form_submit_button("Send comment") and comment.strip():
            st.session_state[sent_key] = _keep(feedback, _record(turn, rating, comment.strip()))
    if st.session_state.get(sent_key):
        st.caption("Thank you: your comment was saved.")
