"""`python -m assistant eval`: retrieval and answer quality on gold questions, as numbers.

Per-report question files are asked as a user of that council would ask them in the app, with
their authority selected (questions such as "What was our score ...?" name none); comparison
questions are asked with no authority selected.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from assistant.chain import Assistant
from evaluation.gold import load_gold
from evaluation.metrics import check_floors, differences, format_table, measure
from evaluation.runners import catalog_exact, run_ours
from config import Settings
from vectorstore.store import LibraryStore


SAME_WITHIN = 0.01  # how far a metric may move between two libraries holding the same reports (issue 26)


def run_eval(settings: Settings, files: list[str], as_json: bool, baseline: bool, floors: str | None,
             library: str | None = None, facts: str | None = None, measure_facts: list[str] | None = None,
             among_gold: bool = False,
             save: str | None = None, same_as: str | None = None, rankings: str | None = None) -> int:
    """`among_gold`: questions asked with no authority selected are asked with the gold's own
    authorities selected, as a user comparing peers in a national library would (a question
    across "the assessed authorities" otherwise means every report in it). `save`: the table as
    JSON; `same_as`: a table saved before (the same gold in another library) that every overall
    metric must stay within SAME_WITHIN of (per kind of question, moves beyond it are printed)."""
    items = load_gold(files)
    if not items:
        print("No gold questions in the files given.", file=sys.stderr)
        return 2
    if among_gold:
        peers = sorted({a for item in items for a in item.authorities})
        items = [item if item.scope else replace(item, scope=peers) for item in items]
    results = {"ours": measure(items, run_ours(settings, items))}
    if facts:
        exact, total, misses = catalog_exact(settings, facts)
        results["ours"].setdefault("catalog", {})["catalog_exact"] = exact / total if total else 0.0
    if measure_facts:
        from evaluation.measure_facts import format_facts
        from evaluation.measure_table import format_score
        from evaluation.runners import measure_accuracy

        scores, table = measure_accuracy(settings, measure_facts)
        scored, right = sum(s.scored for s in scores), sum(s.right for s in scores)
        rates = table.rates()
        results["ours"]["measures"] = {
            "n": float(scored), "facts_value": right / scored if scored else 0.0,
            "table_measure": rates["measure"], "table_value": rates["value"], "table_unit": rates["unit"],
            "table_other_mislabelled": rates["other_mislabelled"],
        }
    if rankings:
        from evaluation.rankings import format_rankings, load_ranking_gold, run_rankings, summarise

        scored = run_rankings(Assistant(LibraryStore(settings)), load_ranking_gold(rankings))
        results["ours"]["rankings"] = summarise(scored)
    if baseline:
        from evaluation.baseline import run_baseline

        results["baseline"] = measure(items, run_baseline(settings, items))
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        label = f" [{library}]" if library else ""
        print(f"{len(items)} gold questions from {len(files)} file(s){label}; per-report questions asked with their "
              "authority selected.\n")
        if facts:
            print(f"catalog exact against {Path(facts).name}: {exact}/{total}")
            for miss in misses:
                print(f"  differs: {miss}")
            print()
        if measure_facts:
            print(format_facts(scores, library or ""))
            print(format_score(table))
            print()
        if rankings:
            print(format_rankings(scored, library or ""))
            print()
        print(format_table(f"ours (hybrid retrieval, extractive answers){label}", results["ours"]))
        if baseline:
            print()
            print(format_table("baseline (RecursiveCharacterTextSplitter 1000/200, same embeddings, Chroma k=5)",
                               results["baseline"]))
    status = 0
    if save:
        Path(save).write_text(json.dumps(results["ours"], indent=1), encoding="utf-8")
    if same_as:
        # The overall row decides: a row of one kind of question holds 8 to 40 of them, and one
        # near-tie settled the other way moves it by more than 0.01 (printed, not failed).
        moved = differences(results["ours"], json.loads(Path(same_as).read_text(encoding="utf-8")), SAME_WITHIN)
        overall = [line for line in moved if line.startswith("overall.")]
        for line in moved:
            print(f"{'DIFFERS' if line in overall else 'moved'} from {Path(same_as).name} by more than {SAME_WITHIN}: "
                  f"{line}", file=sys.stderr)
        if not overall:
            print(f"Every overall metric within {SAME_WITHIN} of {Path(same_as).name}"
                  f"{f' ({len(moved)} of one kind of question moved more)' if moved else ''}.")
        status = 1 if overall else 0
    if floors:
        table = json.loads(Path(floors).read_text())
        if library:
            if library not in table:
                print(f"{floors}: no floors for library '{library}'", file=sys.stderr)
                return 2
            table = table[library]
        return check_floors(results["ours"], table) or status
    return status
