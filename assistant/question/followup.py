"""Follow-up questions rewritten into stand-alone ones before retrieval, deterministically.

"And in Eastholm?" after "How many people were waiting for a Care Act assessment in Kingsmere?"
becomes the same question about Eastholm; "What about carers?" keeps the authority and changes
the subject.
"""

from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel

from assistant.question.names import AuthorityNames

_FOLLOW_UP = re.compile(r"^\s*(and|also|what about|how about|and what about|same for|and for|and in|what of)\b", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(and\s+)?(also\s+)?(what|how)\s+about\s+|^\s*(and|also)\s+(in|for|at)?\s*|^\s*same for\s+", re.IGNORECASE)


def rewrite(question: str, history: list[str], names: AuthorityNames) -> str:
    """The question as it would be asked with no conversation before it."""
    if not history:
        return question
    previous = history[-1]
    new_authorities, rest = names.find(question)
    old_authorities, _ = names.find(previous)
    words = re.findall(r"[A-Za-z0-9£%']+", rest)
    looks_follow_up = bool(_FOLLOW_UP.match(question)) or len(words) <= 3
    if not looks_follow_up:
        return question
    topic = _LEAD.sub("", rest).strip(" ?.!")
    if new_authorities and len(re.findall(r"[A-Za-z0-9£%']+", topic)) <= 1:
        # Same question, other authority: swap the names in the previous question.
        rewritten = previous
        if old_authorities:
            for name in sorted(names.names, key=len, reverse=True):
                if names.names[name] in old_authorities:
                    rewritten = re.sub(rf"\b{re.escape(name)}\b", "\x00", rewritten, flags=re.IGNORECASE)
            rewritten = re.sub(r"\x00(\s+and\s+\x00|,\s*\x00)*", " and ".join(new_authorities), rewritten)
            return rewritten
        return f"{previous.rstrip('?')} in {' and '.join(new_authorities)}?"
    if topic and old_authorities and not new_authorities:
        return f"What does the report say about {topic} in {' and '.join(old_authorities)}?"
    return question


def rewrite_with_model(model: BaseChatModel, question: str, history: list[str], names: AuthorityNames) -> str:
    """The chat model's stand-alone version of a follow-up (prompts/followup.md), used only when
    configured. A reply that is empty, overlong, or names an authority the conversation never
    mentioned is not trusted: the deterministic rewrite is used instead."""
    from assistant.llm import calling
    from assistant.llm.prompts import load_prompt

    fallback = rewrite(question, history, names)
    if not history:
        return question
    messages = calling.messages_for(
        load_prompt("followup"), {"history": "\n".join(f"- {q}" for q in history[-4:]), "question": question}
    )
    got = calling.invoke(model, messages)
    if got.failed:  # a model that is down must not stop the question being answered
        return fallback
    reply = got.text.strip().strip('"')
    said = set(names.find(" ".join([*history, question]))[0])
    if not reply or len(reply) > 4 * len(" ".join([question, history[-1]])) or not set(names.find(reply)[0]) <= said:
        return fallback
    return reply
