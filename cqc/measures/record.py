"""A measure record: one figure of one report, typed, with what it is a figure of and where it
was read, so councils can be lined up like for like and every row cited."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Role = Literal["value", "earlier", "target", "benchmark"]
ComparatorKind = Literal["england", "regional", "neighbours", "previous", "target"]


@dataclass(frozen=True)
class Comparator:
    """A figure the same sentence compares the record with: "compared with an England average of 26.2%"."""

    kind: ComparatorKind
    value: float
    unit: str
    period: str = ""
    text: str = ""  # the figure as written


@dataclass(frozen=True)
class MeasureRecord:
    """One figure of a report as data.

    `role` says whose figure it is: "value" is the council's own figure for the measure (what a
    ranking ranks); "earlier" the council's figure for an earlier period stated beside a newer one
    ("down from 21.0% in April 2023"); "target" a figure it aims for; "benchmark" an England,
    regional or neighbours' figure stated with no figure of the council's to compare it with.
    """

    authority: str
    report_id: str
    published: str  # the report's date (ISO), to tell a council's newer report from an older one
    measure: str  # a vocabulary key, or "other"
    value: float  # as a number: "£4.3 million" -> 4300000; a fall is negative ("£1.2m less than estimated")
    unit: str  # "count", "percent", "GBP", "days", "weeks", "per 100,000", "one in", ... (cqc.text.figures.UNIT_KINDS)
    figure: str  # as written: "£4.3 million", "74 days"
    qualifier: str = ""  # "median", "average", "longest", "total", "estimated", "actual", "forecast", or ""
    period: str = ""  # the date or period it is as at: "2024-03-31", "2024-03", "2023/24", "2024"
    approx: str = ""  # "about", "more than", "less than", "at least", "almost", "up to", or "" (exact)
    role: Role = "value"
    part: str = ""  # the part of the area it is for ("Kingsmere Central" locality team), "" for the whole council
    of: float | None = None  # what it is out of: "14 of the 19" -> 19
    comparator: Comparator | None = None
    chunk_id: str = ""  # the finding it was read from: the citation
    sentence: str = ""  # the sentence it was read from, as the report words it
    order: int = 0  # its place in the report, for reading order

    @property
    def as_written(self) -> str:
        """The figure as the report writes it, with how exact it is: "about 40%", "612"."""
        return f"{self.approx} {self.figure}" if self.approx else self.figure

    def as_json(self) -> dict:
        """The shape `python -m assistant measures --json` promises."""
        d = asdict(self)
        if self.comparator is None:
            d["comparator"] = None
        return d

    @staticmethod
    def from_json(d: dict) -> MeasureRecord:
        comparator = Comparator(**d["comparator"]) if d.get("comparator") else None
        return MeasureRecord(**{**d, "comparator": comparator})
