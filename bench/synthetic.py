"""A synthetic national set: the shared sample reports re-issued under made-up authorities.

Each synthetic report is one of the shared reports (read with our own loaders, so its blocks are
what ingest sees) with the authority renamed, its figures varied and its publication date moved,
written out as Markdown, HTML or plain text in turn. The reports are distinct (no two chunks
share an id, BM25 and dense search see different figures and names) while keeping the structure,
length and vocabulary of real reports, which is what the timings depend on.
"""

from __future__ import annotations

import html
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cqc import framework
from cqc.models import Block
from cqc.text.dates import MONTH_NAMES

FORMATS = ("md", "html", "txt")

# Made-up place names: stems x endings, then a compass or size word in front for more.
_STEMS = (
    "Alder", "Bram", "Cald", "Dun", "Elm", "Fen", "Gold", "Hart", "Ivy", "Kel", "Lang", "Mar",
    "Nor", "Oak", "Pen", "Quarr", "Rad", "Stan", "Thorn", "Ull", "Wal", "Whit", "Yar", "Briar",
    "Cran", "Dray", "Ers", "Fox", "Glen", "Hazel", "Lark", "Moss",
)
_ENDINGS = (
    "bury", "field", "ford", "ham", "ley", "mouth", "stead", "ton", "wick", "worth", "gate",
    "moor", "dale", "well", "brook",
)
_PREFIXES = ("", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "Great ", "Little ")
_KINDS = ("County Council", "City Council", "Metropolitan Borough Council", "Borough Council", "District Council", "Council")

_NUMBER = re.compile(r"(?P<pound>£)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?(?P<pct>%)?")
# Numbers that are names or structure, not figures: dates, years, scores, statutory sections.
_KEEP_AFTER = re.compile(rf"^\s*(?:{MONTH_NAMES}|out of|-day|-year|\s*[-–—]\s*evidence)", re.IGNORECASE)
# ... and the periods a measure is defined over ("reviewed in the previous 12 months", "within 28 days").
_KEEP_BEFORE = re.compile(r"(?:section|theme|score:?|page|aged|over|under|care act|out of|/|previous|within|last|past)\s*$",
                          re.IGNORECASE)
_PUBLISHED = re.compile(r"^(published|date published|publication date)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Template:
    """A shared report as blocks, with the names it uses for its authority."""

    source: str
    authority: str
    short_names: tuple[str, ...]  # longest first, the full name among them
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SyntheticReport:
    path: Path
    authority: str
    template: str  # the shared report it was made from
    published: str
    template_authority: str = ""  # the authority of that report (its facts file names it)
    figures: tuple[tuple[str, str], ...] = ()  # each figure of the template as written -> as this report writes it


def authority_names(n: int, seed: int = 7) -> list[str]:
    """n distinct authority names whose short forms are distinct too (so questions can name them)."""
    stems = [p + s + e for p in _PREFIXES for s in _STEMS for e in _ENDINGS]
    if n > len(stems):
        raise ValueError(f"at most {len(stems)} synthetic authorities can be named, asked for {n}")
    rng = random.Random(seed)
    chosen = rng.sample(stems, n)
    return [f"{stem} {rng.choice(_KINDS)}" for stem in chosen]


def load_templates(reports_dir: Path) -> list[Template]:
    """Every report in the shared folder (PDF, HTML pages, text), read as ingest reads it."""
    from ingest.reading import read_reports

    if not reports_dir.is_dir():
        raise FileNotFoundError(f"{reports_dir}: no such folder (the shared reports the benchmark copies)")
    read = read_reports([reports_dir])
    templates = []
    for doc, report in sorted(read, key=lambda pair: pair[0].source):
        if not report.authority:
            continue  # an excerpt with no authority cannot be renamed
        names = tuple(sorted(set(framework.short_names(report.authority)), key=len, reverse=True))
        templates.append(Template(doc.source, report.authority, names, tuple(doc.blocks)))
    if not templates:
        raise ValueError(f"{reports_dir}: no report with an authority name found to build the synthetic set from")
    return templates


def vary_figures(text: str, rng: random.Random, varied: dict[str, str] | None = None) -> str:
    """Counts, percentages and money scaled by 0.7-1.3, format kept; dates, years, scores and
    statutory numbers ("Section 42") left alone. With `varied` (one per report), a figure the report
    repeats ("612 people" in the summary and in the finding) is varied the same way each time, and
    `varied` records each figure as written and as varied: the known values rankings are checked against."""

    def swap(m: re.Match) -> str:
        if varied is not None and m.group(0) in varied:
            before, after = text[max(0, m.start() - 12): m.start()], text[m.end(): m.end() + 12]
            if not (_KEEP_AFTER.match(after) or _KEEP_BEFORE.search(before)):
                return varied[m.group(0)]
        raw = m.group("num").replace(",", "")
        value = int(raw)
        before, after = text[max(0, m.start() - 12): m.start()], text[m.end(): m.end() + 12]
        is_year = not m.group("dec") and not m.group("pound") and 1900 <= value <= 2100
        if is_year or _KEEP_AFTER.match(after) or _KEEP_BEFORE.search(before) or (value < 5 and not m.group("dec")):
            return m.group(0)
        number = float(raw + (m.group("dec") or ""))
        new = number * rng.uniform(0.7, 1.3)
        if m.group("pct"):
            new = min(new, 99.9 if m.group("dec") else 99)
        decimals = len(m.group("dec") or "") - 1 if m.group("dec") else 0
        body = f"{new:,.{decimals}f}" if "," in m.group("num") else f"{new:.{decimals}f}"
        out = f"{m.group('pound') or ''}{body}{m.group('pct') or ''}"
        if varied is not None:
            varied[m.group(0)] = out
        return out

    return _NUMBER.sub(swap, text)


def _rename(text: str, template: Template, names: tuple[str, str]) -> str:
    full, short = names
    for old in template.short_names:  # longest first: the full name before its short form
        new = full if old == template.authority else short
        text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text)
    return text


