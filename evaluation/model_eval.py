"""`make eval-model`: the configured chat model beside the quoted answers, on a fixed sample of the gold.

    python -m evaluation.model_eval --store DIR [--out DIR] [--per-report N] QA.jsonl...

The sample is stratified and fixed: from each report's file, its fact, multi, summary, action and
unanswerable questions, and from the comparison file its compare questions, each type's questions
ordered by a hash of their id (so the choice depends on nothing but the ids) and the first few
taken. Both answerers answer the same questions from the same store, asked the way `make eval`
asks them; the same table is printed for each, then what only a model can get wrong: a "do not
say" where the quoted answer answers, a figure given for a question the reports do not answer,
how often the quoted answer had to stand in, how often checking had to supply a marker, and time
to first word and to the whole answer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evaluation.gold import GoldItem, Outcome, load_gold
from evaluation.metrics import format_table, measure
from cqc.text.numbers import stated_figures
from config import Settings, configure_offline, get_settings

# Per report file: how many questions of each type; compare questions come from compare.jsonl.
PER_REPORT = {"fact": 2, "multi": 1, "summary": 1, "action": 1, "unanswerable": 1}
COMPARE = 8
ANSWERABLE = ("fact", "multi", "summary", "action", "compare")


def _order(qid: str) -> str:
    return hashlib.sha256(qid.encode()).hexdigest()


def stratified_sample(files: list[str], per_report: dict[str, int] = PER_REPORT, compare: int = COMPARE) -> list[GoldItem]:
    """The fixed sample: by file, by type, the first questions in id-hash order."""
    chosen: list[GoldItem] = []
    for path in sorted(files):
        items = load_gold([path])
        wanted = {"compare": compare} if all(i.type == "compare" for i in items) else per_report
        for kind, n in wanted.items():
            of_kind = sorted((i for i in items if i.type == kind), key=lambda i: _order(i.qid))
            chosen.extend(of_kind[:n])
    return chosen


@dataclass
class Run:
    """One answer with what the model-specific numbers need."""

    qid: str
    type: str
    question: str
    answer: str
    abstained: bool
    backend: str
    kind: str
    cited: int
    attributed: int
    removed: int
    first_piece_s: float
    seconds: float
    figures: list[str]
    removals: list[dict] = field(default_factory=list)  # what checking took out, and why


def run_answerer(settings: Settings, items: list[GoldItem], answerer: str, progress: bool = True) -> tuple[list[Outcome], list[Run]]:
    from assistant.chain import Assistant
    from cqc.records import SearchFilter
    from evaluation.runners import outcome_of
    from vectorstore.store import LibraryStore

    store = LibraryStore(settings.replace(answerer=answerer))
    assistant = Assistant(store)
    outcomes, runs = [], []
    for n, item in enumerate(items, 1):
        start = time.perf_counter()
        stream = assistant.stream(item.question, scope=SearchFilter(authorities=tuple(item.scope)), home=item.home)
        first = None
        for piece in stream:
            if first is None and piece.strip():
                first = time.perf_counter() - start
        answer = stream.answer
        assert answer is not None
        seconds = time.perf_counter() - start
        outcomes.append(outcome_of(answer, seconds))
        runs.append(Run(
            qid=item.qid, type=item.type, question=item.question, answer=answer.answer, abstained=answer.abstained,
            backend=answer.backend, kind=answer.kind, cited=len(answer.citations), attributed=len(answer.attributed),
            removed=len(answer.removed), first_piece_s=first if first is not None else seconds, seconds=seconds,
            figures=stated_figures(answer.answer) if not answer.abstained else [],
            removals=[r.as_json() for r in answer.removed] + [{**r.as_json(), "attributed": True} for r in answer.attributed],
        ))
        if progress:
            print(f"  [{answerer}] {n}/{len(items)} {item.qid}: {seconds:.1f} s ({answer.backend})", file=sys.stderr, flush=True)
    store.close()
    return outcomes, runs


def model_numbers(items: list[GoldItem], quoted: list[Run], model: list[Run]) -> dict[str, float]:
    """What only a writing model can get wrong, against the quoted answers to the same questions."""
    answerable = [(q, m) for i, q, m in zip(items, quoted, model) if i.type in ANSWERABLE]
    unanswerable = [m for i, m in zip(items, model) if i.type == "unanswerable"]
    reached = [m for m in model if m.backend != "catalog"]  # rating and score questions never reach a model
    standing = [m for m in reached if m.kind in ("generated", "comparison", "actions") and "quoted from" not in m.backend]
    n = len(model)
    return {
        "questions": n,
        "false_not_say": sum(m.abstained and not q.abstained for q, m in answerable),
        "figure_for_unanswerable": sum(not m.abstained and bool(m.figures) for m in unanswerable),
        "reached_model": len(reached),
        "quoted_stood_in": sum("quoted from" in m.backend for m in reached) / len(reached) if reached else 0.0,
        "quoted_lines_in_comparisons": sum("; quoted for" in m.backend for m in reached),
        "model_answer_stood": len(standing) / len(reached) if reached else 0.0,
        "attribution_needed": sum(m.attributed > 0 for m in reached) / len(reached) if reached else 0.0,
        "attributed_sentences": sum(m.attributed for m in reached),
        "first_piece_s": sum(m.first_piece_s for m in model) / n if n else 0.0,
        "seconds": sum(m.seconds for m in model) / n if n else 0.0,
        "max_seconds": max((m.seconds for m in model), default=0.0),
    }


def targets(quoted: dict, model: dict, extra: dict) -> list[tuple[str, bool]]:
    """Issue 17's "done when", as checks on this run."""
    q, m = quoted["overall"], model["overall"]
    return [
        (f"cited support {m.get('cited_support', 0):.3f} >= quoted {q.get('cited_support', 0):.3f}",
         m.get("cited_support", 0) >= q.get("cited_support", 0)),
        (f"compared councils all cited: {model.get('compare', {}).get('all_authorities_cited', 0):.3f} (quoted "
         f"{quoted.get('compare', {}).get('all_authorities_cited', 0):.3f})",
         model.get("compare", {}).get("all_authorities_cited", 1.0) >= 1.0),
        (f"false 'do not say' where the quoted answer answers: {extra['false_not_say']}", extra["false_not_say"] == 0),
        (f"figure given for an unanswerable question: {extra['figure_for_unanswerable']}", extra["figure_for_unanswerable"] == 0),
    ]


