"""Chat models chosen by configuration: none (extractive), an OpenAI-compatible endpoint, or a local GGUF.

Nothing here is imported unless a model backend is configured, so the default install needs no
model library and makes no network call.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from config import Settings


class BackendConfigError(ValueError):
    """A model backend is asked for but not configured well enough to start."""


def chat_model_for(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for the extractive answerer."""
    if settings.llm.answerer == "extractive":
        return None
    if settings.llm.answerer == "openai":
        return openai_compatible(settings)
    if settings.llm.answerer == "local":
        from assistant.llm.local import load_local_chat_model

        return load_local_chat_model(settings)
    raise BackendConfigError(f"unknown answerer {settings.llm.answerer!r}: use extractive, openai or local")


def openai_compatible(settings: Settings) -> BaseChatModel:
    """Any server speaking the chat-completions protocol: OpenAI, Ollama, vLLM, llama.cpp's server."""
    if not settings.llm.model:
        raise BackendConfigError("CQC_ANSWERER=openai needs CQC_LLM_MODEL (the model name the endpoint serves)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm.model,
        base_url=settings.llm.base_url or None,  # None: OpenAI's own endpoint
        api_key=settings.llm.key(),
        temperature=settings.llm.temperature,
        max_tokens=settings.llm.max_tokens,
        timeout=settings.llm.timeout_s,
        max_retries=1,
    )


def backend_name(settings: Settings) -> str:
    if settings.llm.answerer == "openai":
        return f"openai-compatible: {settings.llm.model}"
    if settings.llm.answerer == "local":
        from pathlib import Path

        return f"local: {Path(settings.llm.model_path).name or settings.llm.model_package or 'gguf'}"
    return "extractive"