def synthesise(template: Template, authority: str, published: date, seed: int,
               varied: dict[str, str] | None = None) -> list[Block]:
    """The template's blocks renamed, re-dated and with its figures varied (recorded in `varied`)."""
    rng = random.Random(seed)
    short = framework.short_names(authority)[-1]
    varied = {} if varied is None else varied
    out: list[Block] = []
    for block in template.blocks:
        text = _rename(block.text, template, (authority, short))
        if _PUBLISHED.match(text):
            text = f"Published: {published.day} {published:%B %Y}"
        elif block.kind != "heading":
            text = vary_figures(text, rng, varied)
        out.append(Block(block.kind, text, block.level, block.location))
    return out


# -- writers: the three formats ingest reads without a PDF parser --------------------------------
def to_markdown(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if b.kind == "heading":
            parts.append("#" * max(1, min(b.level or 5, 6)) + " " + b.text)
        elif b.kind == "list_item":
            parts.append("- " + b.text)
        else:
            parts.append(b.text.replace("\n", "\n\n"))  # table rows: one paragraph each
    return "\n\n".join(parts) + "\n"


def to_html(blocks: list[Block], title: str) -> str:
    body = []
    in_list = False
    for b in blocks:
        if b.kind == "list_item" and not in_list:
            body.append("<ul>")
            in_list = True
        elif b.kind != "list_item" and in_list:
            body.append("</ul>")
            in_list = False
        text = html.escape(b.text)
        if b.kind == "heading":
            level = max(1, min(b.level or 5, 6))
            body.append(f"<h{level}>{text}</h{level}>")
        elif b.kind == "list_item":
            body.append(f"<li>{text}</li>")
        elif b.kind == "table":
            rows = "".join(f"<tr><td>{html.escape(row)}</td></tr>" for row in b.text.split("\n"))
            body.append(f"<table>{rows}</table>")
        else:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    return (
        f"<!doctype html>\n<html><head><title>{html.escape(title)}</title></head>\n"
        f"<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n"
    )


def to_text(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if b.kind == "list_item":
            parts.append("- " + b.text)
        elif b.kind == "paragraph" and "\n" not in b.text and not b.text.rstrip().endswith((".", "!", "?", ":")):
            # Plain text marks headings only by being short lines without a full stop: a short
            # paragraph ("X scored 53 out of 100 overall, indicating ...") gets one so it stays one.
            parts.append(b.text + ".")
        else:
            parts.append(b.text.replace("\n", "\n\n"))
    return "\n\n".join(parts) + "\n"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build_set(templates: list[Template], n: int, out_dir: Path, seed: int = 7, start: int = 0,
              councils: int = 0, names: list[str] | None = None) -> list[SyntheticReport]:
    """Reports start..n-1 of the set (the same names, figures and dates for the same seed), written
    into out_dir; files already there are rewritten, so a larger run extends a smaller one.

    `councils`: how many authorities there are (England has 153); report i is of authority
    i mod councils, so past the first `councils` reports each is a reassessment, published a year
    or so after the one before it (another template's text, its own figures), as a library that
    keeps every version grows. 0: a new authority for every report.
    `names`: authorities for the first reports instead of made-up ones (real councils whose names
    hold "and", for the question path's tests at national size)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made_up = authority_names(councils or n, seed)
    names = (list(names or []) + made_up)[:len(made_up)]
    reports = []
    first_day = date(2023, 11, 1)
    for i in range(start, n):
        template = templates[i % len(templates)]
        authority = names[i % len(names)]
        version = i // len(names)
        day = (i * 37 + seed) % 600  # the first assessments spread over 600 days
        if version:  # each reassessment in a year of its own after them
            day = 600 + (version - 1) * 365 + (i * 37 + seed) % 300
        published = first_day + timedelta(days=day)
        varied: dict[str, str] = {}
        blocks = synthesise(template, authority, published, seed * 100_003 + i, varied)
        fmt = FORMATS[i % len(FORMATS)]
        path = out_dir / f"{i:05d}-{_slug(authority)}.{fmt}"
        if fmt == "md":
            content = to_markdown(blocks)
        elif fmt == "html":
            content = to_html(blocks, f"{authority}: local authority assessment")
        else:
            content = to_text(blocks)
        path.write_text(content, encoding="utf-8")
        reports.append(SyntheticReport(path, authority, Path(template.source).name, published.isoformat(),
                                       template.authority, tuple(sorted(varied.items()))))
    return reports


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.synthetic --out DIR`: write the synthetic reports alone (the national-size
    eval, `make eval-national`, ingests them beside the shared reports)."""
    import argparse

    from config import configure_offline

    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=main.__doc__)
    parser.add_argument("--corpus", type=Path, required=True, help="the shared reports the synthetic ones copy")
    parser.add_argument("--reports", type=int, default=146, help="how many (default 146: 150 with the shared four)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        written = build_set(load_templates(args.corpus), args.reports, args.out, seed=args.seed)
    except (OSError, ValueError) as exc:
        print(f"python -m bench.synthetic: {exc}", file=sys.stderr)
        return 2
    print(f"{len(written)} synthetic reports written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
