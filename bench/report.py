"""The benchmark's table, from the summary `bench.__main__.combine` builds."""

from __future__ import annotations


def _pair(d: dict | None, key: str = "answer") -> str:
    if not d:
        return "-"
    s = d[key]
    return f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f}"


def _v(value, fmt: str = "{}") -> str:
    return "-" if value is None else fmt.format(value)


def _sentences(row, q: dict) -> None:
    n = q.get("sentences_embedded_per_question")
    if n is not None:
        row("sentences embedded per question (the rest stored at ingest)", f"{n:.1f}")


def _national(row, q: dict) -> None:
    for text, ms in q.get("national_ms", {}).items():
        row(f"national: {text}", ms if isinstance(ms, str) else f"{ms:.0f} ms")


def _stages(lines: list[str], q: dict | None, title: str) -> None:
    """The per-stage profile of one size: rows of question kinds, columns of stages."""
    from bench.profile import STAGE_NOTE, profile_table
    from bench.questions import KIND_LABELS

    rows = (q or {}).get("stages_ms")
    if not rows:
        return
    labelled = {KIND_LABELS.get(kind, kind): row for kind, row in rows.items()}
    lines += profile_table(labelled, title) + [STAGE_NOTE]


def _rankings(row, q: dict) -> None:
    r = q.get("rankings")
    if not r:
        return
    s = r["summary"]
    row(f"ranking questions across every council ({int(s['n'])}, {r['rows']} rows) p50 / p95 (ms)",
        f"{r['time']['p50_ms']:.0f} / {r['time']['p95_ms']:.0f}", f"slowest {r['time']['max_ms']:.0f} ms")
    row("  questions right (every row right and cited) / rows right / rows cited",
        f"{s['questions_right']:.3f} / {s['rows_right']:.3f} / {s['rows_cited']:.3f}")
    for wrong in r.get("wrong", [])[:5]:
        row("  wrong", wrong[:160])


def measure_cost_lines(cost: dict | None) -> list[str]:
    """Ingest with measure reading off and on, every run in the order it ran, and the ratios."""
    if not cost:
        return []
    lines = [f"Measure reading's cost to ingest: the same {cost['reports']} reports ({cost['chunks']} chunks), "
             f"off and on alternately, {cost['rounds']} round(s)"]
    for name, key in (("off (no measure records)", "off"), (f"on, as shipped ({cost['on']['figures']} records)", "on")):
        side = cost[key]
        runs = ", ".join(f"{r['seconds']:.1f} s / {r['chunks_per_s']:.1f} chunks/s / {r['cpu_s']:.1f} CPU-s"
                         for r in side["runs"])
        lines.append(f"  {name}: median {side['seconds']:.1f} s wall, {side['chunks_per_s']:.1f} chunks/s, "
                     f"{side['cpu_s']:.1f} CPU-s; runs {runs}")
    lines.append(f"  on / off: wall time {cost['wall_ratio']:.3f}, CPU time {cost['cpu_ratio']:.3f} "
                 f"(issue 24 asks at most 1.10)")
    return lines


# Issue 30's targets, each read from this run's summary: (what, measured, limit, met when <= limit).
CATALOG_LOOKUP = "Which authorities scored 1 for Safeguarding?"


