"""The embedding model's identity, read from its folder without loading it, and a check that it
loads at all (before anything is emptied for a rebuild)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import EmbeddingSetupError
from config import Settings, packaged_model_path


@dataclass(frozen=True)
class ModelIdentity:
    """What must match between the vectors in a store and the model that embeds questions."""

    name: str
    fingerprint: str  # of the model's config and weight file sizes: a different model differs
    dimension: int | None  # None when the model folder does not say; checked once loaded

    def describe(self) -> str:
        dims = f", {self.dimension} dimensions" if self.dimension else ""
        return f"'{self.name}' ({self.fingerprint}{dims})"


def model_identity(model_path: str) -> ModelIdentity:
    """Read from the model folder's files, without loading the model (the app defers that)."""
    folder = Path(model_path)
    name = "all-MiniLM-L6-v2" if str(folder) == packaged_model_path() else folder.name
    digest = hashlib.sha256()
    for config in ("config.json", "modules.json", "1_Pooling/config.json"):
        if (folder / config).is_file():
            digest.update(config.encode() + b"\0" + (folder / config).read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    dimension = None
    for config, key in (("1_Pooling/config.json", "word_embedding_dimension"), ("config.json", "hidden_size")):
        try:
            dimension = int(json.loads((folder / config).read_text())[key])
            break
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return ModelIdentity(name, digest.hexdigest()[:12], dimension)


def missing_model_files(model_path: str) -> str:
    """What a folder lacks to be a sentence-transformers model ("" when nothing is missing)."""
    folder = Path(model_path)
    if not folder.is_dir():
        return "no such folder"
    if not (folder / "config.json").is_file():
        return "no config.json in it"
    if not (list(folder.glob("*.safetensors")) or list(folder.glob("*.bin")) or list(folder.glob("*.onnx"))):
        return "no weight file (*.safetensors, *.bin) in it"
    return ""


def model_unusable(model_path: str, why: str) -> EmbeddingSetupError:
    return EmbeddingSetupError(
        f"The embedding model at {model_path} cannot be used ({why}). Point CQC_EMBEDDING_MODEL at a "
        "sentence-transformers model folder, or unset it to use the packaged all-MiniLM-L6-v2."
    )


def check_model_folder(settings: Settings) -> None:
    """Cheap: the configured model folder looks like a model (no loading)."""
    path = settings.embedding.model_path()
    why = missing_model_files(path)
    if why:
        raise model_unusable(path, why)


def check_model_loads(settings: Settings) -> None:
    """Load the configured model with the backend a new library would use and embed one text.
    Run before anything is emptied: a rebuild under a model that cannot load must change nothing."""
    from vectorstore.embeddings import embedder_for

    check_model_folder(settings)
    path = settings.embedding.model_path()
    try:
        embeddings = embedder_for(settings.embedding)
        vector = embeddings.embed_query("A test sentence.")
    except EmbeddingSetupError:
        raise
    except Exception as exc:  # noqa: BLE001  (any way a model fails to load means the same to the user)
        raise model_unusable(path, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}") from exc
    if not vector or any(v != v for v in vector):  # empty or NaN
        raise model_unusable(path, "it gave no usable vector for a test sentence")
