"""The library's identity: the schema of its tables, the embedding model and the backend its
vectors were made with. A store written by another schema or model would be misread, and vectors
of two backends would not quite match each other, so each is recorded in the catalog's meta when
first written and checked on every open and every write."""

from __future__ import annotations

from pathlib import Path

from vectorstore.catalog import SCHEMA_VERSION
from vectorstore.embeddings import configured_backend
from vectorstore.errors import EmbeddingSetupError, StoreVersionError, rebuild_command
from vectorstore.model_check import ModelIdentity


def check_versions(catalog, folder: Path, model: ModelIdentity) -> None:
    """Refuse a store whose vectors or tables this program would misread."""
    schema = catalog.get_meta("schema_version")
    if schema != str(SCHEMA_VERSION):
        raise StoreVersionError(
            f"The store at {folder} has schema version {schema}, but this program reads version "
            f"{SCHEMA_VERSION}. Rebuild it with: {rebuild_command(folder)} [PATH...]"
        )
    recorded = catalog.get_meta("embedding_fingerprint")
    if recorded is None:
        # A new store, or one written before models were recorded (only the packaged model
        # existed then): record the model in use.
        record_model(catalog, model, model.dimension)
        return
    dim = catalog.get_meta("embedding_dimension")
    stored = ModelIdentity(catalog.get_meta("embedding_model") or "?", recorded, int(dim) if dim else None)
    if stored.fingerprint != model.fingerprint or (
        stored.dimension and model.dimension and stored.dimension != model.dimension
    ):
        raise StoreVersionError(
            f"The store at {folder} was built with the embedding model {stored.describe()}, but this "
            f"configuration uses {model.describe()}; its vectors cannot be compared. Rebuild it with: "
            f"{rebuild_command(folder)} [PATH...]"
        )


def record_model(catalog, model: ModelIdentity, dimension: int | None) -> None:
    values = {"embedding_model": model.name, "embedding_fingerprint": model.fingerprint}
    if dimension:
        values["embedding_dimension"] = str(dimension)
    catalog.set_meta(values)


def check_loaded_model(catalog, folder: Path, model: ModelIdentity, embeddings, recorded_backend: str | None) -> None:
    """Once the model is loaded, its real dimension must be the store's (a folder may not say it);
    the backend is recorded the first time, so later questions embed with it."""
    dimension = embeddings.dimension()
    recorded_dimension = catalog.get_meta("embedding_dimension")
    if recorded_dimension and dimension and int(recorded_dimension) != dimension:
        raise StoreVersionError(
            f"The store at {folder} holds {recorded_dimension}-dimension vectors, but the embedding model "
            f"{model.name} makes {dimension}. Rebuild it with: {rebuild_command(folder)} [PATH...]"
        )
    if not recorded_dimension and dimension:
        record_model(catalog, model, dimension)
    # Recorded, and used for later questions unless the environment names another:
    # torch and ONNX give the same vectors, int8 nearly the same.
    if recorded_backend is None:
        catalog.set_meta({"embedding_backend": embeddings.backend})


def check_backend_for_writing(catalog, folder: Path, embeddings, asked: str) -> None:
    """Refuse to add vectors of another embedding backend than the library's: they would not
    match its other vectors quite, and a backend without token states stores no sentence
    vectors. An empty library takes the backend of whoever writes it first."""
    recorded = catalog.get_meta("embedding_backend")
    actual = embeddings.backend
    if not recorded or actual == recorded:
        return
    if not catalog.chunk_count():
        catalog.set_meta({"embedding_backend": actual})
        return
    asked = asked.strip().lower()
    why = (f"CQC_EMBEDDING_BACKEND={asked}" if asked == actual
           else f"the {configured_backend(asked, recorded)} backend could not be loaded, so {actual} stood in; see the log")
    raise EmbeddingSetupError(
        f"The library at {folder} was embedded with the '{recorded}' backend, but this run would embed "
        f"with '{actual}' ({why}). Mixing them would leave vectors that do not quite match the others"
        f"{' and findings with no sentence vectors' if actual == 'torch' else ''}. Nothing was written. Ingest "
        f"with the library's backend (unset CQC_EMBEDDING_BACKEND, or set it to {recorded}), or rebuild the "
        f"whole library with the other: CQC_EMBEDDING_BACKEND={actual} {rebuild_command(folder)}"
    )
