"""A fictional report written by us, rendered as the regulator's web pages read as text: one file
per page (overall summary, About, one per quality statement), in each layout and with each of the
variants real published pages show (see ../shared/corpus/README.md). Nothing here is copied from
a real report or from the shared corpus.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from cqc import framework

AUTHORITY = "Calderholt Metropolitan Borough Council"
AREA = "Calderholt"  # the short name people use
PUBLISHED = "12 March 2025"
PUBLISHED_ISO = "2025-03-12"
RATING = "Requires improvement"
OVERALL = 56
SCORES = {
    "Assessing needs": 2,
    "Supporting people to lead healthier lives": 3,
    "Equity in experience and outcomes": 2,
    "Care provision, integration and continuity": 2,
    "Partnerships and communities": 3,
    "Safe pathways, systems and transitions": 2,
    "Safeguarding": 1,
    "Governance, management and sustainability": 2,
    "Learning, improvement and innovation": 3,
}
BANDS = {n: text for n, text in framework.SCORE_BANDS.items()}

# Two findings per statement, each under a sub-heading of our own, with figures a question can ask for.
FINDINGS: dict[str, list[tuple[str, str]]] = {
    "Assessing needs": [
        ("Timeliness of assessments",
         "At 31 December 2024, 734 people were waiting for a Care Act assessment in Calderholt, and the median "
         "wait from referral to assessment was 63 days. Staff in the east locality told us their waiting list "
         "had doubled since the spring."),
        ("Support for unpaid carers",
         "The local authority completed 1,190 carers' assessments in 2023/24. Carers told us the Calderholt "
         "Carers Line was easy to reach, but several said nobody had followed up after their assessment."),
    ],
    "Supporting people to lead healthier lives": [
        ("Reablement",
         "The Stepping Home reablement service supported 980 people in 2023/24, and 84.2% of older people were "
         "still at home 91 days after leaving hospital. People described the reablement staff as patient and "
         "encouraging."),
        ("Direct payments",
         "In 2023/24, 24.6% of people receiving long-term community support used a direct payment. A new "
         "personal assistant register had 57 people on it by January 2025."),
    ],
    "Equity in experience and outcomes": [
        ("Understanding local communities",
         "The local authority had begun to analyse its data by ethnicity, but this work was not yet complete. "
         "Leaders told us a community researcher post would start in April 2025."),
        ("Accessible information",
         "Only 6 of the 40 adult social care leaflets were available in easy read. Deaf people told us the "
         "video relay service was not always answered."),
    ],
    "Care provision, integration and continuity": [
        ("Market sufficiency",
         "At 31 January 2025, 142 people were waiting for a home care package, and 19 of them were in hospital. "
         "Two home care providers had handed back contracts in the previous year."),
        ("Quality of care",
         "Data showed that 79% of care homes and home care agencies in Calderholt were rated good or outstanding "
         "by CQC. The fee uplift for 2024/25 was 6.1%."),
    ],
    "Partnerships and communities": [
        ("Working with health partners",
         "The Calderholt Health and Care Partnership had pooled £38.2 million through the Better Care Fund. "
         "Partners described relationships with adult social care leaders as open and constructive."),
        ("Voluntary and community sector",
         "The local authority funded 23 community organisations through its Neighbourhood Grants scheme. "
         "Smaller groups said grant rounds were too short for them to plan ahead."),
    ],
    "Safe pathways, systems and transitions": [
        ("Hospital discharge",
         "On average 27 people a day were medically fit to leave hospital but still waiting in January 2025. "
         "A discharge-to-assess pilot had reduced waits on two wards."),
        ("Transitions for young people",
         "The Preparing for Adulthood team worked with 88 young people. Families told us planning often began "
         "only a few months before a young person's eighteenth birthday."),
    ],
    "Safeguarding": [
        ("Responding to concerns",
         "The local authority received 4,410 safeguarding concerns in 2023/24, and 17% of these led to a Section "
         "42 enquiry. At the end of November 2024, 96 concerns were waiting to be screened."),
        ("Making safeguarding personal",
         "People's desired outcomes were recorded in 51% of concluded enquiries. The Safeguarding Adults Board "
         "had agreed a new threshold framework in October 2024."),
    ],
    "Governance, management and sustainability": [
        ("Workforce",
         "The social work vacancy rate was 19.4% in December 2024, down from 24.0% a year earlier. Agency staff "
         "filled 31 posts."),
        ("Financial sustainability",
         "The adult social care budget for 2024/25 was £142.7 million, and leaders forecast an overspend of "
         "£5.9 million. A savings plan had been agreed by cabinet."),
    ],
    "Learning, improvement and innovation": [
        ("Learning from complaints",
         "The local authority received 167 formal complaints about adult social care in 2023/24, and 48 were "
         "upheld. The Ombudsman completed 9 investigations."),
        ("Co-production",
         "A co-production board of 14 people with lived experience met monthly. Its members told us their "
         "advice had changed how reviews were carried out."),
    ],
}
SUMMARY_PEOPLE = (
    "People told us staff in Calderholt were kind and listened to them once they were in contact with adult "
    "social care. Many described long waits for assessments and home care, and some did not know who to "
    "contact while they waited."
)
SUMMARY_STRENGTHS = (
    "Partnership working with health and the voluntary sector was a strength. However, waiting lists were too "
    "long, safeguarding concerns were not screened promptly, and the local authority needed to reduce the "
    "backlog of concerns and embed its new threshold framework."
)
ABOUT = (
    "Calderholt is a metropolitan borough in the north of England with a population of about 214,300. "
    "Around 17.9% of residents are aged 65 and over."
)
FINANCIAL_FACTS = [
    "The local authority estimated that in 2023/24 its total budget would be £512,400,000. Its actual spend "
    "for that year was £538,100,000, which was £25,700,000 more than estimated.",
    "The local authority estimated that it would spend £141,900,000 on adult social care in 2023/24. Its "
    "actual spend for that year was £146,300,000, which was £4,400,000 more than estimated.",
]
WAIT_TABLE = [("Locality", "People waiting", "Median wait (days)"), ("East", "402", "81"), ("West", "332", "44")]

SUMMARY_ORDER = list(SCORES)


@dataclass(frozen=True)
class Variant:
    layout: str = "lines"  # "lines": one block per line; "blank": blank-line blocks; "wrapped": hard-wrapped at 72
    overall: str = "scored"  # "scored" | "score" | "percent" | "none"
    pilot: bool = False  # "<Name> assessment" title, indicative rating
    score_style: str = "colon"  # "colon" ("Score: 2"), "bare" ("Score 2"), "doubled", "endash"
    summary_scores: bool = True  # the summary page lists the nine scores
    live_title: bool = False  # the statement page says "live healthier lives"
    area_title: bool = False  # the title names the area ("Calderholt") and the text the council
    subheadings: bool = True
    # Another council's report in the same pages: its official name, the area its title and text
    # name, its file names' slug; with `about_council`, as on real published pages of councils
    # whose titles name the area, the rating box and the About heading name the area and one
    # sentence of the About page names the council, written its own way ("Hammersmith & Fulham
    # Council"), instead of the summary naming it.
    authority: str = AUTHORITY
    area: str = AREA
    slug: str = "calderholt"
    about_council: str = ""


def _title(v: Variant) -> str:
    name = AREA if v.area_title else AUTHORITY
    return f"{name} assessment" if v.pilot else f"{name}: local authority assessment"


def _lines_to_text(blocks: list[str], v: Variant) -> str:
    """Blocks in the variant's layout. Bullet blocks (starting with two spaces) keep their own lines."""
    if v.layout == "lines":
        return "\n".join(blocks) + "\n"
    out = []
    for block in blocks:
        if v.layout == "wrapped" and not block.startswith("  ") and "\t" not in block:
            block = textwrap.fill(block, width=72)
        out.append(block)
    return "\n\n".join(out) + "\n"


