"""The embedding model, loaded once per process from a local path (never by hub name)."""

from __future__ import annotations

from functools import lru_cache

from langchain_core.embeddings import Embeddings

from vectorstore import settings as _settings  # noqa: F401  (sets the offline environment first)


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain Embeddings over a sentence-transformers model folder, normalised vectors."""

    def __init__(self, model_path: str, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self.batch_size = batch_size
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@lru_cache(maxsize=2)
def load_embeddings(model_path: str) -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings(model_path)
