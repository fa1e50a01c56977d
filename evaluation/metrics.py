"""Metrics: what a pipeline's outcomes score against the gold, per question type, as a table;
and the floors a table must meet."""

from __future__ import annotations

import sys
from collections import defaultdict

from cqc.framework import short_names
from cqc.text.figures import has_figure, numbers_in
from evaluation.gold import GoldItem, Outcome, norm


def doubled(pairs: list[tuple[str, str]], reports: list[str]) -> bool:
    """The same finding of one authority from two library entries (a report kept in two layouts)."""
    if len(reports) != len(pairs):
        return False
    seen: dict[tuple[str, str], str] = {}
    for (authority, text), report in zip(pairs, reports):
        key = (authority, norm(text))
        if seen.setdefault(key, report) != report:
            return True
    return False


def measure(items: list[GoldItem], outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    acc: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item, out in zip(items, outcomes):
        for group in (item.type, "overall"):
            m = acc[group]
            m["n"].append(1)
            m["seconds"].append(out.seconds)
            texts = [norm(t) for _, t in out.retrieved]
            quotes = [norm(q) for q in item.quotes]
            if quotes:
                for k in (5, 10):
                    for q in quotes:
                        m[f"evidence@{k}"].append(float(any(q in t for t in texts[:k])))
                rank = next((i + 1 for i, t in enumerate(texts[:10]) if any(q in t for q in quotes)), None)
                m["mrr"].append(1.0 / rank if rank else 0.0)
                m["cited_support"].append(float(any(
                    q in norm(t) and (not who or who == a)
                    for a, t in out.cited for q, who in zip(quotes, item.evidence_authorities or [""] * len(quotes))
                )))
                m["false_abstention"].append(float(out.abstained))
                if item.type in ("fact", "score", "compare"):
                    for value in numbers_in(item.answer):
                        m["key_figures"].append(float(has_figure(out.answer, value)))
            if item.type == "unanswerable" or item.declines:
                # Abstaining: marked abstained and citing nothing as its answer. A finding quoted as the
                # closest context ("Closest, which does not give that figure: ...") is kept out of
                # `cited` by the runner, so it neither breaks an abstention nor counts as support.
                m["abstention"].append(float(out.abstained and not out.cited))
                if out.abstained and not out.cited:
                    m["closest_shown"].append(float(out.closest > 0))
            for value in item.figures:
                m["key_figures"].append(float(has_figure(out.answer, value)))
            if item.must_include and item.type != "compare":
                for s in item.must_include:
                    m["must_include"].append(float(norm(s) in norm(out.answer)))
            for s in item.must_not_include:
                m["must_not_include"].append(float(norm(s) not in norm(out.answer)))
            owners = {a for a, _ in out.cited if a}
            if len(owners) >= 2:  # whose finding: an answer drawing on several authorities names each one
                named = [any(norm(n) in norm(out.answer) for n in short_names(a)) for a in owners]
                m["owners_named"].append(sum(named) / len(named))
            if item.authorities and (out.cited or item.declines):
                # An answer citing any authority the question did not ask about.
                m["answer_wrong_authority"].append(float(any(a and a not in item.authorities for a, _ in out.cited)))
            # The same finding twice (one report kept in two layouts, answered from both) is a doubled answer.
            m["doubled"].append(float(doubled(out.cited, out.cited_reports)
                                      or doubled(out.retrieved[:5], out.retrieved_reports[:5])))
            if item.authorities:
                for authority, _ in out.cited:
                    m["wrong_authority"].append(float(bool(authority) and authority not in item.authorities))
            if item.type == "compare":
                for s in item.must_include:
                    m["must_include"].append(float(norm(s) in norm(out.answer)))
                cited = {a for a, _ in out.cited}
                for a in item.authorities:
                    m["authorities_cited"].append(float(a in cited))
                m["all_authorities_cited"].append(float(all(a in cited for a in item.authorities)))
    table: dict[str, dict[str, float]] = {}
    for group, metrics in acc.items():
        table[group] = {name: (sum(v) if name == "n" else sum(v) / len(v)) for name, v in metrics.items() if v}
    return table


COLUMNS = (
    "n", "evidence@5", "evidence@10", "mrr", "cited_support", "key_figures", "abstention", "closest_shown",
    "false_abstention", "wrong_authority", "answer_wrong_authority", "owners_named", "must_include", "must_not_include",
    "authorities_cited", "all_authorities_cited", "doubled", "seconds",
)
TYPE_ORDER = ("fact", "score", "multi", "summary", "action", "compare", "unanswerable", "first_person", "unscoped",
              "scores_data", "report_summary", "good_practice", "multi_part", "absent", "overall")


def format_table(title: str, table: dict[str, dict[str, float]]) -> str:
    cols = [c for c in COLUMNS if any(c in row for row in table.values())]
    widths = [max(len(c), 6) for c in cols]
    lines = [title, "type".ljust(13) + " ".join(c.rjust(w) for c, w in zip(cols, widths))]
    for group in sorted(table, key=lambda g: TYPE_ORDER.index(g) if g in TYPE_ORDER else 99):
        row = table[group]
        if not any(c in row for c in cols if c != "n"):
            continue  # e.g. the catalog check and the figures read as data, printed on their own
        cells = []
        for c, w in zip(cols, widths):
            v = row.get(c)
            cells.append(("-" if v is None else f"{int(v)}" if c == "n" else f"{v:.3f}").rjust(w))
        lines.append(group.ljust(13) + " ".join(cells))
    return "\n".join(lines)


def check_floors(table: dict[str, dict[str, float]], floors: dict[str, dict[str, float]]) -> int:
    """Floors: {"fact": {"evidence@5": 0.95}, ...}; names ending in _max are ceilings."""
    failures = []
    for group, metrics in floors.items():
        for name, bound in metrics.items():
            ceiling = name.endswith("_max")
            metric = name[:-4] if ceiling else name
            value = table.get(group, {}).get(metric)
            if value is None or (value > bound if ceiling else value < bound):
                failures.append(f"{group}.{metric} = {value} ({'above ceiling' if ceiling else 'below floor'} {bound})")
    for f in failures:
        print(f"FLOOR FAILED: {f}", file=sys.stderr)
    if not failures:
        print("All eval floors met.")
    return 1 if failures else 0


UNCOMPARED = ("n", "seconds")  # how many questions, and how fast: not what an answer says


def differences(table: dict[str, dict[str, float]], other: dict[str, dict[str, float]],
                within: float) -> list[str]:
    """Every metric of two tables (the same gold in two libraries) that differs by more than
    `within`, or is in one table only."""
    out = []
    for group in sorted(set(table) | set(other)):
        mine, theirs = table.get(group, {}), other.get(group, {})
        for name in sorted((set(mine) | set(theirs)) - set(UNCOMPARED)):
            a, b = mine.get(name), theirs.get(name)
            if a is None or b is None or abs(a - b) > within:
                out.append(f"{group}.{name}: {b} -> {a}")
    return out
