"""A deterministic stand-in for the embedding model, so tests of store, ingest and app mechanics
need no model (as simonw/llm's test suite does with its fake embedder).

A text's vector is a hashed bag of its stemmed words and their character trigrams, L2-normalised:
the same text always gets the same vector, in any process (blake2b, never Python's salted
`hash()`), and texts sharing words or word stems are closer than texts that share none. It
implements the whole `TextEmbedder` interface, sentence vectors included, so the store's
sentence-vector path runs as it does under the ONNX backends.

A store written with it must never be taken for one written by the real model, nor the other way
round. So the fake is a model of its own, not a backend of the packaged one: `fake_model_folder`
writes a folder describing it (its config is the store's model fingerprint, its dimension the
store's), and `using_fake_embedder` points `CQC_EMBEDDING_MODEL` at that folder and
`CQC_EMBEDDING_BACKEND` at "fake", registered in `BACKEND_LOADERS` for the while. Every store the
test opens (itself, through the CLI's `main` or the app under AppTest) then records the fake's
model, dimension and backend; the real program refuses such a store (another model's fingerprint,
an unknown backend), and the fake refuses any folder but its own. While it is in use the real
loaders are replaced by ones that fail the test, so a test meant to need no model cannot quietly
load one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from vectorstore import embeddings as embedding_backends
from vectorstore.embeddings import TextEmbedder
from config import get_settings

FAKE_BACKEND = "fake"
FAKE_MODEL_TYPE = "fake-hashed-ngrams"
FAKE_DIMENSION = 384  # the packaged model's: tests that check a stored matrix's shape hold for both
_TRIGRAM_WEIGHT = 0.35  # a shared stem counts; a whole shared word counts more
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    "a an and are as at be by for from had has have in is it its of on or that the their this to was "
    "were which with who what how did does do not".split()
)
_SUFFIXES = ("ational", "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A crude suffix stripper: "assessments", "assessment" and "assessed" share "assess"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _bucket(feature: str, dimension: int) -> tuple[int, float]:
    """A feature's coordinate and sign, the same in every process."""
    n = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
    return n % dimension, (1.0 if (n >> 40) & 1 else -1.0)


@lru_cache(maxsize=200_000)
def _word_features(word: str, dimension: int) -> tuple[tuple[int, float], ...]:
    root = stem(word)
    marked = f"<{root}>"
    out = [_bucket("w:" + root, dimension)]
    for i in range(len(marked) - 2):
        where, sign = _bucket("c:" + marked[i: i + 3], dimension)
        out.append((where, sign * _TRIGRAM_WEIGHT))
    return tuple(out)


class FakeEmbedder(TextEmbedder):
    """Hashed stemmed words and character trigrams, L2-normalised; sentence vectors included."""

    backend = FAKE_BACKEND
    gives_sentence_vectors = True

    def __init__(self, dimension: int = FAKE_DIMENSION):
        self._dimension = dimension

    @classmethod
    def from_folder(cls, model_path: str) -> FakeEmbedder:
        """The `BACKEND_LOADERS` entry: only a folder `fake_model_folder` wrote, so the fake never
        embeds for a store that records the real model."""
        try:
            config = json.loads((Path(model_path) / "config.json").read_text())
        except (OSError, ValueError) as exc:
            raise ValueError(f"{model_path} is not a fake embedder's folder ({exc})") from exc
        if config.get("model_type") != FAKE_MODEL_TYPE:
            raise ValueError(f"{model_path} is not a fake embedder's folder (model_type {config.get('model_type')!r})")
        return cls(int(config["hidden_size"]))

    def dimension(self) -> int:
        return self._dimension

    def vector(self, text: str) -> np.ndarray:
        out = np.zeros(self._dimension, dtype=np.float64)
        words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
        for word in words or ["<empty>"]:  # a text of stopwords or punctuation still gets a unit vector
            for where, weight in _word_features(word, self._dimension):
                out[where] += weight
        norm = float(np.linalg.norm(out))
        if norm == 0.0:  # every feature cancelled out: rare, and still one fixed direction
            out[0], norm = 1.0, 1.0
        return (out / norm).astype(np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.vector(text).tolist()

    def embed_with_sentences(self, texts: list[str], spans: list[list[tuple[int, int] | None]], passes: int = 1
                             ) -> tuple[list[list[float]], list[np.ndarray]]:
        """(`passes` changes nothing here.) Each span's vector is its own text's (the real backends pool it in context); a span the
        model did not see (None) is a row of NaN, as theirs is."""
        per_text = []
        for text, text_spans in zip(texts, spans):
            rows = np.full((len(text_spans), self._dimension), np.nan, dtype=np.float32)
            for j, span in enumerate(text_spans):
                if span is not None:
                    rows[j] = self.vector(text[span[0]: span[1]])
            per_text.append(rows)
        return self.embed_documents(texts), per_text


def fake_model_folder(parent: Path, dimension: int = FAKE_DIMENSION) -> Path:
    """A folder that passes the store's model-folder check and gives the fake its own identity:
    the name and fingerprint the store records come from these files, never the packaged model's."""
    folder = parent / FAKE_MODEL_TYPE
    (folder / "1_Pooling").mkdir(parents=True, exist_ok=True)
    config = {"model_type": FAKE_MODEL_TYPE, "hidden_size": dimension, "trigram_weight": _TRIGRAM_WEIGHT,
              "features": "blake2b of stemmed words and their character trigrams"}
    (folder / "config.json").write_text(json.dumps(config, indent=1))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": dimension}))
    # The check wants a weight file; the fake has none, so it says so in one.
    (folder / "fake.bin").write_text("no weights: vectors are hashed n-grams (tests/fake_embedder.py)\n")
    return folder


class RealModelLoaded(AssertionError):
    pass


def _refuse_real_model(name: str):
    def load(model_path: str, cache_dir: Path | None = None) -> TextEmbedder:
        raise RealModelLoaded(f"a test using the fake embedder tried to load the {name} backend of {model_path}")
    return load


def _use_fake(mp: pytest.MonkeyPatch, folder: Path) -> None:
    get_settings.cache_clear()  # a Settings read before would name the real model
    mp.setenv("CQC_EMBEDDING_MODEL", str(folder))
    mp.setenv("CQC_EMBEDDING_BACKEND", FAKE_BACKEND)
    loaders = {name: _refuse_real_model(name) for name in embedding_backends.BACKEND_LOADERS}
    loaders[FAKE_BACKEND] = lambda model_path, cache_dir: FakeEmbedder.from_folder(model_path)
    mp.setattr(embedding_backends, "BACKEND_LOADERS", loaders)
    mp.setattr(embedding_backends, "BACKENDS", tuple(loaders))


@contextlib.contextmanager
def using_fake_embedder(folder: Path) -> Iterator[FakeEmbedder]:
    """Every store opened inside uses the fake model in `folder`; the real loaders fail the test."""
    with pytest.MonkeyPatch.context() as mp:
        _use_fake(mp, folder)
        try:
            yield FakeEmbedder.from_folder(str(folder))
        finally:
            get_settings.cache_clear()  # nor may one read now outlive the fake


def use_fake_in_child_process() -> None:
    """For a child process a test starts with a script of its own: when the test uses the fake (its
    environment names the fake backend), the child uses it too, for the rest of its life."""
    import os

    if os.environ.get("CQC_EMBEDDING_BACKEND") == FAKE_BACKEND:
        _use_fake(pytest.MonkeyPatch(), Path(os.environ["CQC_EMBEDDING_MODEL"]))