def targets(summary: dict) -> list[tuple[str, float | None, float, bool]]:
    """What issue 30 asks of the largest size (and of ingest at the main size), as measured here:
    (target, value, limit, lower is better); a value of None was not measured in this run."""
    h = summary["headline"]
    lq = summary["large_questions"] or summary["ours_questions"]
    national = [v for v in lq.get("national_ms", {}).values() if isinstance(v, (int, float))]
    stopped = any(isinstance(v, str) for v in lq.get("national_ms", {}).values())
    lookup = lq.get("national_ms", {}).get(CATALOG_LOOKUP)  # ms, or a note that it was stopped
    score_kind = lq.get("answer_by_kind", {}).get("score", {}).get("p95_ms")
    catalog_ms = [v for v in (lookup, score_kind) if isinstance(v, (int, float))]
    catalog = max(catalog_ms) if catalog_ms else None
    base = summary["baseline_ingest"]
    cold = summary["large_cold_start"] or summary["cold_start"]
    return [
        ("reports in the largest library", h["largest_n_reports"], 1000, False),
        ("end-to-end p95 (ms)", lq["answer"]["p95_ms"], 100, True),
        ("slowest national question (ms)", None if stopped or not national else max(national), 300, True),
        ("catalog lookup: that question, and the score questions' p95 (ms)", catalog, 50, True),
        ("cold start, new process to first answer (s)",
         cold and cold.get("to_first_answer_s", cold["process_total_s"]), 3, True),
        ("serving peak RSS (MB)", lq["peak_rss_mb"], 1000, True),
        ("dense recall@10, unfiltered", lq["recall"]["unfiltered"], 0.98, False),
        (f"ingest wall time at {h['n_reports']} reports / the plain pipeline's",
         round(summary["ours_ingest"]["seconds"] / base["seconds"], 3) if base else None, 1.0, True),
    ]


def target_lines(summary: dict) -> list[str]:
    lines = [f"Issue 30's targets, at the largest size ({summary['headline']['largest_n_reports']} reports) "
             "and for ingest at the main size:"]
    for name, value, limit, lower in targets(summary):
        if value is None:
            verdict = "not measured in this run"
        else:
            met = value <= limit if lower else value >= limit
            verdict = f"{value:g} ({'<' if lower else '>='} {limit:g}: {'met' if met else 'NOT met'})"
        lines.append(f"  {name}: {verdict}")
    return lines


