"""One way to call a chat model, for everything that writes with one (answers and action plans).

The steps every caller shares live here: how many tokens of findings a prompt may carry
(`findings_budget`), the prompt's messages (`messages_for`), the call itself with any failure
caught, described and timed (`invoke`, `stream` -> `ModelReply`), the name a label gives the
model (`model_name`), and the words a fallback is labelled with. What a caller does with the
reply stays its own: answers check claims and markers (`assistant.answers.writers`,
`assistant.check.claims`), action plans parse JSON (`assistant.actions.model_draft`).

A model that fails never stops the caller: the failure comes back as a value, so the caller
falls back to its quoted (extractive) result and says why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.llm.prompts import prompt_budget, template_tokens

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_core.prompts import ChatPromptTemplate

    from config import Settings


@dataclass(frozen=True)
class ModelReply:
    """What one call to a chat model gave: its text, or why it gave none, and how long it took."""

    text: str = ""  # as written; for a stream that broke off, what arrived before it did
    failure: str | None = None  # "APIConnectionError: Connection error.": the call raised; None when it ended
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.failure is not None


# -- before the call -------------------------------------------------------------------------------
def findings_budget(prompt: ChatPromptTemplate, settings: Settings, question: str) -> int:
    """Tokens of findings `prompt` may carry: the model's context (`llm_context_tokens`) less the
    reply it may write (`llm_max_tokens`), the prompt's own words and the question, counted with
    cl100k and a tenth kept spare (`prompt_budget`)."""
    return prompt_budget(settings.llm.context_tokens, settings.llm.max_tokens, template_tokens(prompt), question)


def messages_for(prompt: ChatPromptTemplate, values: dict[str, Any]) -> list[BaseMessage]:
    """The prompt's messages with `values` filled in; values the prompt does not use are left out,
    so one set of values serves prompts that ask for different ones (answer and compare)."""
    return prompt.format_messages(**{k: v for k, v in values.items() if k in prompt.input_variables})


# -- the call --------------------------------------------------------------------------------------
def failure_of(exc: Exception) -> str:
    """How a failed call is described in a label or note: the error's kind and its message."""
    return f"{type(exc).__name__}: {exc}"


def invoke(model: BaseChatModel, messages: list[BaseMessage]) -> ModelReply:
    """The model's whole reply at once. Content that is not a string (content blocks) is kept as
    JSON, so a reply that is JSON inside a block can still be read."""
    start = time.perf_counter()
    try:
        reply = model.invoke(messages)
    except Exception as exc:  # a server that is down, refuses or times out: the caller goes on without it
        return ModelReply(failure=failure_of(exc), seconds=time.perf_counter() - start)
    content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
    return ModelReply(content, seconds=time.perf_counter() - start)


def stream(
    model: BaseChatModel, messages: list[BaseMessage], show: Callable[[str], str] = lambda text: text
) -> Generator[str, None, ModelReply]:
    """The model's reply piece by piece as it is written, passed through `show` (which may hold
    text back, as `MarkerStream.feed` holds back half a marker); returns the whole reply.

    A piece whose content is not a string (a content block) adds nothing. A failure part-way is
    returned like any other: `text` holds what arrived before it, and what was yielded stays shown.
    """
    start = time.perf_counter()
    written: list[str] = []
    try:
        for piece in model.stream(messages):
            text = piece.content if isinstance(piece.content, str) else ""
            written.append(text)
            shown = show(text)
            if shown:
                yield shown
    except Exception as exc:  # a server that is down, refuses or times out: the caller goes on without it
        return ModelReply("".join(written), failure_of(exc), time.perf_counter() - start)
    return ModelReply("".join(written), None, time.perf_counter() - start)


def model_name(model: Any) -> str:
    """The name a label gives a chat model when the caller has none from the settings
    (`assistant.llm.backends.backend_name`): the model's own name, path, else its class."""
    for attr in ("model_name", "model", "model_path"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


# -- labelling a fallback --------------------------------------------------------------------------
# Every way a model's work is set aside for the quoted (extractive) result, in the words the user
# reads. Answers carry theirs in `Answer.backend`; action plans in their notes.
CALL_FAILED_PREFIX = "extractive (the "  # an answer's backend that starts so: its model could not be called


def answer_call_failed(name: str, reply: ModelReply) -> str:
    """An answer's backend when its model could not be called: the quoted answer stands."""
    return f"{CALL_FAILED_PREFIX}{name} backend failed: {reply.failure})"


def model_unreachable(backend: str) -> bool:
    """Whether an answer's backend says its model could not be called (`answer_call_failed`)."""
    return backend.startswith(CALL_FAILED_PREFIX)


def answer_set_aside(name: str, why: str) -> str:
    """An answer's backend when the model's checked answer said less than the quoted one ("was empty",
    "left out the figure 74")."""
    return f"quoted from the reports (the {name} answer {why})"


def plan_call_failed(reply: ModelReply) -> str:
    """A plan's note when its model could not be called."""
    return f"The model could not be reached: {reply.failure}"


def plan_drafted_without(name: str) -> str:
    """A plan's note when no action the model wrote could be used: the plan is drafted without it."""
    return f"The {name} model gave no usable actions; these are drafted without a model."


NOTHING_FITTED = "No finding fitted in the model's context window (CQC_LLM_CONTEXT_TOKENS)."