def _head(v: Variant, dated: bool) -> list[str]:
    blocks = [_title(v), _title(v)]
    if dated:
        blocks.append(f"Published: {PUBLISHED} Page last updated: {PUBLISHED}")
    blocks.append("Downloads")
    return blocks


def summary_page(v: Variant) -> str:
    blocks = _head(v, dated=True) + ["Overall summary"]
    if v.pilot:
        blocks += ["Local authority indicative rating", f"{RATING}: {BANDS[2]}"]
    else:
        who = AREA if v.about_council else AUTHORITY
        blocks += ["Local authority rating and score", f"  • {who}\n    {RATING}"]
        blocks += {
            "scored": [f"{who} scored {OVERALL} out of 100 overall, indicating some shortfalls"],
            "score": [f"Score: {OVERALL}"],
            "percent": [f"Overall rating for {who}: {OVERALL}%"],
            "none": [],
        }[v.overall]
    if v.summary_scores:
        blocks.append("Quality statement scores")
        blocks.append("\n".join(f"  • {qs}\n    Score: {n}" for qs, n in SCORES.items()))
    blocks += ["Summary of people's experiences", SUMMARY_PEOPLE,
               "Summary of strengths, areas for development and next steps", SUMMARY_STRENGTHS]
    return _lines_to_text(blocks, v)


