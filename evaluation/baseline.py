"""The yardstick for `python -m assistant eval --baseline`: a plain LangChain RAG pipeline.

What it is: the pipeline a developer would build from the LangChain retrieval tutorial, with
no answerer model.

1. Text: every report in the library is re-read from its original files with *our* loaders
   (PDF, HTML pages, text) and its block texts joined with blank lines. Extraction is shared
   on purpose, so the comparison measures chunking, retrieval and answering, not parsing.
2. Chunks: `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`, blind to
   headings, quality statements and scores. Metadata is only {"authority", "source"}.
3. Index: an in-memory Chroma collection (`Chroma.from_documents`) embedded with the *same*
   model as ours (the packaged all-MiniLM-L6-v2 through `embedder_for`, with the same backend), never Chroma's
   default embedding function. No keyword search, no fusion, no reranking.
4. Retrieval: `similarity_search(question, k=5)`. When the gold item has a scope (the
   authority the user selected in the app) the search is filtered to that authority, the
   same scoping our pipeline gets; comparison questions run unscoped, as ours do.
5. Answer: no LLM is packaged, so the "answer" is the text of the top chunk, which is what a
   retrieve-and-show pipeline displays. Its citations are the 5 retrieved chunks and it
   never abstains, so its abstention on unanswerable questions is 0 by construction.

Why: numbers for our pipeline mean little alone; this shows what the obvious approach scores
on the same gold questions, same text, same embeddings. Caveats, so the comparison is read
fairly: the baseline retrieves 5 chunks (ours lists up to 10), so its evidence@10 equals its
evidence@5; its chunks are up to 1000 characters (ours are single findings), so a quote is
more likely to sit inside any one chunk; and key_figures for it means "the top chunk contains
the figure", not that an answer stated it. Indexing time is not counted in `seconds`.
"""

from __future__ import annotations

import time
from pathlib import Path

import chromadb
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from cqc.records import ReportEntry
from evaluation.gold import GoldItem, Outcome
from ingest.document import LoadedDocument
from vectorstore.embeddings import embedder_for
from config import Settings
from vectorstore.store import LibraryStore

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
K = 5
COLLECTION = "baseline"


def load_report_text(entry: ReportEntry) -> str:
    """The report's text as our loaders extracted it, every page file of it, in report order:
    block texts joined by blank lines."""
    from ingest.pages import as_document, read_page
    from ingest.reading import load_file

    files = [Path(f) for f in entry.files] or [Path(entry.source)]
    doc: LoadedDocument = as_document([read_page(load_file(f)) for f in files])
    return "\n\n".join(block.text for block in doc.blocks)


def build_documents(settings: Settings) -> list[Document]:
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    docs: list[Document] = []
    for entry in LibraryStore(settings).reports():
        text = load_report_text(entry)
        docs.extend(
            splitter.create_documents([text], metadatas=[{"authority": entry.authority, "source": entry.source}])
        )
    return docs


def run_baseline(settings: Settings, items: list[GoldItem]) -> list[Outcome]:
    """One Outcome per gold item, in order, from the plain pipeline described above."""
    docs = build_documents(settings)
    if not docs:
        return [Outcome(answer="", abstained=False, retrieved=[], cited=[], seconds=0.0) for _ in items]
    client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
    # The in-memory client is shared within a process: start from an empty collection.
    try:
        client.delete_collection(COLLECTION)
    except Exception:
        pass
    db = Chroma.from_documents(
        docs,
        embedder_for(settings.embedding),
        collection_name=COLLECTION,
        client=client,
    )
    try:
        outcomes = []
        for item in items:
            start = time.perf_counter()
            where = {"authority": {"$in": list(item.scope)}} if item.scope else None
            hits = db.similarity_search(item.question, k=K, filter=where)
            chunks = [(d.metadata.get("authority", ""), d.page_content) for d in hits]
            outcomes.append(
                Outcome(
                    answer=chunks[0][1] if chunks else "",
                    abstained=False,
                    retrieved=chunks,
                    cited=list(chunks),
                    seconds=time.perf_counter() - start,
                )
            )
        return outcomes
    finally:
        try:
            client.delete_collection(COLLECTION)
        except Exception:
            pass
