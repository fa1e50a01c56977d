"""`python -m bench` (`make bench`): ingest and question timings on a synthetic national set,
side by side with a plain LangChain pipeline. Prints a table, then one JSON line, last.

Phases, each in its own process (see bench/worker.py):
  1. a synthetic set of --reports reports (and up to --large) from the shared reports;
  2. our ingest (library.ingesting.ingest_paths) and the baseline's (evaluation/baseline.py's splitter
     and the same embedding model, Chroma.from_documents), at --reports; and what reading figures as
     measure records costs it: the same reports ingested with measure reading off and on, alternately,
     --measure-rounds times each (bench/measure_cost.py; our ingest above is the first "on" run);
  3. --questions questions: our retrieval (hybrid search) and end-to-end (Assistant.ask, default
     extractive answerer) latencies, the baseline's similarity_search, at --reports; and the ranking
     questions across every council, timed and checked row by row against the generated figures;
  4. cold start: a new process importing the app and answering one question;
  5. the embedding levers (backends, batch sizes);
  6. the large size: our store grown to --large reports, or as many as --large-minutes of ingest
     allows, then the same questions, HNSW recall@10 against exact search, and a cold start.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.measure_cost import measure_cost
from bench.questions import make_questions
from bench.rankings import ranking_gold, write_gold
from bench.stats import machine_load
from bench.synthetic import build_set, load_templates
from config import Settings, configure_offline

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
RANKING_GOLD = ROOT / "eval" / "gold" / "ranking-questions.jsonl"  # its questions across every council, asked again


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_phase(phase: str, work: Path, *args: str) -> dict:
    """Run one phase in a new process; its result, or a clear error naming the phase."""
    out = work / f"{phase}-{int(time.time() * 1000)}.json"
    command = [sys.executable, "-m", "bench.worker", phase, "--out", str(out), *args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT)  # the child inherits the offline environment
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"bench: phase '{phase}' failed (exit {done.returncode}); its error is printed above")
    result = json.loads(out.read_text(encoding="utf-8"))
    result["process_s"] = round(time.perf_counter() - started, 2)
    return result


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_questions(path: Path, authorities: list[str], n: int) -> Path:
    questions = make_questions(authorities, n)
    return write_lines(path, [json.dumps({"text": q.text, "kind": q.kind, "scope": list(q.scope),
                                          "authorities": list(q.authorities)}) for q in questions])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reports", type=int, default=150, help="size of the main comparison (default 150)")
    p.add_argument("--large", type=int, default=1500, help="the large size (0: skip); default 1500")
    p.add_argument("--large-minutes", type=float, default=45.0,
                   help="ingest time allowed to grow the large store (default 45: about 1,500 reports on a quiet "
                        "2-core machine); the table says when it stopped short")
    p.add_argument("--questions", type=int, default=200, help="questions per size (default 200)")
    p.add_argument("--councils", type=int, default=153,
                   help="authorities in the set (default 153, England's): past them each report is a reassessment "
                        "of one, a year after its last; 0 gives every report an authority of its own")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared reports the synthetic set copies")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "bench", help="where reports, stores and results go")
    p.add_argument("--hnsw-sweep", action="store_true",
                   help="also re-index the largest store's vectors under other HNSW settings (minutes at 1,500 reports)")
    p.add_argument("--no-hnsw-sweep", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    p.add_argument("--quick", action="store_true",
                   help="a quick run: 20 reports, a large size of 60, 60 questions, no levers (make bench-quick)")
    p.add_argument("--measure-rounds", type=int, default=2,
                   help="ingests of the main size with measure reading off and on, alternately, each (default 2: "
                        "off, on, off, on; the first 'on' is the main ingest; 0 skips the comparison)")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--no-levers", action="store_true")
    p.add_argument("--no-cold-start", action="store_true")
    p.add_argument("--no-national", action="store_true", help="skip the questions about every authority")
    args = p.parse_args(argv)
    if args.quick:
        args.reports, args.large, args.questions, args.no_levers = 20, 60, 60, True
        args.large_minutes = min(args.large_minutes, 5.0)
    if args.measure_rounds < 0:
        p.error("--measure-rounds must be 0 (skip) or more")
    if args.reports < 1 or args.questions < 1:
        p.error("--reports and --questions must be at least 1")
    if args.large and args.large <= args.reports:
        p.error("--large must be larger than --reports (or 0 to skip it)")
    if args.councils < 0:
        p.error("--councils must be 0 (an authority per report) or more")
    return args


def main(argv: list[str] | None = None) -> int:
    configure_offline()  # an entry point: its workers inherit the offline environment
    args = parse_args(argv)
    work = args.work.resolve()
    last_run = work.with_name(work.name + "-last-summary.json")  # beside the work folder, which is wiped
    previous = json.loads(last_run.read_text(encoding="utf-8")) if last_run.exists() else None
    if work.exists():
        shutil.rmtree(work)
    (work / "results").mkdir(parents=True)
    results_dir = work / "results"
    load_before = machine_load()
    log(f"machine: {load_before}; embedding backend: {Settings().embedding.backend or 'default'}")
    bench_started = time.perf_counter()

    log(f"building {args.reports} synthetic reports from {args.corpus}")
    templates = load_templates(args.corpus)
    reports = build_set(templates, args.reports, work / "reports", councils=args.councils)
    files = write_lines(results_dir / "files-main.txt", [str(r.path) for r in reports])
    authorities = list(dict.fromkeys(r.authority for r in reports))
    questions = write_questions(results_dir / "questions-main.jsonl", authorities, args.questions)
    ranking_flags = []
    if (args.corpus.parent / "facts").is_dir() and RANKING_GOLD.is_file():
        gold = ranking_gold(reports, args.corpus.parent / "facts", RANKING_GOLD)
        ranking_flags = ["--rankings", str(write_gold(gold, results_dir / "rankings-main.jsonl"))]
    else:
        log(f"no ranking questions: {args.corpus.parent / 'facts'} or {RANKING_GOLD} is missing")
    ours_store = work / "stores" / f"ours-{args.reports}"

    off_runs, on_runs = [], []

    def measures_off(round_no: int) -> None:
        log(f"our ingest with measure reading off ({round_no} of {args.measure_rounds}): {args.reports} reports")
        off_runs.append(run_phase("ingest-ours", results_dir, "--store", str(work / "stores" / f"measures-off-{round_no}"),
                                  "--files", str(files), "--no-measures"))

    if args.measure_rounds:
        measures_off(1)
    log(f"our ingest: {args.reports} reports")
    ours = run_phase("ingest-ours", results_dir, "--store", str(ours_store), "--files", str(files))
    if ours["n_failed"]:
        raise SystemExit(f"bench: {ours['n_failed']} synthetic report(s) failed to ingest, e.g. {ours['failed'][:2]}")
    on_runs.append(ours)
    for round_no in range(2, args.measure_rounds + 1):
        measures_off(round_no)
        log(f"our ingest as shipped ({round_no} of {args.measure_rounds}): {args.reports} reports")
        on_runs.append(run_phase("ingest-ours", results_dir, "--store", str(work / "stores" / f"measures-on-{round_no}"),
                                 "--files", str(files)))
    from vectorstore.store import remove_library  # here, as copy_library below: the bench starts without the store's imports
    for extra in sorted(p for p in (work / "stores").glob("measures-*") if p.is_dir()):
        remove_library(extra)  # only their timings are wanted; a 150-report store is hundreds of MB
    costs = measure_cost(off_runs, on_runs) if off_runs else None
    base = base_q = None
    if not args.no_baseline:
        log("baseline ingest (RecursiveCharacterTextSplitter + Chroma.from_documents)")
        base = run_phase("ingest-baseline", results_dir, "--ours", str(ours_store),
                         "--store", str(work / "stores" / f"baseline-{args.reports}"))
    log(f"our questions: {args.questions} at {args.reports} reports")
    query_flags = ["--skip-national"] if args.no_national else []
    sweep_here = ["--hnsw-sweep"] if args.hnsw_sweep and not args.large else []  # the sweep runs at the largest size
    ours_q = run_phase("queries-ours", results_dir, "--store", str(ours_store), "--questions", str(questions),
                       *query_flags, *sweep_here, *ranking_flags)
    if base is not None:
        log("baseline questions (similarity_search)")
        base_q = run_phase("queries-baseline", results_dir, "--store", str(work / "stores" / f"baseline-{args.reports}"),
                           "--questions", str(questions))
    cold = None
    if not args.no_cold_start:
        log("cold start: a new process, import, load, first answer")
        cold = cold_start(results_dir, ours_store, authorities[0])
    levers = None
    if not args.no_levers:
        log("embedding levers: backends, batch sizes")
        levers = run_phase("levers", results_dir, "--files", str(files))

    large = large_q = large_cold = None
    if args.large:
        log(f"large size: up to {args.large} reports or {args.large_minutes:g} minutes of ingest")
        more = build_set(templates, args.large, work / "reports", start=args.reports, councils=args.councils)
        more_files = write_lines(results_dir / "files-large.txt", [str(r.path) for r in more])
        large_store = work / "stores" / "ours-large"
        from vectorstore.store import copy_library

        copy_library(ours_store, large_store)  # its folder and the database beside it
        large = run_phase("ingest-ours", results_dir, "--store", str(large_store), "--files", str(more_files),
                          "--batch", "100", "--budget-s", str(args.large_minutes * 60))
        n_large = large["store_reports"]
        large_authorities = list(dict.fromkeys(authorities + [r.authority for r in more][: n_large - args.reports]))
        large_questions = write_questions(results_dir / "questions-large.jsonl", large_authorities, args.questions)
        log(f"our questions: {args.questions} at {n_large} reports; HNSW recall against exact search")
        large_q = run_phase("queries-ours", results_dir, "--store", str(large_store), "--questions", str(large_questions),
                            *query_flags, *(["--hnsw-sweep"] if args.hnsw_sweep else []))
        if not args.no_cold_start:
            large_cold = cold_start(results_dir, large_store, large_authorities[-1])

    load_after = machine_load()
    summary = combine(args, ours, base, ours_q, base_q, cold, levers, large, large_q, large_cold,
                      load_before, load_after, time.perf_counter() - bench_started)
    summary["measure_cost"] = costs
    summary["headline"]["measures_ingest_wall_ratio"] = costs and costs["wall_ratio"]
    summary["headline"]["measures_ingest_cpu_ratio"] = costs and costs["cpu_ratio"]
    (results_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    last_run.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    from bench.report import changes, table

    print(table(summary))
    print(changes(previous, summary, last_run))
    print(json.dumps(summary["headline"], separators=(",", ":")))
    return 0


# The first question of a new process: one about a council (scoped, as the app's filter or "My
# council" makes it) and one about every council (no scope: the app's first example question).
COLD_QUESTIONS = (("How long did people wait for an assessment?", True),
                  ("How long do people wait for a Care Act assessment?", False))


def cold_start(results_dir: Path, store: Path, authority: str) -> dict:
    """Each cold question in a new process: from the moment it is started to its first answer
    (what a person waits for), and to its exit. The slower to answer leads; both are kept."""
    runs = []
    for question, scoped in COLD_QUESTIONS:
        spawned = time.time()
        result = run_phase("cold-start", results_dir, "--store", str(store), "--question", question,
                           *(["--scope", authority] if scoped else []))
        result["process_total_s"] = result.pop("process_s")
        result["to_first_answer_s"] = round(result.pop("answered_at") - spawned, 2)
        result["question"], result["scope"] = question, authority if scoped else "every council"
        runs.append(result)
    return {**max(runs, key=lambda r: r["to_first_answer_s"]), "runs": runs}


def combine(args, ours, base, ours_q, base_q, cold, levers, large, large_q, large_cold,
            load_before: str, load_after: str, seconds: float) -> dict:
    """Every phase's numbers, plus the headline the JSON line carries."""
    largest_q = large_q or ours_q
    largest_n = large["store_reports"] if large else args.reports
    largest_chunks = (ours["chunks"] + large["chunks"]) if large else ours["chunks"]
    headline = {
        "n_reports": args.reports,
        "n_chunks": ours["chunks"],
        "ingest_s": ours["seconds"],
        "ingest_reports_per_s": ours["reports_per_s"],
        "ingest_chunks_per_s": ours["chunks_per_s"],
        "ingest_cpu_s": ours.get("cpu_s"),
        "baseline_ingest_cpu_s": base.get("cpu_s") if base else None,
        "baseline_n_chunks": base["chunks"] if base else None,
        "baseline_ingest_s": base["seconds"] if base else None,
        "baseline_ingest_chunks_per_s": base["chunks_per_s"] if base else None,
        "baseline_ingest_reports_per_s": base["reports_per_s"] if base else None,
        "questions": ours_q["questions"],
        "query_p50_ms": ours_q["answer"]["p50_ms"],
        "query_p95_ms": ours_q["answer"]["p95_ms"],
        "retrieval_p50_ms": ours_q["retrieval"]["p50_ms"],
        "retrieval_p95_ms": ours_q["retrieval"]["p95_ms"],
        "sentences_embedded_per_question": ours_q.get("sentences_embedded_per_question"),
        "ranking_p50_ms": (ours_q.get("rankings") or {}).get("time", {}).get("p50_ms"),
        "ranking_p95_ms": (ours_q.get("rankings") or {}).get("time", {}).get("p95_ms"),
        "ranking_questions_right": ((ours_q.get("rankings") or {}).get("summary") or {}).get("questions_right"),
        "baseline_query_p50_ms": base_q["answer"]["p50_ms"] if base_q else None,
        "baseline_query_p95_ms": base_q["answer"]["p95_ms"] if base_q else None,
        "peak_rss_mb": max(ours["peak_rss_mb"], ours_q["peak_rss_mb"]),
        "ingest_peak_rss_mb": ours["peak_rss_mb"],
        "serve_peak_rss_mb": ours_q["peak_rss_mb"],
        "baseline_peak_rss_mb": base["peak_rss_mb"] if base else None,
        "store_mb": ours["store_mb"],
        "baseline_store_mb": base["store_mb"] if base else None,
        "largest_n_reports": largest_n,
        "largest_n_chunks": largest_chunks,
        "largest_query_p50_ms": largest_q["answer"]["p50_ms"],
        "largest_query_p95_ms": largest_q["answer"]["p95_ms"],
        "largest_retrieval_p50_ms": largest_q["retrieval"]["p50_ms"],
        "largest_retrieval_p95_ms": largest_q["retrieval"]["p95_ms"],
        "largest_store_mb": large["store_mb"] if large else ours["store_mb"],
        "largest_ingest_chunks_per_s": large["chunks_per_s"] if large else ours["chunks_per_s"],
        "largest_capped_by_time": bool(large and largest_n < args.large),
        "largest_asked": args.large or args.reports,
        "councils": args.councils,
        "largest_national_ms": largest_q.get("national_ms", {}),
        "recall_at_10": largest_q["recall"]["unfiltered"],
        "recall_at_10_scoped": largest_q["recall"]["scoped"],
        "cold_start_s": cold["process_total_s"] if cold else None,
        "largest_cold_start_s": large_cold["process_total_s"] if large_cold else None,
        "cold_start_to_answer_s": cold["to_first_answer_s"] if cold else None,
        "largest_cold_start_to_answer_s": large_cold["to_first_answer_s"] if large_cold else None,
        "embedding_backend": ours.get("backend"),
        "machine": load_before,
        "machine_after": load_after,
        "bench_minutes": round(seconds / 60, 1),
    }
    return {
        "headline": headline, "ours_ingest": ours, "baseline_ingest": base, "ours_questions": ours_q,
        "baseline_questions": base_q, "cold_start": cold, "levers": levers, "large_ingest": large,
        "large_questions": large_q, "large_cold_start": large_cold,
    }


if __name__ == "__main__":
    sys.exit(main())
