"""One benchmark phase per process: `python -m bench.worker PHASE ARGS... --out FILE`.

Each phase runs in a fresh process so its peak memory is its own, each process loads the model
once (as the app and `python -m ingest` do), and one phase cannot warm another's caches.
The result is a JSON object written to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from config import Settings, configure_offline

configure_offline()  # an entry point: before anything loads a model, Chroma or Streamlit

from bench.questions import NATIONAL, BenchQuestion
from bench.recall import SWEEP, dense_recall
from bench.stats import dir_mb, peak_rss_mb, summary_ms, timed

BASELINE_COLLECTION = "baseline"


def _read_lines(path: str) -> list[str]:
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _questions(path: str) -> list[BenchQuestion]:
    out = []
    for line in _read_lines(path):
        d = json.loads(line)
        out.append(BenchQuestion(d["text"], d["kind"], tuple(d.get("scope", ())), tuple(d.get("authorities", ()))))
    return out


# -- ingest: ours ------------------------------------------------------------------------------
def ingest_ours(args: argparse.Namespace) -> dict:
    """Our pipeline over the files, in batches; stops early once the time budget is spent."""
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    files = _read_lines(args.files)
    if args.no_measures:
        _switch_off_measure_reading()
    store = LibraryStore(Settings(store_dir=args.store))
    with timed() as load:
        store.embeddings.embed_query("warm up")  # model load is reported apart from ingest speed
    batch = args.batch or len(files)
    batches = []
    failed: list[str] = []
    figures = 0
    started = time.perf_counter()
    for i in range(0, len(files), batch):
        cpu = time.process_time()
        with timed() as t:
            summary = ingest_paths(files[i: i + batch], store)
        cpu_s = time.process_time() - cpu
        failed += [f"{e.path}: {e.problem}" for e in summary.failed]
        figures += sum(r.figures for r in summary.reports)
        batches.append({"reports": len(summary.reports), "chunks": summary.chunks, "seconds": round(t.seconds, 2),
                        "cpu_s": round(cpu_s, 2)})
        spent = time.perf_counter() - started
        if args.budget_s and spent + t.seconds > args.budget_s:
            break  # the next batch would run over the budget
    reports = sum(b["reports"] for b in batches)
    chunks = sum(b["chunks"] for b in batches)
    seconds = sum(b["seconds"] for b in batches)
    cpu_s = sum(b["cpu_s"] for b in batches)
    total_reports = len(store.reports())
    store.close()
    return {
        "reports": reports, "chunks": chunks, "seconds": round(seconds, 2), "cpu_s": round(cpu_s, 1),
        "reports_per_s": round(reports / seconds, 3) if seconds else 0.0,
        "chunks_per_s": round(chunks / seconds, 1) if seconds else 0.0,
        "model_load_s": round(load.seconds, 2), "peak_rss_mb": peak_rss_mb(), "store_mb": dir_mb(Path(args.store)),
        "store_reports": total_reports, "batches": batches, "failed": failed[:5], "n_failed": len(failed),
        "backend": store.embeddings.backend, "measures": not args.no_measures, "figures": figures,
    }


def _switch_off_measure_reading() -> None:
    """The lever for measuring what reading figures as measure records costs ingest: in this worker
    process only, ingest writes each report with no records, as it did before figures were data.
    Everything else (pages, chunks, embeddings, the catalog's transaction) is unchanged."""
    import library.ingesting

    library.ingesting.measure_records = lambda report, chunks: []


# -- ingest: the plain LangChain pipeline ---------------------------------------------------------
def ingest_baseline(args: argparse.Namespace) -> dict:
    """evaluation/baseline.py's pipeline, persisted: same text extraction, RecursiveCharacterTextSplitter,
    the same embedding model, Chroma.from_documents."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from evaluation.baseline import CHUNK_OVERLAP, CHUNK_SIZE, load_report_text
    from vectorstore.embeddings import embedder_for
    from vectorstore.store import LibraryStore

    settings = Settings(store_dir=args.ours)
    ours = LibraryStore(settings)
    entries = ours.reports()  # which files make up each report (untimed: a listing)
    ours.close()
    embeddings = embedder_for(settings.embedding)
    with timed() as load:
        embeddings.embed_query("warm up")
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    cpu = time.process_time()
    with timed() as split:
        docs = []
        for entry in entries:
            docs.extend(splitter.create_documents(
                [load_report_text(entry)], metadatas=[{"authority": entry.authority, "source": entry.source}]
            ))
    with timed() as index:
        Chroma.from_documents(
            docs, embeddings, collection_name=BASELINE_COLLECTION, persist_directory=args.store,
            client_settings=chromadb.Settings(anonymized_telemetry=False),
        )
    seconds = split.seconds + index.seconds
    cpu_s = time.process_time() - cpu
    return {
        "reports": len(entries), "chunks": len(docs), "seconds": round(seconds, 2), "cpu_s": round(cpu_s, 1),
        "read_split_s": round(split.seconds, 2), "embed_index_s": round(index.seconds, 2),
        "reports_per_s": round(len(entries) / seconds, 3) if seconds else 0.0,
        "chunks_per_s": round(len(docs) / seconds, 1) if seconds else 0.0,
        "model_load_s": round(load.seconds, 2), "peak_rss_mb": peak_rss_mb(), "store_mb": dir_mb(Path(args.store)),
    }


# -- questions: ours ---------------------------------------------------------------------------
def _on_target(answer, question: BenchQuestion) -> bool:
    """Every citation is from an authority the question is about (a cheap check the timings are of real answers)."""
    return bool(answer.citations) and all(c.authority in question.authorities for c in answer.citations)


def _off_target(answer, question: BenchQuestion) -> bool:
    """An answer citing an authority the question is not about: the miss that matters (an
    abstention is not one; it is counted apart)."""
    return any(c.authority not in question.authorities for c in answer.citations)


def queries_ours(args: argparse.Namespace) -> dict:
    from bench.profile import Profile, install, profiling

    install()  # before the store and the assistant are made; off until a profiling pass turns it on
    from assistant.chain import Assistant
    from vectorstore.store import LibraryStore
    from cqc.records import SearchFilter

    questions = _questions(args.questions)
    store = LibraryStore(Settings(store_dir=args.store))
    assistant = Assistant(store)
    for q in questions[:3]:  # first-question costs (model, index pages) belong to the cold start
        assistant.ask(q.text, scope=SearchFilter(authorities=q.scope))
    retrieval, answer_s, by_kind = [], [], {}
    on_target = off_target = abstained = 0
    sentences = _SentenceCounter(getattr(assistant, "selector", None))
    for i, q in enumerate(questions):
        scope = SearchFilter(authorities=q.scope)
        with timed() as r:
            assistant.search.search(q.text, scope, k=store.settings.retrieval.top_k)
        with timed() as a:
            answer = assistant.ask(q.text, scope=scope)
        retrieval.append(r.seconds)
        answer_s.append(a.seconds)
        by_kind.setdefault(q.kind, []).append(a.seconds)
        on_target += _on_target(answer, q)
        off_target += _off_target(answer, q)
        abstained += answer.abstained
    # The same questions again, stage by stage (apart from the timings above, which carry no wrapper).
    profile = Profile()
    for q in questions:
        with profiling(profile, q.kind):
            assistant.ask(q.text, scope=SearchFilter(authorities=q.scope))
    national = {}
    if not args.skip_national:
        for text in NATIONAL:  # profiled in the timed call itself: each may take a minute
            with profiling(profile, f"national: {text}"):
                national[text] = _timed_with_limit(lambda: assistant.ask(text), args.national_limit_s)
    rankings = _rankings(assistant, args.rankings) if args.rankings else None
    serving_rss = peak_rss_mb()
    result = {
        "reports": len(store.reports()), "questions": len(questions),
        "retrieval": summary_ms(retrieval), "answer": summary_ms(answer_s),
        "answer_by_kind": {k: summary_ms(v) for k, v in sorted(by_kind.items())},
        "national_ms": national, "stages_ms": profile.as_dict(), "on_target": round(on_target / len(questions), 3),
        "sentences_embedded_per_question": round(sentences.count / len(questions), 2),
        "abstained": round(abstained / len(questions), 3), "peak_rss_mb": serving_rss,
        "citing_another_authority": off_target,
        "backend": store.embeddings.backend, "rankings": rankings,
    }
    result["recall"] = dense_recall(store, questions, sweep=SWEEP if args.hnsw_sweep else ())
    return result


def _rankings(assistant, gold_file: str) -> dict:
    """Ranking questions across every council: each timed end to end (`Assistant.ask`) and checked
    row by row against the figures the generator wrote (bench/rankings.py)."""
    from evaluation.rankings import load_ranking_gold, run_rankings, summarise

    items = load_ranking_gold(gold_file)
    run_rankings(assistant, items[:1])  # the first question's one-off costs are not a ranking's
    scored = run_rankings(assistant, items)
    return {"summary": summarise(scored), "time": summary_ms([s.seconds for s in scored]),
            "by_question_ms": {s.gold.question: round(s.seconds * 1000, 1) for s in scored},
            "rows": sum(s.rows_given for s in scored),
            "wrong": [f"{s.gold.qid}: " + "; ".join(p[:300] for p in s.problems) for s in scored if s.problems][:10]}


class _SentenceCounter:
    """Counts the sentences the answerer still embeds at question time (those ingest stored no
    vector for: a library written by another backend, or text past the model's token limit)."""

    def __init__(self, selector):
        self.count = 0
        self.embed = getattr(selector, "embed", None)
        if self.embed is not None:
            selector.embed = self._counted

    def _counted(self, texts: list[str]):
        self.count += len(texts)
        return self.embed(texts)


def _timed_with_limit(call, limit_s: int):
    """Milliseconds, or a note that the call was stopped at the limit (a question about every
    authority answers authority by authority, so it grows with the library)."""
    import signal

    def stop(_signum, _frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(limit_s)
    start = time.perf_counter()
    try:
        call()
        return round((time.perf_counter() - start) * 1000, 1)
    except TimeoutError:
        return f"stopped after {limit_s} s"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def recall_only(args: argparse.Namespace) -> dict:
    """Recall@10 (and the HNSW sweep) of an existing store, without the timing passes."""
    from vectorstore.store import LibraryStore

    store = LibraryStore(Settings(store_dir=args.store))
    return dense_recall(store, _questions(args.questions), sweep=SWEEP if args.hnsw_sweep else ())


# -- questions: the plain pipeline ----------------------------------------------------------------
def queries_baseline(args: argparse.Namespace) -> dict:
    import chromadb
    from langchain_chroma import Chroma

    from evaluation.baseline import K
    from vectorstore.embeddings import embedder_for

    questions = _questions(args.questions)
    embeddings = embedder_for(Settings().embedding)
    db = Chroma(collection_name=BASELINE_COLLECTION, persist_directory=args.store, embedding_function=embeddings,
                client_settings=chromadb.Settings(anonymized_telemetry=False))
    for q in questions[:3]:
        db.similarity_search(q.text, k=K)
    seconds, on_target = [], 0
    for q in questions:
        where = {"authority": {"$in": list(q.scope)}} if q.scope else None
        with timed() as t:
            hits = db.similarity_search(q.text, k=K, filter=where)
        seconds.append(t.seconds)
        on_target += bool(hits) and all(h.metadata.get("authority") in q.authorities for h in hits)
    return {"questions": len(questions), "answer": summary_ms(seconds),
            "on_target": round(on_target / len(questions), 3), "peak_rss_mb": peak_rss_mb()}


# -- cold start ---------------------------------------------------------------------------------
def cold_start(args: argparse.Namespace) -> dict:
    """A new process: import the app, load the store and the model through the app's own cached
    loaders, answer one question. The parent times the whole process as well."""
    started = time.perf_counter()
    path = "app.get_assistant (the Streamlit app's cached loader, outside a Streamlit run)"
    try:
        import app

        imported = time.perf_counter()
        assistant = app.get_assistant(str(Path(args.store).resolve()))
    except Exception as exc:  # noqa: BLE001  (the app being reworked must not stop the benchmark)
        from assistant.chain import Assistant
        from vectorstore.store import LibraryStore

        path = f"LibraryStore + Assistant (importing the app failed: {type(exc).__name__}: {exc})"
        imported = time.perf_counter()
        assistant = Assistant(LibraryStore(Settings(store_dir=args.store)))
    loaded = time.perf_counter()
    from cqc.records import SearchFilter

    answer = assistant.ask(args.question, scope=SearchFilter(authorities=tuple(args.scope or ())))
    done = time.perf_counter()
    return {
        "answered_at": time.time(),  # the parent's clock too: spawn to answer, without the process's exit
        "path": path, "import_s": round(imported - started, 2), "load_s": round(loaded - imported, 2),
        "first_answer_s": round(done - loaded, 2), "in_process_s": round(done - started, 2),
        "answered": not answer.abstained, "peak_rss_mb": peak_rss_mb(),
    }


# -- embedding levers --------------------------------------------------------------------------
def levers(args: argparse.Namespace) -> dict:
    from bench.levers import measure_levers

    return measure_levers(_read_lines(args.files), rounds=args.rounds)


PHASES = {
    "ingest-ours": ingest_ours, "ingest-baseline": ingest_baseline, "queries-ours": queries_ours,
    "queries-baseline": queries_baseline, "cold-start": cold_start, "levers": levers, "recall": recall_only,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("--out", required=True, help="JSON result file")
    parser.add_argument("--store", help="the store folder (for ingest-baseline: where the baseline persists)")
    parser.add_argument("--ours", help="our store, whose catalog lists the reports (baseline ingest)")
    parser.add_argument("--files", help="file with one report path a line")
    parser.add_argument("--questions", help="JSON-lines questions")
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--budget-s", type=float, default=0.0)
    parser.add_argument("--no-measures", action="store_true",
                        help="ingest-ours: read no figures as measure records (the lever of the measure-cost comparison)")
    parser.add_argument("--question", default="")
    parser.add_argument("--scope", nargs="*")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--national-limit-s", type=int, default=60)
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--rankings", help="ranking gold questions (bench/rankings.py) to time and check")
    parser.add_argument("--hnsw-sweep", action="store_true", help="recall@10 under other HNSW settings too")
    args = parser.parse_args(argv)
    result = PHASES[args.phase](args)
    Path(args.out).write_text(json.dumps(result, default=_jsonable), encoding="utf-8")
    return 0


def _jsonable(value):
    try:
        return asdict(value)
    except TypeError:
        return str(value)


if __name__ == "__main__":
    sys.exit(main())
