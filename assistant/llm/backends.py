"""Chat models chosen by configuration: none (extractive), an OpenAI-compatible endpoint, or a local GGUF.

Nothing here is imported unless a model backend is configured, so the default install needs no
model library and makes no network call.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from vectorstore.settings import Settings


class BackendConfigError(ValueError):
    """A model backend is asked for but not configured well enough to start."""


def chat_model_for(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for the extractive answerer."""
    if settings.answerer == "extractive":
        return None
    if settings.answerer == "openai":
        return openai_compatible(settings)
    if settings.answerer == "local":
        from assistant.llm.local import load_local_chat_model

        return load_local_chat_model(settings)
    raise BackendConfigError(f"unknown answerer {settings.answerer!r}: use extractive, openai or local")


def openai_compatible(settings: Settings) -> BaseChatModel:
    """Any server speaking the chat-completions protocol: OpenAI, Ollama, vLLM, llama.cpp's server."""
    if not settings.llm_model:
        raise BackendConfigError("CQC_ANSWERER=openai needs CQC_LLM_MODEL (the model name the endpoint serves)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url or None,  # None: OpenAI's own endpoint
        api_key=settings.api_key(),
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=1,
    )


def backend_name(settings: Settings) -> str:
    if settings.answerer == "openai":
        return f"openai-compatible: {settings.llm_model}"
    if settings.answerer == "local":
        from pathlib import Path

        return f"local: {Path(settings.llm_model_path).name or settings.llm_model_package or 'gguf'}"
    return "extractive"
