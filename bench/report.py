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
    row("serving peak RSS (MB)", f"{oq['peak_rss_mb']:.0f}", _v(bq and bq["peak_rss_mb"], "{:.0f}"))
    for kind, s in oq["answer_by_kind"].items():
        row(f"  {kind} ({s['n']}) p50 / p95", f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f}")
    _sentences(row, oq)
    _national(row, oq)
    _rankings(row, oq)

    large, lq = summary["large_ingest"], summary["large_questions"]
    if large and lq:
        capped = " (capped by the time budget)" if h["largest_capped_by_time"] else ""
        section(f"Largest size: {h['largest_n_reports']} reports, {h['largest_n_chunks']} chunks{capped}")
        row(f"ingest of the added {large['reports']} reports (s)", f"{large['seconds']:.1f}")
        row("chunks/s while growing", f"{large['chunks_per_s']:.1f}")
        row("store on disk (MB)", f"{large['store_mb']:.1f}")
        row("retrieval p50 / p95 (ms)", _pair(lq, "retrieval"))
        row("end-to-end p50 / p95 (ms)", _pair(lq))
        row("answers citing only the asked authority", f"{lq['on_target']:.0%}")
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
            row("new process total (s)", f"{cold['process_total_s']:.1f}")
            row("import / load store+model / first answer (s)",
                f"{cold['import_s']:.1f} / {cold['load_s']:.1f} / {cold['first_answer_s']:.1f}")

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
    lines.append(f"machine: {h['machine']} at start; {h['machine_after']} at the end; "
                 f"embedding backend {h['embedding_backend']}; {h['bench_minutes']} minutes")
    return "\n".join(lines)