def table(summary: dict) -> str:
    h = summary["headline"]
    ours, base = summary["ours_ingest"], summary["baseline_ingest"]
    oq, bq = summary["ours_questions"], summary["baseline_questions"]
    rows: list[tuple[str, str, str]] = []

    def section(title: str) -> None:
        rows.append((title, "", ""))

    def row(name: str, mine: str, theirs: str = "") -> None:
        rows.append(("  " + name, mine, theirs))

    section(f"Ingest, {h['n_reports']} synthetic reports")
    row("wall time (s)", f"{ours['seconds']:.1f}", _v(base and base["seconds"], "{:.1f}"))
    if "cpu_s" in ours:
        row("CPU time (s)", f"{ours['cpu_s']:.1f}", _v(base and base.get("cpu_s"), "{:.1f}"))
    row("reports/s", f"{ours['reports_per_s']:.2f}", _v(base and base["reports_per_s"], "{:.2f}"))
    row("chunks", str(ours["chunks"]), _v(base and base["chunks"]))
    row("chunks/s", f"{ours['chunks_per_s']:.1f}", _v(base and base["chunks_per_s"], "{:.1f}"))
    row("model load (s, apart)", f"{ours['model_load_s']:.1f}", _v(base and base["model_load_s"], "{:.1f}"))
    row("peak RSS (MB)", f"{ours['peak_rss_mb']:.0f}", _v(base and base["peak_rss_mb"], "{:.0f}"))
    row("store on disk (MB)", f"{ours['store_mb']:.1f}", _v(base and base["store_mb"], "{:.1f}"))
    section(f"Questions, {oq['questions']} at {oq['reports']} reports")
    row("retrieval p50 / p95 (ms)", _pair(oq, "retrieval"), "-")
    row("end-to-end p50 / p95 (ms)", _pair(oq), _pair(bq))
    row("answers citing only the asked authority", f"{oq['on_target']:.0%}", _v(bq and bq["on_target"], "{:.0%}"))
    row("abstained", f"{oq['abstained']:.0%}", "never (by construction)")
    row("answers citing another authority", _v(oq.get("citing_another_authority"), "{}"))
    row("serving peak RSS (MB)", f"{oq['peak_rss_mb']:.0f}", _v(bq and bq["peak_rss_mb"], "{:.0f}"))
    for kind, s in oq["answer_by_kind"].items():
        row(f"  {kind} ({s['n']}) p50 / p95", f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f}")
    _sentences(row, oq)
    _national(row, oq)
    _rankings(row, oq)

    large, lq = summary["large_ingest"], summary["large_questions"]
    if large and lq:
        capped = (f" (asked for {h.get('largest_asked')}: the ingest time budget allowed {h['largest_n_reports']})"
                  if h["largest_capped_by_time"] else "")
        section(f"Largest size: {h['largest_n_reports']} reports, {h['largest_n_chunks']} chunks{capped}")
        row(f"ingest of the added {large['reports']} reports (s)", f"{large['seconds']:.1f}")
        row("chunks/s while growing", f"{large['chunks_per_s']:.1f}")
        row("store on disk (MB)", f"{large['store_mb']:.1f}")
        row("retrieval p50 / p95 (ms)", _pair(lq, "retrieval"))
        row("end-to-end p50 / p95 (ms)", _pair(lq))
        row("answers citing only the asked authority", f"{lq['on_target']:.0%}")
        row("abstained / answers citing another authority",
            f"{lq['abstained']:.0%} / {_v(lq.get('citing_another_authority'), '{}')}")
        row("serving peak RSS (MB)", f"{lq['peak_rss_mb']:.0f}")
        _sentences(row, lq)
        _national(row, lq)
    recall = (lq or oq)["recall"]
    section(f"Dense recall@10, Chroma HNSW vs exact, {recall['vectors']} vectors {recall['configuration']}")
    row("unfiltered / scoped to the authority", f"{recall['unfiltered']:.3f} / {_v(recall['scoped'], '{:.3f}')}")
    for r in recall.get("sweep") or []:
        row(f"  re-indexed: M {r['max_neighbors']}, construction ef {r['ef_construction']}, ef_search {r['ef_search']}",
            f"{r['recall']:.3f} unfiltered", f"build {r['build_s']:.0f} s, {r['query_ms']:.1f} ms a query")

    for label, cold in (("at the main size", summary["cold_start"]), ("at the largest size", summary["large_cold_start"])):
        if cold:
            section(f"Cold start to first answer, {label}: {cold['path']}")
            for run in cold.get("runs", [cold]):
                if "question" in run:
                    row(f"\"{run['question']}\" ({run['scope']})", "")
                if "to_first_answer_s" in run:
                    row("  new process to its first answer / to its exit (s)",
                        f"{run['to_first_answer_s']:.2f} / {run['process_total_s']:.2f}")
                else:
                    row("  new process total (s)", f"{run['process_total_s']:.1f}")
                row("  import / load store+model / first answer (s)",
                    f"{run['import_s']:.2f} / {run['load_s']:.2f} / {run['first_answer_s']:.2f}")

    levers = summary["levers"]
    if levers:
        section(f"Embedding backends ({levers['chunks']} chunks, {levers['sentences']} sentences, median of {levers['rounds']} rounds)")
        for name, b in levers["backends"].items():
            default = " (default)" if name == levers["default_backend"] else ""
            row(f"{name}{default}: chunks/s (per CPU-s), 125 sentences ms, query ms",
                f"{b['chunks_per_s']:.1f} ({b['chunks_per_cpu_s']:.1f}), {b['sentences_125_ms']:.0f}, {b['query_ms']:.0f}",
                f"cosine vs torch min {b['cosine_vs_torch_min']:.4f}, mean {b['cosine_vs_torch_mean']:.4f}")
        sizes = ", ".join(f"{k}: {v:.0f}" for k, v in levers["batch_size_chunks_per_s"].items())
        row(f"batch size -> chunks per CPU-s (default {levers['default_batch_size']})", sizes)
        cross = levers["cross_report_batching"]
        row("one call per report / one call for all (chunks per CPU-s)",
            f"{cross['per_report_chunks_per_s']:.0f} / {cross['one_call_chunks_per_s']:.0f}")
        row("second model load in a process (ms)", f"{levers['second_load_ms']:.3f}")

    body = [r for r in rows if r[1] or r[2]]
    width = max(len(r[0]) for r in body) + 2
    mid = max(len(r[1]) for r in body) + 2
    lines = [f"{'':{width}}{'ours':{mid}}baseline (plain LangChain)"]
    for name, mine, theirs in rows:
        lines.append(f"{name:{width}}{mine:{mid}}{theirs}".rstrip() if (mine or theirs) else name)
    lines += measure_cost_lines(summary.get("measure_cost"))
    lines += target_lines(summary)
    _stages(lines, oq, f"Where a question's time goes at {oq['reports']} reports (profile pass, mean ms)")
    if lq:
        _stages(lines, lq, f"Where a question's time goes at {lq['reports']} reports (profile pass, mean ms)")
    lines.append(f"machine: {h['machine']} at start; {h['machine_after']} at the end; "
                 f"embedding backend {h['embedding_backend']}; {h['bench_minutes']} minutes")
    return "\n".join(lines)