def about_page(v: Variant) -> str:
    about = ABOUT + (f" {v.about_council} works with seven neighbouring boroughs in its care partnership."
                     if v.about_council else "")
    blocks = _head(v, dated=False) + ["How we assess local authorities", f"Assessment published: {PUBLISHED}",
                                      f"About {AREA if v.about_council else AUTHORITY}", about, "Financial facts"]
    blocks.append("\n".join(f"  • {fact}" for fact in FINANCIAL_FACTS))
    return _lines_to_text(blocks, v)


def _score_lines(n: int, v: Variant) -> list[str]:
    return {
        "colon": [f"Score: {n}", f"{n} - {BANDS[n]}"],
        "bare": [f"Score {n}", f"{n} - {BANDS[n]}"],
        "doubled": [f"Score: {n}", f"Score: {n} - {BANDS[n]}"],
        "endash": [f"Score {n}", f"{n} – {BANDS[n]}"],
    }[v.score_style]


def statement_page(qs: str, v: Variant) -> str:
    title = qs.replace("lead healthier", "live healthier") if v.live_title else qs
    blocks = _head(v, dated=False) + [title] + _score_lines(SCORES[qs], v)
    if qs not in ("Governance, management and sustainability", "Learning, improvement and innovation"):
        blocks += ["What people expect", "I can get the support I need when I need it, and I know what is happening."]
    blocks += ["The local authority commitment",
               "We work with people and partners to meet needs fairly and in good time.",
               "Key findings for this quality statement"]
    for heading, text in FINDINGS[qs]:
        if v.subheadings:
            blocks.append(heading)
        blocks.append(text)
    if qs == "Assessing needs":
        # A table copied from the page: one row per block, as a browser copies a table's rows (in the
        # blank-line layouts a blank line between rows).
        blocks += ["\t".join(row) for row in WAIT_TABLE]
    return _lines_to_text(blocks, v)


def page_texts(v: Variant = Variant()) -> dict[str, str]:
    """File name -> text, for the 11 pages of the report."""
    pages = {"calderholt-01-overall-summary.txt": summary_page(v), "calderholt-02-about.txt": about_page(v)}
    for i, qs in enumerate(SCORES, start=3):
        slug = qs.lower().replace(",", "").replace(" ", "-")
        pages[f"calderholt-{i:02d}-{slug}.txt"] = statement_page(qs, v)
    if v.area_title and not v.about_council:
        # The council is named in the text of the summary page only, as on real area-titled pages.
        pages["calderholt-01-overall-summary.txt"] = pages["calderholt-01-overall-summary.txt"].replace(
            SUMMARY_PEOPLE, SUMMARY_PEOPLE + f" {AUTHORITY} had recently restructured its front door."
        )
    return {name.replace("calderholt", v.slug): text.replace(AUTHORITY, v.authority).replace(AREA, v.area)
            for name, text in pages.items()}


def write_pages(folder: Path, v: Variant = Variant(), names: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in page_texts(v).items():
        if names is None or name in names:
            (folder / name).write_text(text, encoding="utf-8")
            out.append(folder / name)
    return out


def write_one_file(path: Path, v: Variant = Variant()) -> Path:
    """The same report as one text file: the pages one after another."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(page_texts(v).values()), encoding="utf-8")
    return path


def _html_blocks(text: str) -> str:
    """A text page as the site's HTML: headings, paragraphs, the score widget and bullets in boxes."""
    from html import escape

    from ingest.loaders.text import looks_like_heading

    out = []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("  • "):
            label = escape(line[4:].strip())
            value = lines[i + 1].strip() if i + 1 < len(lines) and lines[i + 1].startswith("    ") else ""
            i += 2 if value else 1
            out.append(f"<ul><li><span>{label}</span> <span class='value'>{escape(value)}</span></li></ul>")
            continue
        i += 1
        stripped = line.strip()
        if stripped.startswith("Score"):
            out.append(f"<div class='score-widget'><strong>{escape(stripped)}</strong></div>")
        elif "\t" in line:
            cells = "".join(f"<td>{escape(c)}</td>" for c in line.split("\t"))
            out.append(f"<table><tr>{cells}</tr></table>")
        elif looks_like_heading(stripped) and stripped != "Downloads":
            out.append(f"<h2>{escape(stripped)}</h2>")
        else:
            out.append(f"<p>{escape(stripped)}</p>")
    return "\n".join(out)


def write_html_pages(folder: Path, v: Variant = Variant()) -> list[Path]:
    """The pages saved from a browser: one .html file per page, the site's furniture around the report."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in page_texts(Variant(**{**v.__dict__, "layout": "lines"})).items():
        body = _html_blocks(text)
        html = ("<html><head><title>CQC</title></head><body><nav class='site-menu'><a href='/'>Home</a></nav>"
                f"<main>{body}</main><footer>Page last updated</footer></body></html>")
        path = folder / name.replace(".txt", ".html")
        path.write_text(html, encoding="utf-8")
        out.append(path)
    return out
