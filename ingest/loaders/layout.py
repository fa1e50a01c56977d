"""Plain-text page layouts: how lines become blocks, detected per file.

The regulator's pages reach us as text in whatever layout the user's browser or tool produced:

* one block per line, with or without blank lines between blocks (copied from a browser);
* blank-line paragraphs whose lines are hard-wrapped at a fixed width (text dumps, e-mail);
* "  • " bullets whose value sits on the next, more indented line ("  • Assessing needs" /
  "    Score: 3"), the way the summary page lists a rating and the nine scores;
* tab-separated rows (a table copied from a page).

A file is hard-wrapped when its long lines end at one width; then a line that filled that width
runs on into the next. Otherwise a line is a block of its own, unless it stops mid-sentence and
the next line starts in lower case (a line broken by hand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqc.models import Block
from ingest.loaders.text_utils import clean_text, is_furniture, table_lines

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[•◦▪▫●○■□‣⁃∙·*\-–]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")
_MIN_WRAP_WIDTH = 40
_MAX_WRAP_WIDTH = 130


@dataclass(frozen=True)
class Layout:
    """What was detected about one file's lines."""

    wrap_width: int | None  # the width its paragraphs are wrapped at, None when lines are not wrapped

    @property
    def hard_wrapped(self) -> bool:
        return self.wrap_width is not None


def detect_layout(lines: list[str]) -> Layout:
    """Hard-wrapped when most long lines end within a few characters of one width and no prose line
    runs past it. A file of one paragraph per line has lines of every length, many far longer."""
    prose = [ln.strip() for ln in lines if ln.strip() and not _BULLET.match(ln) and "\t" not in ln]
    lengths = sorted(len(ln) for ln in prose)
    if len(lengths) < 4:
        return Layout(None)
    width = lengths[int(0.95 * (len(lengths) - 1))]
    if not _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH or lengths[-1] > width + 10:
        return Layout(None)
    near_width = sum(width - 15 <= n <= width for n in lengths)
    long_lines = sum(n > width // 2 for n in lengths)
    return Layout(width if near_width >= 3 and near_width >= 0.4 * long_lines else None)


def _first_word(line: str) -> str:
    return line.strip().split(" ", 1)[0]


def _runs_on(previous: str, line: str, layout: Layout) -> bool:
    """Whether `line` continues the paragraph that `previous` ended."""
    if layout.wrap_width is not None:
        # The next word did not fit on the previous line: the writer's tool wrapped it.
        return len(previous.rstrip()) + 1 + len(_first_word(line)) > layout.wrap_width - 2
    stripped = line.lstrip()
    return not _ENDS_SENTENCE.search(previous.rstrip()) and stripped[:1].islower()


def _table_rows(lines: list[str], start: int) -> int:
    """How many lines from `start` form a tab-separated table (two or more rows, same cell count).
    Blank lines between rows do not end it: a browser copies each row of a table as its own block."""
    cells = len(lines[start].split("\t"))
    if cells < 2:
        return 0
    end, rows = start, 0
    while True:
        ahead = end
        while ahead < len(lines) and not lines[ahead].strip():
            ahead += 1
        if ahead == len(lines) or len(lines[ahead].split("\t")) != cells:
            break
        end, rows = ahead + 1, rows + 1
    return end - start if rows >= 2 else 0


def _table_block(rows: list[str], location: str) -> Block:
    cells = [[clean_text(c) for c in row.split("\t")] for row in rows if row.strip()]
    return Block("table", "\n".join(line for line in table_lines(cells[0], cells[1:]) if line), 0, location)


def _bullet_text(head: str, continuation: list[str]) -> str:
    """A bullet and its indented lines. A short label with a short value under it ("Assessing needs"
    over "Score: 3", an authority over its rating) reads as "label: value"; anything else is the
    bullet's sentence wrapped onto the next lines."""
    if not continuation:
        return clean_text(head)
    first = clean_text(continuation[0])
    label = clean_text(head)
    if (len(continuation) == 1 and len(label) <= 100 and not _ENDS_SENTENCE.search(label)
            and len(first) <= 60 and not first[:1].islower()):
        return f"{label}: {first}"
    return clean_text(" ".join([head, *continuation]))


def plain_text_blocks(text: str, location: str, is_heading, heading_level) -> list[Block]:
    """Blocks of a plain-text file in whichever layout it has. `is_heading(line)` and
    `heading_level(line)` come from the text loader, which knows the report's vocabulary."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    layout = detect_layout(lines)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if not paragraph:
            return
        joined = clean_text(" ".join(p.strip() for p in paragraph))
        paragraph.clear()
        if not joined or is_furniture(joined):
            return
        if is_heading(joined):
            blocks.append(Block("heading", joined, heading_level(joined), location))
        else:
            blocks.append(Block("paragraph", joined, 0, location))

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        rows = _table_rows(lines, i) if "\t" in line else 0
        if rows:
            flush()
            blocks.append(_table_block(lines[i: i + rows], location))
            i += rows
            continue
        bullet = _BULLET.match(line)
        if bullet and not (paragraph and layout.hard_wrapped and _runs_on(paragraph[-1], line, layout)):
            flush()
            indent = len(bullet.group("indent").expandtabs())
            continuation: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() and not _BULLET.match(lines[i]) and (
                len(lines[i]) - len(lines[i].lstrip()) > indent
                or _runs_on(continuation[-1] if continuation else line, lines[i], layout)
            ):
                continuation.append(lines[i])
                i += 1
            blocks.append(Block("list_item", _bullet_text(bullet.group("text"), continuation), 0, location))
            continue
        if paragraph and not _runs_on(paragraph[-1], line, layout):
            flush()
        paragraph.append(line)
        i += 1
    flush()
    return blocks
