"""The embedding levers, measured on the synthetic reports' own chunks and sentences.

Backends (torch, ONNX, ONNX int8) are timed in interleaved rounds so a burst of load from
another process hits all of them alike; the median round is reported. Parity is the cosine
between each backend's vectors and torch's for the same texts.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from config import Settings

from ingest.chunking import chunk_report
from cqc.text.sentences import split_sentences
from vectorstore.embeddings import BACKENDS, DEFAULT_BACKEND, load_embeddings

QUESTIONS = (
    "How long did people wait for an assessment?",
    "What proportion of people used direct payments?",
    "How were people supported when leaving hospital?",
    "What were the concerns about Section 42 safeguarding enquiries?",
)


def report_chunks(files: list[str], limit_reports: int) -> list[list[str]]:
    """The embedded text of each report's chunks, for the first few reports."""
    from ingest.reading import read_reports

    return [[c.embed_text for c in chunk_report(report)] for _, report in read_reports(files[:limit_reports])]


def _rates(embed, texts: list[str]) -> tuple[float, float]:
    """Texts per second of wall time and of this process's CPU time: on a machine shared with
    other work, wall time measures the neighbours as much as the code; CPU time compares variants."""
    wall, cpu = time.perf_counter(), time.process_time()
    embed(texts)
    return len(texts) / (time.perf_counter() - wall), len(texts) / max(time.process_time() - cpu, 1e-9)


def _rate(embed, texts: list[str]) -> float:
    return _rates(embed, texts)[1]


def measure_levers(files: list[str], rounds: int = 2, limit_reports: int = 2, per_report_chunks: int = 48) -> dict:
    # A sample: a few reports' worth of chunks keeps this phase to minutes on a busy machine.
    per_report = [report[:per_report_chunks] for report in report_chunks(files, limit_reports)]
    chunks = [t for report in per_report for t in report]
    sentences = [s for t in chunks[:30] for s in split_sentences(t) if len(s) > 15][:125]
    model_path = Settings().embedding.model_path()

    loads, models = {}, {}
    for backend in BACKENDS:
        start = time.perf_counter()
        models[backend] = load_embeddings(model_path, backend)
        loads[backend] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    load_embeddings(model_path, DEFAULT_BACKEND)
    reload_ms = round((time.perf_counter() - start) * 1000, 3)

    reference = np.asarray(models["torch"].embed_documents(chunks))
    rates: dict[str, list[float]] = {b: [] for b in BACKENDS}
    wall: dict[str, list[float]] = {b: [] for b in BACKENDS}
    sentence_ms: dict[str, list[float]] = {b: [] for b in BACKENDS}
    query_ms: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(rounds):
        for backend, model in models.items():
            per_wall, per_cpu = _rates(model.embed_documents, chunks)
            wall[backend].append(per_wall)
            rates[backend].append(per_cpu)
            start = time.perf_counter()
            model.embed_documents(sentences)
            sentence_ms[backend].append((time.perf_counter() - start) * 1000)
            for q in QUESTIONS:
                start = time.perf_counter()
                model.embed_query(q)
                query_ms[backend].append((time.perf_counter() - start) * 1000)

    backends = {}
    for backend, model in models.items():
        vectors = np.asarray(model.embed_documents(chunks))
        cosine = (vectors * reference).sum(axis=1)
        backends[backend] = {
            "class": type(model).__name__, "load_s": loads[backend],
            "chunks_per_cpu_s": round(statistics.median(rates[backend]), 1),
            "chunks_per_s": round(statistics.median(wall[backend]), 1),
            "sentences_125_ms": round(statistics.median(sentence_ms[backend]), 1),
            "query_ms": round(statistics.median(query_ms[backend]), 1),
            "cosine_vs_torch_min": round(float(cosine.min()), 5), "cosine_vs_torch_mean": round(float(cosine.mean()), 5),
        }

    default = models[DEFAULT_BACKEND]
    original = default.batch_size
    sizes = (1, 2, 4, 8, 16, 32)
    runs: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(rounds):  # interleaved, like the backends
        for size in sizes:
            default.batch_size = size
            runs[size].append(_rate(default.embed_documents, chunks))
    default.batch_size = original
    batch_sizes = {str(size): round(statistics.median(v), 1) for size, v in runs.items()}

    # One embedding call per report (what ingest does now) against one call for all of them.
    def per_report_rate() -> float:
        start = time.process_time()
        for report in per_report:
            default.embed_documents(report)
        return len(chunks) / max(time.process_time() - start, 1e-9)

    cross = {
        "per_report_chunks_per_s": round(statistics.median(per_report_rate() for _ in range(rounds)), 1),
        "one_call_chunks_per_s": round(statistics.median(_rate(default.embed_documents, chunks) for _ in range(rounds)), 1),
    }
    return {
        "chunks": len(chunks), "sentences": len(sentences), "rounds": rounds, "default_backend": DEFAULT_BACKEND,
        "backends": backends, "batch_size_chunks_per_s": batch_sizes, "default_batch_size": original,
        "cross_report_batching": cross, "second_load_ms": reload_ms,
    }
