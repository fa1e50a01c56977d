"""The embedding model, loaded once per process from a local path (never by hub name).

Two backends compute the same vectors for all-MiniLM-L6-v2 (or any BERT-style sentence-transformers
folder with mean pooling):

- ``torch``: sentence-transformers on PyTorch, as the model ships.
- ``onnx``: the same weights exported once to ONNX from the local folder, with onnxruntime's
  transformer fusions; vectors match torch's (cosine 1.0000) and it needs neither torch nor
  sentence-transformers at run time, so the app starts sooner.
- ``onnx-int8`` (the default): that export with int8 weights (dynamic, per-channel quantisation);
  about twice as fast again, vectors within about 0.99 cosine of torch's, and the eval's numbers
  as good as fp32's (README "Benchmark"). A library is queried with the backend that wrote it
  (recorded in its catalog) unless CQC_EMBEDDING_BACKEND says otherwise.

The export is written to a cache folder (``CQC_MODEL_CACHE``, default ``~/.cache/cqc-report-assistant``)
keyed by the model folder's fingerprint, atomically, so concurrent processes never read half a file.
Nothing is downloaded: export reads only the model folder. If the export cannot be made (the ``onnx``
package missing, an unusual architecture) the torch backend is used and the reason is logged.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from config.settings import EmbeddingSettings
from vectorstore.errors import UnknownBackend
from vectorstore.onnx_export import export_onnx, read_json

log = logging.getLogger(__name__)

Backend = Literal["torch", "onnx", "onnx-int8"]
DEFAULT_BACKEND: Backend = "onnx-int8"
# Texts per ONNX forward pass. Measured on the 2-core machine (CPU time, interleaved rounds): 8
# beats 32 by 5-25% and 64 by 15-40% (activations of small batches stay in cache); texts are
# sorted by length first, so small batches pad little.
DEFAULT_BATCH = 8
# int8 one text at a time: its activations are quantised with one scale per forward pass, so in a
# batch a text's vector depends on its neighbours (0.99 cosine between batches); alone it is a
# function of the text, as the question's is. And it is the fastest size measured: 70 texts/s
# against 54 at 8 (240 chunks of the shared reports).
INT8_BATCH = 1
TORCH_BATCH = 64  # torch keeps sentence-transformers' usual batch: the measurements above are ONNX's


class TextEmbedder(Embeddings):
    """What the library asks of an embedding backend, declared rather than probed: its name (recorded
    in the library, so questions are embedded alike), the size of its vectors, and whether one
    forward pass also gives each answer sentence its vector (pooled from the text's token states),
    so the store keeps sentence vectors and a question embeds none."""

    backend: str
    gives_sentence_vectors: bool = False

    def dimension(self) -> int:
        raise NotImplementedError

    def embed_with_sentences(self, texts: list[str], spans: list[list[tuple[int, int] | None]], passes: int = 1
                             ) -> tuple[list[list[float]], list[np.ndarray]]:
        """Each text's vector, and its sentences' vectors (rows in `spans` order); `passes` forward
        passes side by side."""
        raise NotImplementedError(f"the {self.backend} backend gives no sentence vectors")


class SentenceTransformerEmbeddings(TextEmbedder):
    """LangChain Embeddings over a sentence-transformers model folder, normalised vectors."""

    backend: Backend = "torch"

    def __init__(self, model_path: str, batch_size: int = TORCH_BATCH):
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self.batch_size = batch_size
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def dimension(self) -> int:
        get_dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return get_dimension()


# -- ONNX ----------------------------------------------------------------------------------------
class _ModelInfo:
    """What the store asks of `embeddings.model`: the vector size (sentence-transformers' names)."""

    def __init__(self, dimension: int):
        self.dimension = dimension

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    get_embedding_dimension = get_sentence_embedding_dimension


class OnnxEmbeddings(TextEmbedder):
    """The model's transformer run by onnxruntime; tokenising, mean pooling and normalising as
    sentence-transformers does them (read from the model folder's own configuration)."""

    gives_sentence_vectors = True

    def __init__(self, model_path: str, quantized: bool, cache_dir: Path, batch_size: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(model_path)
        self.model_path = model_path
        self.backend: Backend = "onnx-int8" if quantized else "onnx"
        self.batch_size = batch_size or (INT8_BATCH if quantized else DEFAULT_BATCH)
        pooling = read_json(folder / "1_Pooling" / "config.json")
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise ValueError(f"{folder}: the ONNX backend does mean pooling only; this model pools otherwise")
        max_len = int((read_json(folder / "sentence_bert_config.json") or {}).get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_len)
        self.tokenizer.no_padding()  # padded per batch below, to the batch's longest text
        self.file = export_onnx(model_path, quantized, cache_dir)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Threads sleep rather than spin between operators: on a machine shared with other work
        # (a council laptop, this 2-core box) spinning burns the CPU the other thread needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._run_lock = threading.Lock()  # one forward pass at a time: the threads are already all busy
        self._session_lock = threading.Lock()
        self._single_session = None  # for passes side by side (`_side_by_side_session`)
        config = read_json(folder / "config.json") or {}
        dimension = (pooling or {}).get("word_embedding_dimension") or config.get("hidden_size") or 0
        self.model = _ModelInfo(int(dimension))

    def _side_by_side_session(self):
        """A session whose passes run on one thread each, for ingest's passes side by side: on this
        2-core machine two single-threaded passes at once embed a report's findings 1.3x faster than
        one pass on both cores (small matrices split poorly across threads). Made at first use, so the
        app that only answers questions never holds it."""
        with self._session_lock:
            if self._single_session is None:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                self._single_session = ort.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
            return self._single_session

    def _encode(
        self, texts: list[str], spans: list[list[tuple[int, int] | None]] | None = None, passes: int = 1
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Mean-pooled, normalised vectors of `texts`, and with `spans` a vector per span of each;
        `passes` forward passes at a time (each on one thread), else one at a time on every core."""
        out = np.empty((len(texts), self.model.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.empty((0, self.model.dimension), np.float32)] * len(texts)
        # Longest first and batched by length: little padding, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[start: start + self.batch_size] for start in range(0, len(order), self.batch_size)]

        def encode(idx: list[int], session, lock) -> None:
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, e in enumerate(encodings):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            with lock:
                hidden = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[idx] = pooled  # each batch its own rows
            if spans is not None:
                for row, i in enumerate(idx):
                    span_vectors[i] = _pool_spans(hidden[row], encodings[row].offsets, spans[i])

        if passes > 1 and len(batches) > 1:
            # onnxruntime lets go of the GIL inside a pass, so threads are enough; a session may run
            # passes concurrently (no lock), each on its own single thread.
            session = self._side_by_side_session()
            with ThreadPoolExecutor(max_workers=min(passes, len(batches))) as pool:
                list(pool.map(lambda idx: encode(idx, session, nullcontext()), batches))
        else:
            for idx in batches:
                encode(idx, self.session, self._run_lock)
        return out, span_vectors

    def embed_with_sentences(
        self, texts: list[str], spans: list[list[tuple[int, int] | None]], passes: int = 1
    ) -> tuple[list[list[float]], list[np.ndarray]]:
        """Each text's vector and, from the same forward pass, a vector per span of it (a sentence
        pooled from its tokens in context, "late chunking"): the answerer's sentence vectors come
        free with ingest instead of costing a model call per question. A span the model did not
        see (past its token limit) gets a row of NaN. `passes`: forward passes side by side (ingest
        gives one per core)."""
        vectors, span_vectors = self._encode(list(texts), spans, passes)
        return vectors.tolist(), span_vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._encode(list(texts))[0].tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def dimension(self) -> int:
        return self.model.dimension


def _pool_spans(hidden: np.ndarray, offsets: list[tuple[int, int]], spans: list[tuple[int, int] | None]) -> np.ndarray:
    """Normalised mean of the token states inside each character span (special and padding tokens
    have empty offsets and are never inside one)."""
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    real = ends > starts
    out = np.full((len(spans), hidden.shape[-1]), np.nan, dtype=np.float32)
    for j, span in enumerate(spans):
        if span is None:
            continue
        inside = real & (starts >= span[0]) & (ends <= span[1])
        if inside.any():
            v = hidden[: len(offsets)][inside].mean(axis=0)
            out[j] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


# -- choosing ----------------------------------------------------------------------------------
def configured_backend(asked: str = "", recorded: str | None = None) -> str:
    """The backend the settings ask for (CQC_EMBEDDING_BACKEND); else the one a library was written
    with (`recorded`), so its questions are embedded alike; else the default."""
    asked = asked.strip().lower()
    value = asked or recorded or DEFAULT_BACKEND
    if value not in BACKENDS:
        where = f"CQC_EMBEDDING_BACKEND={asked!r}" if asked else f"the backend recorded in the library, {value!r},"
        raise UnknownBackend(
            f"{where} is not an embedding backend this program has: use one of {', '.join(BACKENDS)} "
            f"(or unset CQC_EMBEDDING_BACKEND to use the one the library was built with, else {DEFAULT_BACKEND})."
        )
    return value


# The backends by name, each made from (model folder, export cache folder); the first is the one
# every other falls back to when it cannot be loaded.
FALLBACK_BACKEND = "torch"
BACKEND_LOADERS: dict[str, Callable[[str, Path], TextEmbedder]] = {
    "torch": lambda path, cache_dir: SentenceTransformerEmbeddings(path),
    "onnx": lambda path, cache_dir: OnnxEmbeddings(path, quantized=False, cache_dir=cache_dir),
    "onnx-int8": lambda path, cache_dir: OnnxEmbeddings(path, quantized=True, cache_dir=cache_dir),
}
BACKENDS: tuple[str, ...] = tuple(BACKEND_LOADERS)


def embedder_for(embedding: EmbeddingSettings, recorded: str | None = None) -> TextEmbedder:
    """The model the settings name, with the backend they ask for, else the library's `recorded` one."""
    return load_embeddings(embedding.model_path(), configured_backend(embedding.backend, recorded), embedding.cache_dir)


def load_embeddings(model_path: str, backend: str = DEFAULT_BACKEND, cache_dir: Path | None = None) -> TextEmbedder:
    """One model per (path, backend) per process: the app, the store and the answerer share it."""
    return _load(model_path, backend, cache_dir or EmbeddingSettings().cache_dir)


@lru_cache(maxsize=4)
def _load(model_path: str, backend: str, cache_dir: Path) -> TextEmbedder:
    if backend == FALLBACK_BACKEND:
        return BACKEND_LOADERS[backend](model_path, cache_dir)
    try:
        return BACKEND_LOADERS[backend](model_path, cache_dir)
    except Exception as exc:  # noqa: BLE001  (any failure to export or load: fall back, logged)
        # Same vectors from torch for the fp32 export; slower, never wrong.
        log.warning("ONNX embedding backend unavailable for %s (%s: %s); using torch", model_path, type(exc).__name__, exc)
        return BACKEND_LOADERS[FALLBACK_BACKEND](model_path, cache_dir)