def main(argv: list[str] | None = None) -> int:
    configure_offline()  # an entry point: before anything loads a model
    parser = argparse.ArgumentParser(prog="python -m evaluation.model_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--store")
    parser.add_argument("--out", default="build/eval-model", help="folder for results.json and answers.jsonl")
    args = parser.parse_args(argv)
    settings = Settings(store_dir=args.store) if args.store else get_settings()
    if settings.llm.answerer == "extractive":
        print("make eval-model measures a chat model: set CQC_ANSWERER=local (with CQC_LLM_MODEL_PACKAGE or "
              "CQC_LLM_MODEL_PATH) or CQC_ANSWERER=openai (with CQC_LLM_BASE_URL and CQC_LLM_MODEL).", file=sys.stderr)
        return 2
    from assistant.llm.backends import BackendConfigError, backend_name
    from assistant.llm.local import LocalModelError
    from vectorstore.store import StoreError

    items = stratified_sample(args.files)
    counts = {t: sum(i.type == t for i in items) for t in dict.fromkeys(i.type for i in items)}
    print(f"{len(items)} questions sampled: " + ", ".join(f"{t} {n}" for t, n in counts.items()), flush=True)
    try:
        q_out, q_runs = run_answerer(settings, items, "extractive")
        m_out, m_runs = run_answerer(settings, items, settings.llm.answerer)
    except (StoreError, BackendConfigError, LocalModelError) as exc:
        print(f"python -m evaluation.model_eval: {exc}", file=sys.stderr)
        return 2
    quoted, model = measure(items, q_out), measure(items, m_out)
    extra = model_numbers(items, q_runs, m_runs)
    name = backend_name(settings)
    print()
    print(format_table("quoted (extractive answers)", quoted))
    print()
    print(format_table(f"model-written ({name}, checked)", model))
    print()
    print(f"model: {name}; threads {settings.llm.threads}; context {settings.llm.context_tokens} tokens")
    for key, value in extra.items():
        print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    checks = targets(quoted, model, extra)
    for text, ok in checks:
        print(f"{'met    ' if ok else 'NOT MET'} {text}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(
        {"model": name, "quoted": quoted, "model_written": model, "model_numbers": extra,
         "targets": [{"check": t, "met": ok} for t, ok in checks]}, indent=2), encoding="utf-8")
    with (out / "answers.jsonl").open("w", encoding="utf-8") as f:
        for q, m in zip(q_runs, m_runs):
            f.write(json.dumps({"quoted": asdict(q), "model": asdict(m)}, ensure_ascii=False) + "\n")
    print(f"\nwrote {out / 'results.json'} and {out / 'answers.jsonl'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
