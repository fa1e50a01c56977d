"""Gold questions and what a pipeline did with each, as typed values.

Gold format: ../shared/corpus/README.md, and the project's own additions (eval/gold/*.jsonl).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path


def norm(text: str) -> str:
    """Text compared as a reader would: typographic quotes and dashes are the plain ones ("3 – Evidence"
    on one page is "3 - Evidence" on another)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


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
    closest: int = 0  # findings quoted as the nearest context to what the reports do not answer (not in `cited`)
