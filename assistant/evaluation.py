"""`python -m assistant eval`: retrieval and answer quality on gold questions, as numbers.

Gold format: ../shared/corpus/README.md. Per-report question files are asked as a user of that
council would ask them in the app, with their authority selected (questions such as "What was
our score ...?" name none); comparison questions are asked with no authority selected.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.settings import Settings


def norm(text: str) -> str:
    """Text compared as a reader would: typographic quotes and dashes are the plain ones ("3 – Evidence"
    on one page is "3 - Evidence" on another)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


_FIGURE = re.compile(r"£?\d+(?:,\d{3})*(?:\.\d+)?%?")
_YEAR = re.compile(r"\b(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?\b")  # 2024, and fiscal years such as 2022/23


def figures(text: str) -> list[str]:
    """Numbers a correct answer must carry: counts, percentages, money (four-digit years left out)."""
    out = [raw.lstrip("£").rstrip("%").replace(",", "") for raw in _FIGURE.findall(_YEAR.sub(" ", text))]
    return list(dict.fromkeys(out))


def has_figure(answer: str, value: str) -> bool:
    numbers = {f.lstrip("£").rstrip("%").replace(",", "") for f in _FIGURE.findall(answer)}
    return value in numbers


@dataclass
class GoldItem:
    qid: str
    type: str
    question: str
    answer: str
    quotes: list[str]
    authorities: list[str]
    must_include: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # the authority selected in the interface
    # The project's own gold (eval/gold/*.jsonl) adds: "as", the user's own council; "filter", the
    # authorities selected; "figures", key figures the answer must state; "must_not_include";
    # "declines": true when the right answer is to answer nothing (an absent council, "which
    # council?"); evidence as short "fragment"s (with their "authority") instead of whole sentences.
    home: str = ""
    figures: list[str] = field(default_factory=list)
    must_not_include: list[str] = field(default_factory=list)
    declines: bool = False
    evidence_authorities: list[str] = field(default_factory=list)  # per quote, "" when any authority


