"""What an improvement plan is: its actions, each with the findings it rests on, and the
shortfalls found in the evidence that actions answer. Shared by the drafting without a model
(`assistant.actions.draft`) and with one (`assistant.actions.model_draft`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from assistant.models import Citation, RetrievedFinding
from cqc import framework

EXTRACTIVE = "extractive (no model)"


@dataclass
class ActionItem:
    action: str
    citations: list[Citation]  # the finding(s) the action rests on
    basis: list[str]  # the sentence(s) it rests on, verbatim from the cited finding(s)
    measure: str = ""  # a baseline from the cited findings' own figures and the direction of change
    owner: str = ""  # ends "(suggested)"
    timescale: str = ""  # ends "(from the report)" or "(suggested)"
    origin: str = "shortfall"  # planned: the report says it must happen or is planned; shortfall: what fell short
    row: str = ""  # the action's identity in the plan: an edited table row is matched back by it, never by its text

    def as_json(self) -> dict:
        return {
            "action": self.action,
            "citations": [c.as_json() for c in self.citations],
            "basis": list(self.basis),
            "measure": self.measure,
            "owner": self.owner,
            "timescale": self.timescale,
            "origin": self.origin,
        }


@dataclass
class ActionPlan:
    authority: str
    quality_statement: str  # empty when the request named none
    topic: str  # the quality statement, or what the request asked about
    report_date: str  # publication date of the report the findings come from
    items: list[ActionItem] = field(default_factory=list)
    backend: str = EXTRACTIVE
    notes: list[str] = field(default_factory=list)  # what was dropped or fell back, and why
    question: str = ""
    more: list[ActionItem] = field(default_factory=list)  # further actions the findings give, drafted on request

    def number_rows(self) -> None:
        """Give each action that has none its row identity (r1, r2 ...), after the highest held."""
        taken = [int(i.row[1:]) for i in self.items + self.more if i.row[1:].isdigit()]
        n = max(taken, default=0)
        for item in self.items + self.more:
            if not item.row:
                n += 1
                item.row = f"r{n}"

    def to_record(self) -> dict:
        """Everything the plan holds, citations whole, for keeping it with a conversation."""
        return asdict(self)

    @classmethod
    def from_record(cls, d: dict) -> ActionPlan:
        def item(x: dict) -> ActionItem:
            cites = [Citation(**{k: v for k, v in c.items() if k in _CITATION_FIELDS}) for c in x.get("citations", [])]
            return ActionItem(**{**{k: v for k, v in x.items() if k in _ITEM_FIELDS}, "citations": cites})

        plain = {k: v for k, v in d.items() if k in _PLAN_FIELDS and k not in ("items", "more")}
        return cls(**plain, items=[item(x) for x in d.get("items", [])], more=[item(x) for x in d.get("more", [])])

    def more_note(self) -> str:
        """How many more actions the findings give ("" when none), for the plan's reader to ask for."""
        n = len(self.more)
        if not n:
            return ""
        return (f"The report's findings give {n} more action{'s' if n != 1 else ''} than shown here "
                f"(a second on a topic, or on a higher-scored statement); they can be drafted on request.")

    def with_more(self, n: int | None = None) -> ActionPlan:
        """The plan with `n` (default all) of its further actions added after its own."""
        from copy import deepcopy

        out = deepcopy(self)
        n = len(out.more) if n is None else n
        out.items, out.more = out.items + out.more[:n], out.more[n:]
        return out

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "authority": self.authority,
            "quality_statement": self.quality_statement,
            "topic": self.topic,
            "report_date": self.report_date,
            "backend": self.backend,
            "actions": [i.as_json() for i in self.items],
            "more": [i.as_json() for i in self.more],
            "notes": list(self.notes),
        }


def usable(finding: RetrievedFinding) -> bool:
    """Findings that record practice: not score lines, not the regulator's standard wording."""
    c = finding.chunk
    return c.kind not in ("score", "rating") and not framework.is_standard_wording(c.heading)


@dataclass
class Shortfall:
    finding: RetrievedFinding
    basis: list[str]  # the sentence(s) quoted: the shortfall, any it leans on, any giving its figure
    measure_source: str  # the sentence whose figure is the baseline, or ""
    sentence: str  # the shortfall sentence itself
    others: list[str] = field(default_factory=list)  # further shortfall sentences of the finding, next best first


def sources_of(chunk) -> list[str]:
    # The heading belongs to the finding: "Section 42" in an action's area is the finding's own.
    return [chunk.heading, chunk.text]


_CITATION_FIELDS = {f.name for f in fields(Citation)}
_ITEM_FIELDS = {f.name for f in fields(ActionItem)}
_PLAN_FIELDS = {f.name for f in fields(ActionPlan)}