# The numbers compared with the last run, with the direction that is better.
COMPARED = (
    ("ingest_s", "ingest wall time (s), main size", "lower"),
    ("baseline_ingest_s", "plain pipeline ingest wall time (s)", "lower"),
    ("ingest_chunks_per_s", "ingest chunks/s", "higher"),
    ("ingest_cpu_s", "ingest CPU time (s), main size", "lower"),
    ("measures_ingest_wall_ratio", "ingest wall time, measures on / off", "lower"),
    ("measures_ingest_cpu_ratio", "ingest CPU time, measures on / off", "lower"),
    ("baseline_ingest_cpu_s", "plain pipeline ingest CPU time (s)", "lower"),
    ("query_p50_ms", "end-to-end p50 (ms), main size", "lower"),
    ("query_p95_ms", "end-to-end p95 (ms), main size", "lower"),
    ("retrieval_p95_ms", "retrieval p95 (ms), main size", "lower"),
    ("serve_peak_rss_mb", "serving peak RSS (MB), main size", "lower"),
    ("cold_start_s", "cold start (s), main size", "lower"),
    ("largest_n_reports", "largest size (reports)", "higher"),
    ("largest_ingest_chunks_per_s", "chunks/s while growing to it", "higher"),
    ("largest_query_p50_ms", "end-to-end p50 (ms), largest size", "lower"),
    ("largest_query_p95_ms", "end-to-end p95 (ms), largest size", "lower"),
    ("largest_retrieval_p95_ms", "retrieval p95 (ms), largest size", "lower"),
    ("recall_at_10", "dense recall@10, largest size", "higher"),
    ("largest_cold_start_s", "cold start (s), largest size", "lower"),
    ("cold_start_to_answer_s", "new process to first answer (s), main size", "lower"),
    ("largest_cold_start_to_answer_s", "new process to first answer (s), largest size", "lower"),
)


def changes(previous: dict | None, summary: dict, kept: object) -> str:
    """This run beside the last one: each headline number, the change and whether it is better.
    Sizes and machine load are printed too: a change in either explains many others."""
    if not previous:
        return f"No earlier run to compare with; this run's summary is kept in {kept} for the next."
    was, now = previous.get("headline", {}), summary["headline"]
    rows = [("", "last run", "this run", "change")]

    def add(name: str, a, b, better: str) -> None:
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            rows.append((name, _v(a), _v(b), ""))
            return
        change = f"{(b - a) / a:+.0%}" if a else ""
        if a != b:
            change += " (better)" if (b > a) == (better == "higher") else " (worse)"
        rows.append((name, f"{a:g}", f"{b:g}", change))

    for key, name, better in COMPARED:
        add(name, was.get(key), now.get(key), better)
    national_was = was.get("largest_national_ms") or {}
    for text, ms in (now.get("largest_national_ms") or {}).items():
        add(f"national, largest size: {text}", national_was.get(text), ms, "lower")
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"Beside the last run ({kept}; its summary is replaced by this one's):"]
    lines += [f"  {a:{width}}{b:>12}{c:>12}  {d}" for a, b, c, d in rows]
    lines.append(f"  sizes: last run {was.get('n_reports')} / {was.get('largest_n_reports')} reports "
                 f"({was.get('councils', 'one per report')} councils), this run {now['n_reports']} / "
                 f"{now['largest_n_reports']} ({now.get('councils')} councils)")
    lines.append(f"  machine: last run {was.get('machine')}; this run {now.get('machine')}")
    return "\n".join(lines)
