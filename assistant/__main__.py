"""Command line: ask questions, list the library's reports, evaluate on gold questions.

    python -m assistant ask [--store DIR] [--json] [--authority NAME] [--as COUNCIL] QUESTION
    python -m assistant ask --mode actions [--json] [--authority NAME] [--export FILE.md|.csv|.docx ...] REQUEST
    python -m assistant ask --mode compare --authority A --authority B ... [--json] TOPIC
    python -m assistant ask [--store DIR] --json --questions FILE.jsonl   (lines {"id", "question", "as"?})
    python -m assistant reports [--store DIR] --json
    python -m assistant measures [--store DIR] [--authority A ...] [--measure M ...] [--all] [--json] [--vocabulary]
    python -m assistant brief [--store DIR] AUTHORITY [--export FILE.docx|.md ...]
    python -m assistant eval [--store DIR] [--json] [--baseline] QA.jsonl...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from config import Settings, configure_offline, debug_wanted, get_settings, invalid_settings

configure_offline()  # an entry point: before anything loads a model, Chroma or Streamlit

MAX_ACTIONS = 8  # as assistant.actions.draft.MAX_ACTIONS, which this module does not import before it must


def _settings(store: str | None) -> Settings:
    return Settings(store_dir=store) if store else get_settings()


def _open_store(store: str | None):
    """The library, and a word on stderr when a rebuild of it was stopped before it finished (it
    still answers from the library as it was)."""
    from vectorstore.store import LibraryStore

    library = LibraryStore(_settings(store))
    if library.unfinished_rebuild:
        print(f"note: {library.unfinished_rebuild}", file=sys.stderr)
    return library


def _ask(args: argparse.Namespace) -> int:
    from assistant.chain import Assistant
    from assistant.chain import question_text as as_text  # whatever bytes arrived
    from cqc.records import SearchFilter

    store = _open_store(args.store)
    if store.is_empty():
        print(f"The library at {store.folder} is empty: add reports with `python -m ingest PATH...`.", file=sys.stderr)
        return 2
    assistant = Assistant(store)
    if args.mode == "actions":
        return _actions(args, assistant)
    if args.mode == "compare":
        return _compare(args, assistant)
    scope = SearchFilter(authorities=tuple(as_text(a) for a in args.authority or ()))
    home = as_text(args.home) if args.home else args.home  # None: CQC_HOME_AUTHORITY
    if args.questions:
        return _ask_batch(args, assistant, scope, home)
    if not args.question:
        print("Give a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return 2
    answer = assistant.ask(as_text(" ".join(args.question)), scope=scope, home=home)
    if args.export:
        from assistant.papers.export import ExportError, export_conversation

        try:
            for path in args.export:
                export_conversation([answer], path)
        except ExportError as exc:
            print(exc, file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        for c in answer.citations:
            score = f" ({c.score})" if c.score is not None else ""
            closest = " · the closest finding, not an answer" if c.closest else ""
            print(f"\n[{c.marker}] {c.authority} · {c.quality_statement or '-'}{score} · {c.heading}{closest}\n    {c.quote or c.text}")
        print(f"\n(answered by: {answer.backend})")
        for r in answer.removed:
            print(f"removed by checking: {r.text} — {r.reason}")
    return 0


def _ask_batch(args: argparse.Namespace, assistant, scope, home) -> int:
    """One answer per line, in order. A line that is not a question object, or whose question
    fails, gets an error line of its own (and a message on stderr); every other line is answered.
    Exits 1 when any line could not be answered."""
    from assistant.chain import question_text as as_text

    try:
        raw = Path(args.questions).read_bytes()
    except OSError as exc:
        print(f"{args.questions}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
        return 2
    failed = 0
    for n, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        item: dict = {}
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise TypeError("\"question\" must be text")
            mine = item.get("as", home)  # this question's own council, else the command's
            if mine is not None and not isinstance(mine, str):
                raise TypeError(f"\"as\" must be a council's name, not {mine!r}")
        except (json.JSONDecodeError, TypeError) as exc:
            failed += 1
            print(f"{args.questions}:{n}: not a {{\"id\", \"question\", \"as\"?}} object ({exc})", file=sys.stderr)
            print(json.dumps({"id": item.get("id") if isinstance(item, dict) else None, "line": n,
                              "error": f"not a question object ({exc})"}, ensure_ascii=False), flush=True)
            continue
        try:
            answer = assistant.ask(as_text(item["question"]), scope=scope, home=as_text(mine) if mine else mine)
        except Exception as exc:  # noqa: BLE001  (one line's failure must not cost the others)
            failed += 1
            print(f"{args.questions}:{n}: could not be answered ({type(exc).__name__}: {exc})", file=sys.stderr)
            print(json.dumps({"id": item.get("id"), "line": n, "error": f"could not be answered ({type(exc).__name__})"},
                             ensure_ascii=False), flush=True)
            continue
        print(json.dumps(answer.as_json(item.get("id")), ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _actions(args: argparse.Namespace, assistant) -> int:
    """Draft improvement actions: with the configured chat model when there is one, else from the
    shortfall findings themselves."""
    from assistant.actions.draft import ActionsError, draft_actions
    from assistant.papers.export import ExportError, export_plan

    if not args.question:
        print('Give a request, e.g. "Draft improvement actions for Kingsmere on safeguarding"', file=sys.stderr)
        return 2
    answerer = getattr(assistant, "answerer", None)  # a generative answerer carries its chat model
    try:
        plan = draft_actions(
            assistant, authority=(args.authority or [assistant.home(args.home) or None])[0], question=" ".join(args.question),
            chat_model=getattr(answerer, "model", None), backend_name=getattr(answerer, "name", None),
            max_actions=args.max_actions,
        )
        written = [export_plan(plan, path) for path in args.export or ()]
    except (ActionsError, ExportError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
    else:
        print(f"Improvement actions for {plan.authority} on {plan.topic} (report published {plan.report_date or '-'}; {plan.backend})")
        for n, item in enumerate(plan.items, 1):
            print(f"\n{n}. {item.action}")
            for c in item.citations:
                score = f" ({c.score})" if c.score is not None else ""
                print(f"   [{c.marker}] {c.quality_statement or '-'}{score} · {c.heading}")
            for sentence in item.basis:
                print(f"   finding: {sentence}")
            print(f"   measure: {item.measure or '-'}\n   owner: {item.owner}\n   timescale: {item.timescale}")
        for note in plan.notes:
            print(f"\nnote: {note}")
        if plan.more:
            print(f"\nnote: {plan.more_note()} Ask again with --max-actions {len(plan.items) + len(plan.more)} for all of them.")
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _compare(args: argparse.Namespace, assistant) -> int:
    """Authorities side by side on a topic, as the app's Compare table: each authority's figure on
    it, quoted and cited, with notes where the figures are not like for like. The topic is read on
    its own (no --as council narrows it); with --json, one row per authority."""
    from assistant.compare.table import CompareError, compare_authorities, table_rows

    if not args.question:
        print('Give a topic or question, e.g. "waiting times for assessments"', file=sys.stderr)
        return 2
    try:
        comparison = compare_authorities(assistant, " ".join(args.question), args.authority or [])
    except CompareError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(comparison.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"Side by side: {comparison.topic}" + (f" (measure: {comparison.measure.name})" if comparison.measure else ""))
    for row, shown in zip(comparison.rows, table_rows(comparison)):
        print(f"\n{row.authority}: {shown['Figures']}"
              + (f" ({', '.join(x for x in (row.qualifier, row.as_at) if x)})" if row.gives_figure else ""))
        if row.citation is not None:
            c = row.citation
            print(f"    {shown['What the report says']}\n    [{c.marker}] {c.quality_statement or '-'} · {c.heading}"
                  + (" · the closest finding, not a figure" if c.closest else ""))
    for note in comparison.notes:
        print(f"\nnote: {note}")
    return 0


def _reports(args: argparse.Namespace) -> int:
    store = _open_store(args.store)
    entries = store.reports()
    if args.json:
        for e in entries:
            print(json.dumps(e.as_json(), ensure_ascii=False))
        return 0
    if not entries:
        print("The library is empty.")
    for e in entries:
        score = f"{e.overall_score}/100" if e.overall_score is not None else "-"
        print(f"{e.authority or '(no authority)'}  {e.published or '-'}  {e.rating or '-'}  {score}  {e.chunks} chunks  {e.source}")
    return 0


def _measures(args: argparse.Namespace) -> int:
    """The figures read as data: each a measure record (`cqc.measures`), cited to its finding."""
    from cqc.measures.ranking import format_value
    from cqc.measures.vocabulary import OTHER, vocabulary
    from library.measures import measures_current
    from vectorstore.store import LibraryStore

    vocab = vocabulary()
    if args.vocabulary:
        for m in vocab.measures:
            if args.json:
                print(json.dumps(m.as_json(), ensure_ascii=False))
            else:
                ascof = f"  ASCOF {m.ascof}" if m.ascof else ""
                print(f"{m.key:32} {m.name} ({m.unit}, {m.better} is better){ascof}")
        return 0
    unknown = [m for m in args.measure or () if m != OTHER and vocab.measure(m) is None]
    if unknown:
        print(f"Unknown measure(s): {', '.join(unknown)}. The vocabulary's keys (python -m assistant measures "
              f"--vocabulary): {', '.join(vocab.keys)}, or {OTHER}.", file=sys.stderr)
        return 2
    store = LibraryStore(_settings(args.store))
    held = sorted({r.authority for r in store.reports() if r.authority})
    wanted = [a.strip().lower() for a in args.authority or ()]
    authorities = [a for a in held if any(w in a.lower() for w in wanted)] if wanted else []
    if wanted and not authorities:
        print(f"No report of {', '.join(args.authority)} in the library (it holds: {', '.join(held) or 'none'}).",
              file=sys.stderr)
        return 2
    records = store.measures(authorities, args.measure or ())
    if not args.all and not args.measure:
        records = [r for r in records if r.measure != OTHER]
    if args.json:
        for r in records:
            print(json.dumps(r.as_json(), ensure_ascii=False))
    else:
        current = None
        for r in records:
            if (r.authority, r.report_id) != current:
                current = (r.authority, r.report_id)
                print(f"{r.authority or '(no authority)'} (report published {r.published or '-'})")
            roles = ", ".join(x for x in (r.role if r.role != "value" else "", r.part and f"part: {r.part}") if x)
            compared = (f"{r.comparator.kind} {format_value(r.comparator.value, r.comparator.unit)}"
                        if r.comparator else "")
            finding = r.chunk_id.rpartition(":")[2] or r.chunk_id  # the report is named above
            print(f"  {r.measure:32} {r.figure[:28]:28} {r.qualifier:9} {r.period or '-':10} {roles:18} {compared:24} "
                  f"[{finding}]")
        if not records:
            print("No figures match." if store.reports() else "The library is empty.")
    if not measures_current(store) and store.reports():
        print(f"note: these figures were read by another version of the reader or vocabulary; "
              f"python -m ingest --repair --store {store.folder} reads them again.", file=sys.stderr)
    return 0


def _brief(args: argparse.Namespace) -> int:
    from assistant.chain import Assistant
    from assistant.papers.briefing import brief, briefing_markdown, export_briefing
    from assistant.papers.export import ExportError
    from cqc.records import newest_per_authority

    store = _open_store(args.store)
    wanted = args.authority.strip().lower()
    chosen = newest_per_authority([r for r in store.reports() if wanted in r.authority.lower()])  # as questions use
    if len(chosen) != 1:
        names = ", ".join(sorted(chosen)) or "none"
        held = ", ".join(sorted({r.authority for r in store.reports() if r.authority})) or "none"
        print(f"{args.authority!r} names several authorities: {names}." if chosen else
              f"No report of {args.authority!r} in the library (it holds: {held}).", file=sys.stderr)
        return 2
    b = brief(Assistant(store), next(iter(chosen.values())))
    try:
        for path in args.export or ():
            print(f"wrote {export_briefing(b, path)}", file=sys.stderr)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(briefing_markdown(b))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from evaluation.cli import run_eval

    return run_eval(_settings(args.store), args.files, as_json=args.json, baseline=args.baseline, floors=args.floors,
                    library=args.library, facts=args.facts, measure_facts=args.measure_facts,
                    among_gold=args.among_gold, save=args.save, same_as=args.same_as, rankings=args.rankings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Answer questions over CQC assessment reports.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--store")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--questions", help="JSON lines of {id, question}; one answer per line, same order")
    ask.add_argument("--authority", action="append",
                     help="filter to this authority (repeatable); a council the question names outside it is said to be filtered out")
    ask.add_argument("--as", dest="home", metavar="COUNCIL",
                     help="your own council: what \"we\", \"our\" and a question naming no council mean "
                          "(default $CQC_HOME_AUTHORITY; \"\" for none)")
    ask.add_argument("--mode", choices=("answer", "actions", "compare"), default="answer",
                     help="answer: an answer with citations; actions: draft improvement actions from shortfall findings; "
                          "compare: each --authority's figure on the topic, side by side")
    ask.add_argument("--export", action="append", metavar="FILE",
                     help="also write to FILE by its suffix: actions to .md, .csv or .docx; an answer to .md (repeatable)")
    ask.add_argument("--max-actions", type=int, default=MAX_ACTIONS, metavar="N",
                     help=f"actions: how many the plan drafts (default {MAX_ACTIONS}); it says how many more its findings give")
    reports = sub.add_parser("reports", help="list the reports in the library")
    reports.add_argument("--store")
    reports.add_argument("--json", action="store_true")
    ms = sub.add_parser("measures", help="the figures read from the reports as data (measure records)")
    ms.add_argument("--store")
    ms.add_argument("--authority", action="append", help="only this authority (part of its name; repeatable)")
    ms.add_argument("--measure", action="append", help="only this measure key, or 'other' (repeatable)")
    ms.add_argument("--all", action="store_true", help="also the figures the vocabulary does not know ('other')")
    ms.add_argument("--json", action="store_true", help="one record per line, as JSON")
    ms.add_argument("--vocabulary", action="store_true", help="list the measures the vocabulary knows")
    br = sub.add_parser("brief", help="a briefing on one authority's report: rating, scores, cited summaries")
    br.add_argument("authority")
    br.add_argument("--store")
    br.add_argument("--export", action="append", metavar="FILE", help="also write to FILE.docx or FILE.md (repeatable)")
    ev = sub.add_parser("eval", help="measure retrieval and answers on gold questions")
    ev.add_argument("files", nargs="+")
    ev.add_argument("--store")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--baseline", action="store_true", help="also run a plain LangChain pipeline on the same questions")
    ev.add_argument("--floors", help="JSON file of minimum values; exit 1 when a metric falls below its floor")
    ev.add_argument("--library", help="the section of the floors file for this library (reports, site-text, both)")
    ev.add_argument("--facts", help="a facts file (one object or a list): check the catalog holds each exactly")
    ev.add_argument("--measure-facts", nargs="+", metavar="FACTS.json",
                    help="per-report facts files: score the library's figures read as data against their metrics")
    ev.add_argument("--among-gold", action="store_true",
                    help="ask questions that select no authority with the gold's own authorities selected "
                         "(a library holding other reports besides them)")
    ev.add_argument("--save", metavar="FILE", help="write the table of our numbers as JSON")
    ev.add_argument("--same-as", metavar="FILE",
                    help="a table saved with --save (the same gold in another library): exit 1 when an overall metric moved by more than 0.01")
    ev.add_argument("--rankings", metavar="GOLD.jsonl",
                    help="ranking questions (eval/gold/ranking-questions.jsonl): every row right and cited")
    args = parser.parse_args(argv)
    from pydantic import ValidationError

    from assistant.llm.backends import BackendConfigError
    from assistant.llm.local import LocalModelError
    from vectorstore.store import StoreError

    try:
        return {"ask": _ask, "reports": _reports, "measures": _measures, "brief": _brief,
                "eval": _eval}[args.command](args)
    except (StoreError, BackendConfigError, LocalModelError) as exc:
        # A library that cannot be opened or read (a damaged catalog, a full disk, missing vectors),
        # or a model that is not set up: say what and how to fix it.
        print(f"python -m assistant: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"python -m assistant: a CQC_ setting is not valid: {invalid_settings(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output piped into a reader that stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001  (a bug: one line, the traceback only when asked)
        if debug_wanted():
            traceback.print_exc()
        print(f"python -m assistant: unexpected {type(exc).__name__}: {exc}. Please report this "
              "(set CQC_DEBUG=1 to see the traceback).", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