def load_gold(paths: list[str]) -> list[GoldItem]:
    items = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc})") from exc
            authorities = d.get("authorities") or ([d["authority"]] if d.get("authority") else [])
            evidence = d.get("evidence", [])
            try:
                items.append(
                    GoldItem(
                        qid=d["id"], type=d["type"], question=d["question"], answer=d.get("answer", ""),
                        quotes=[e.get("quote") or e["fragment"] for e in evidence], authorities=authorities,
                        must_include=d.get("must_include", []),
                        scope=d.get("filter") or ([d["authority"]] if d.get("authority") and d["type"] != "compare" else []),
                        home=d.get("as", ""), figures=[str(f) for f in d.get("figures", [])],
                        must_not_include=d.get("must_not_include", []), declines=bool(d.get("declines")),
                        evidence_authorities=[e.get("authority", "") if "fragment" in e else "" for e in evidence],
                    )
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise SystemExit(f"{path}:{n}: not a gold item ({exc!r})") from exc
    return items


@dataclass
class Outcome:
    """What one pipeline did with one question, reduced to what the metrics need."""

    answer: str
    abstained: bool
    retrieved: list[tuple[str, str]]  # (authority, text), rank order
    cited: list[tuple[str, str]]  # (authority, text)
    seconds: float
    # The report each retrieved / cited finding came from, where the pipeline knows it.
    retrieved_reports: list[str] = field(default_factory=list)
    cited_reports: list[str] = field(default_factory=list)


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


def score(items: list[GoldItem], outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
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
                    for value in figures(item.answer):
                        m["key_figures"].append(float(has_figure(out.answer, value)))
            if item.type == "unanswerable" or item.declines:
                m["abstention"].append(float(out.abstained and not out.cited))
            for value in item.figures:
                m["key_figures"].append(float(has_figure(out.answer, value)))
            if item.must_include and item.type != "compare":
                for s in item.must_include:
                    m["must_include"].append(float(norm(s) in norm(out.answer)))
            for s in item.must_not_include:
                m["must_not_include"].append(float(norm(s) not in norm(out.answer)))
            owners = {a for a, _ in out.cited if a}
            if len(owners) >= 2:  # whose finding: an answer drawing on several authorities names each one
                from ingest.cqc import short_names

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
    "n", "evidence@5", "evidence@10", "mrr", "cited_support", "key_figures", "abstention",
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
        if not any(c in row for c in cols):
            continue  # e.g. the catalog check, printed on its own line
        cells = []
        for c, w in zip(cols, widths):
            v = row.get(c)
            cells.append(("-" if v is None else f"{int(v)}" if c == "n" else f"{v:.3f}").rjust(w))
        lines.append(group.ljust(13) + " ".join(cells))
    return "\n".join(lines)


def run_ours(settings: Settings, items: list[GoldItem]) -> list[Outcome]:
    from assistant.chain import Assistant
    from vectorstore.store import LibraryStore, SearchFilter

    store = LibraryStore(settings)
    assistant = Assistant(store)
    outcomes = []
    for item in items:
        start = time.perf_counter()
        answer = assistant.ask(item.question, scope=SearchFilter(authorities=tuple(item.scope)), home=item.home)
        outcomes.append(
            Outcome(
                answer=answer.answer, abstained=answer.abstained,
                retrieved=[(f.chunk.authority, f.chunk.text) for f in answer.retrieved[:10]],
                cited=[(c.authority, c.text) for c in answer.citations],
                seconds=time.perf_counter() - start,
                retrieved_reports=[f.chunk.report_id for f in answer.retrieved[:10]],
                cited_reports=[c.chunk_id.split(":")[0] for c in answer.citations],
            )
        )
    return outcomes


def run_eval(settings: Settings, files: list[str], as_json: bool, baseline: bool, floors: str | None,
             library: str | None = None, facts: str | None = None) -> int:
    items = load_gold(files)
    if not items:
        print("No gold questions in the files given.", file=sys.stderr)
        return 2
    results = {"ours": score(items, run_ours(settings, items))}
    if facts:
        exact, total, misses = catalog_exact(settings, facts)
        results["ours"].setdefault("catalog", {})["catalog_exact"] = exact / total if total else 0.0
    if baseline:
        from assistant.baseline import run_baseline

        results["baseline"] = score(items, run_baseline(settings, items))
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
        print(format_table(f"ours (hybrid retrieval, extractive answers){label}", results["ours"]))
        if baseline:
            print()
            print(format_table("baseline (RecursiveCharacterTextSplitter 1000/200, same embeddings, Chroma k=5)",
                               results["baseline"]))
    if floors:
        table = json.loads(Path(floors).read_text())
        if library:
            if library not in table:
                print(f"{floors}: no floors for library '{library}'", file=sys.stderr)
                return 2
            table = table[library]
        return check_floors(results["ours"], table)
    return 0


def _facts_key(text: str | None) -> str:
    return re.sub(r"[^a-z]", "", (text or "").lower().replace("live healthier", "lead healthier"))


def catalog_exact(settings: Settings, facts_path: str) -> tuple[int, int, list[str]]:
    """How many authorities of a facts file the catalog holds exactly (rating, indicative, overall
    score, publication date, the nine scores) in at least one of its library entries."""
    from vectorstore.store import LibraryStore

    facts = json.loads(Path(facts_path).read_text())
    facts = facts if isinstance(facts, list) else [facts]
    entries = LibraryStore(settings).reports()
    exact, misses = 0, []
    for fact in facts:
        want = (fact["rating"], fact.get("indicative", False), fact["overall_score"], fact["published"],
                {_facts_key(k): v for k, v in fact["scores"].items()})
        got = [(e.rating, e.rating_is_indicative, e.overall_score, e.published, {_facts_key(k): v for k, v in e.scores.items()})
               for e in entries if _facts_key(e.authority) == _facts_key(fact["authority"])]
        if want in got:
            exact += 1
        else:
            misses.append(f"{fact['authority']}: want {want[:4]}, have {[g[:4] for g in got] or 'no entry'}")
    return exact, len(facts), misses


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
