"""Five fictional councils' short reports, written by us for the ranking tests: the same measures
stated in the ways reports differ (a wait in days or in weeks, an average or a median, an England
average in the sentence or none, a council that gives no figure), and one council with an older
report whose figures differ. Nothing here is copied from a real report or from the shared corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BRACKWATER, MOSSBECK, RAVENSMOOR, TILLINGFORD, WENDLECOMBE = (
    "Brackwater Borough Council", "Mossbeck County Council", "Ravensmoor City Council", "Tillingford District Council",
    "Wendlecombe Council")
STATEMENTS = ("Assessing needs", "Supporting people to lead healthier lives", "Equity in experience and outcomes",
              "Care provision, integration and continuity", "Partnerships and communities",
              "Safe pathways, systems and transitions", "Safeguarding", "Governance, management and sustainability",
              "Learning, improvement and innovation")


@dataclass(frozen=True)
class Council:
    authority: str
    published: str  # as the report prints it
    rating: str
    overall: int
    waiting: str = ""  # the Assessing needs finding on waits
    direct_payments: str = ""  # the finding on direct payments
    workforce: str = ""  # the finding on the workforce


COUNCILS = (
    Council(BRACKWATER, "10 February 2025", "Good", 66,
            "At 31 December 2024, 640 people were waiting for a Care Act assessment, and the average wait from referral "
            "to assessment was 48 days. Staff said the duty team had been rebuilt in the autumn.",
            "In 2023/24, 27.4% of people receiving long-term community support used a direct payment, compared with an "
            "England average of 26.2%. A personal assistant register was launched in 2024.",
            "The social work vacancy rate was 12% in December 2024."),
    Council(MOSSBECK, "15 January 2025", "Requires improvement", 48,
            "At 30 November 2024, 1,210 people were waiting for a Care Act assessment, and the average wait from "
            "referral to assessment was 19 weeks. People told us they had chased the council for news.",
            "In 2023/24, 18.9% of people receiving long-term community support used a direct payment, compared with an "
            "England average of 26.2%. Leaders had a plan to promote direct payments to carers.",
            "The social work vacancy rate was 21% in November 2024."),
    Council(RAVENSMOOR, "2 December 2024", "Good", 71,
            "At 30 September 2024, 305 people were waiting for a Care Act assessment, and the median wait from referral "
            "to assessment was 21 days. Urgent cases were seen within two days.",
            "In 2023/24, 31.0% of people receiving long-term community support used a direct payment. The local "
            "authority's direct payment support service was run by a user-led organisation.",
            "The social work vacancy rate was 9.5% in September 2024."),
    Council(TILLINGFORD, "3 March 2025", "Good", 63,
            "Assessments were allocated by a single duty team, and people said staff listened to them.",
            "In 2023/24, 24.1% of people receiving long-term community support used a direct payment. People valued the "
            "flexibility it gave them.",
            "The social work vacancy rate was 15% in January 2025."),
    Council(WENDLECOMBE, "21 October 2024", "Requires improvement", 52,
            "At 31 August 2024, 512 people were waiting for a Care Act assessment, and the average wait from referral to "
            "assessment was 35 days. A waiting list review had begun.",
            "People said information about paying for their own support was hard to find.",
            "The social work vacancy rate was 7% in August 2024."),
)
# Brackwater's earlier report: other figures, an earlier date.
BRACKWATER_EARLIER = Council(
    BRACKWATER, "20 November 2023", "Requires improvement", 55,
    "At 31 August 2023, 890 people were waiting for a Care Act assessment, and the average wait from referral to "
    "assessment was 62 days.",
    "In 2022/23, 22.0% of people receiving long-term community support used a direct payment, compared with an England "
    "average of 26.7%.",
    "The social work vacancy rate was 18% in August 2023.")


def report_markdown(c: Council) -> str:
    own = {"Assessing needs": 2, "Supporting people to lead healthier lives": 3, "Governance, management and sustainability": 2}
    scores = "\n".join(f"- {s} — Score: {own.get(s, 2 if c.overall < 60 else 3)}" for s in STATEMENTS)
    parts = [
        f"# {c.authority}: local authority assessment", f"Published: {c.published}", "## Overall summary",
        "### Local authority rating and score", f"{c.authority}: {c.rating}",
        f"{c.authority} scored {c.overall} out of 100 overall.", "### Quality statement scores", scores,
        "## Theme 1: How the local authority works with people", "### Assessing needs", "Score 2",
        "#### Key findings for this quality statement", "##### Timeliness of assessments", c.waiting,
        "### Supporting people to lead healthier lives", "Score 3", "#### Key findings for this quality statement",
        "##### Direct payments", c.direct_payments,
        "## Theme 4: Leadership", "### Governance, management and sustainability", "Score 2",
        "#### Key findings for this quality statement", "##### Workforce", c.workforce,
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def write_reports(folder: Path, councils: tuple[Council, ...] = COUNCILS, earlier: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in councils + ((BRACKWATER_EARLIER,) if earlier else ()):
        slug = c.authority.split()[0].lower() + ("-2023" if c is BRACKWATER_EARLIER else "")
        path = folder / f"{slug}.md"
        path.write_text(report_markdown(c), encoding="utf-8")
        paths.append(path)
    return paths
