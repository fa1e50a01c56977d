"""Figures read as data, scored against the shared corpus's facts files.

Each `facts/<slug>.json` holds a report's key figures under `metrics`, as the report states them
("612 people (at 31 March 2024)", "£4.3 million (2023/24)", "14.5% (April 2024), down from 21.0%
(April 2023)"). Each metric's name is mapped here to a vocabulary measure (and qualifier, or the
comparator it is); the library's record that stands for that council on that measure
(`cqc.measures.ranking.representative`, the same choice rankings make) must have the metric's
value and unit. A metric the vocabulary has no measure for is listed as such, not scored.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from cqc.measures.record import MeasureRecord
from cqc.measures.ranking import representative

# facts metric -> (measure, qualifier or None for any, what is scored: "value" or a comparator kind)
METRICS: dict[str, tuple[str, str | None, str] | None] = {
    "care_act_assessment_waiting": ("care_act_assessment_waiting", None, "value"),
    "people_waiting_care_act_assessment": ("care_act_assessment_waiting", None, "value"),
    "care_act_assessment_average_wait": ("care_act_assessment_wait", "average", "value"),
    "average_wait_care_act_assessment": ("care_act_assessment_wait", "average", "value"),
    "care_act_assessment_wait": ("care_act_assessment_wait", "average", "value"),
    "carers_assessment_waiting": ("carers_assessment_waiting", None, "value"),
    "carers_waiting_carers_assessment": ("carers_assessment_waiting", None, "value"),
    "reablement_at_home_91_days": ("reablement_91_days", None, "value"),
    "reablement_91_day_still_at_home": ("reablement_91_days", None, "value"),
    "reablement_91_day_at_home": ("reablement_91_days", None, "value"),
    "reablement_at_home_91_days_england_average": ("reablement_91_days", None, "england"),
    "reablement_91_day_england_average": ("reablement_91_days", None, "england"),
    "direct_payments_uptake": ("direct_payments_uptake", None, "value"),
    "providers_rated_good_or_outstanding": ("providers_good_or_outstanding", None, "value"),
    "providers_good_or_outstanding": ("providers_good_or_outstanding", None, "value"),
    "people_waiting_for_home_care": ("home_care_waiting", None, "value"),
    "people_waiting_home_care_package": ("home_care_waiting", None, "value"),
    "home_care_waiting": ("home_care_waiting", None, "value"),
    "home_care_hours_waiting": ("home_care_hours_unmet", None, "value"),
    "safeguarding_concerns": ("safeguarding_concerns", None, "value"),
    "section_42_enquiries_rate": ("section_42_conversion", None, "value"),
    "section_42_enquiry_rate": ("section_42_conversion", None, "value"),
    "section_42_conversion": ("section_42_conversion", None, "value"),
    "section_42_enquiries": ("section_42_enquiries", None, "value"),
    "formal_complaints": ("formal_complaints", None, "value"),
    "lgsco_investigations": ("ombudsman_investigations", None, "value"),
    "lgsco_upheld": ("ombudsman_upheld", None, "value"),
    "social_work_vacancy_rate": ("vacancy_rate", None, "value"),
    "asc_net_budget": ("asc_spend", None, "value"),
    "asc_overspend": ("asc_spend_variance", None, "value"),
    "people_receiving_long_term_support": ("long_term_support_recipients", None, "value"),
    "long_term_support_recipients": ("long_term_support_recipients", None, "value"),
    "population": ("population", None, "value"),
    "aged_65_and_over": ("aged_65_plus", None, "value"),
    "aged_65_plus": ("aged_65_plus", None, "value"),
    "safeguarding_concerns_awaiting_triage": ("safeguarding_concerns_awaiting", None, "value"),
    "better_care_fund": ("better_care_fund", None, "value"),
    "financial_assessments_outstanding": ("financial_assessments_waiting", None, "value"),
    "reviews_in_last_12_months": ("reviews_on_time", None, "value"),
    "reviews_within_12_months": ("reviews_on_time", None, "value"),
    "section_42_completed_within_60_working_days": ("section_42_completed_on_time", None, "value"),
    "section_75_pooled_budget": ("pooled_budget", None, "value"),
    "delayed_discharge_daily_average": ("delayed_discharges", None, "value"),
    "s42_open_over_3_months": ("section_42_awaiting", None, "value"),
    "dols_waiting": ("dols_waiting", None, "value"),
    "making_safeguarding_personal_asked": ("msp_outcomes_asked", None, "value"),
    # Not measures of the vocabulary: the dates of the site visit; a count of small providers.
    "on_site": None,
    "micro_providers": None,
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_GOLD_FIGURE = re.compile(
    r"(?P<pound>£)?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|m\b)?\s*(?P<unit>%|days|weeks|hours per week|hours)?")


def gold_value(text: str) -> tuple[float, str] | None:
    """(value, unit) a facts string states as the current figure: the first figure, or the one after
    "to" ("14.2% (April 2023) falling to 8.6% (June 2024)" -> 8.6 percent). Dates in brackets are
    not figures. Read with its own small pattern, not the reader being scored."""
    plain = _PARENTHESES.sub(" ", text)
    after_to = re.search(r"\bto\s+(?=£?\d)", plain)
    m = _GOLD_FIGURE.search(plain, after_to.end() if after_to else 0)
    if not m:
        return None
    value = float(m.group("num").replace(",", "")) * (1e6 if m.group("scale") else 1)
    unit = ("GBP" if m.group("pound") else "percent" if m.group("unit") == "%" else
            {"days": "days", "weeks": "weeks", "hours per week": "hours per week", "hours": "hours"}.get(m.group("unit") or "", "count"))
    return value, unit


@dataclass
class ReportScore:
    authority: str
    slug: str
    scored: int = 0
    right: int = 0
    unmapped: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def score_facts(records: list[MeasureRecord], facts_files: list[str]) -> list[ReportScore]:
    """For each facts file, how many of its metrics the records give exactly (value and unit)."""
    out = []
    for path in facts_files:
        facts = json.loads(Path(path).read_text(encoding="utf-8"))
        score = ReportScore(facts["authority"], facts.get("slug", Path(path).stem))
        for key, text in (facts.get("metrics") or {}).items():
            target = METRICS.get(key, "unknown")
            if target is None or target == "unknown":
                score.unmapped.append(key if target is None else f"{key} (not mapped)")
                continue
            gold = gold_value(text)
            if gold is None:
                score.unmapped.append(f"{key} (no figure in {text!r})")
                continue
            measure, qualifier, what = target
            score.scored += 1
            mine = [r for r in records if r.authority == facts["authority"]]
            record = representative(mine, measure, qualifier).get(facts["authority"])
            if record is None:
                score.misses.append(f"{key}: want {text!r}, no {measure} record")
                continue
            if what == "value":
                got = (record.value, record.unit)
            elif record.comparator and record.comparator.kind == what:
                got = (record.comparator.value, record.comparator.unit)
            else:
                score.misses.append(f"{key}: want {text!r}, {measure} has no {what} comparator ({record.sentence[:80]})")
                continue
            if math.isclose(got[0], gold[0], rel_tol=1e-9) and got[1] == gold[1]:
                score.right += 1
            else:
                score.misses.append(f"{key}: want {gold[0]:g} {gold[1]} ({text!r}), got {got[0]:g} {got[1]} "
                                    f"from: {record.sentence[:100]}")
        out.append(score)
    return out


def format_facts(scores: list[ReportScore], library: str = "") -> str:
    label = f" [{library}]" if library else ""
    lines = [f"figures as data against the facts files' metrics{label}",
             f"{'report':<16}{'metrics':>8}{'right':>7}{'accuracy':>10}  not in the vocabulary"]
    for s in scores:
        accuracy = s.right / s.scored if s.scored else 0.0
        lines.append(f"{s.slug:<16}{s.scored:>8}{s.right:>7}{accuracy:>10.3f}  {', '.join(s.unmapped) or '-'}")
    scored = sum(s.scored for s in scores)
    right = sum(s.right for s in scores)
    lines.append(f"{'overall':<16}{scored:>8}{right:>7}{(right / scored if scored else 0.0):>10.3f}")
    for s in scores:
        for miss in s.misses:
            lines.append(f"  {s.slug}: {miss}")
    return "\n".join(lines)
