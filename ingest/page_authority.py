"""A page's authority, checked against its own text.

A page is filed under the council its title names. A title is two lines anyone can copy: a page
of one council saved under another's title lines (by mistake, or to plant figures) would be filed
under the wrong council, its figures answered as that council's, its scores changing that
council's. The page's own text says whose it is: a statement page names its council as it goes
("people waiting ... in Northbridge", "Northbridge's carers"), and never another council over and
over. So a page whose text names another council several times and its title's council not once
is held aside with the conflict named, never filed; the user decides.

Councils are found in the text by the names the library already holds (full and short), the 153
councils of England (`cqc.councils`), and any "<Name> County/City/Borough Council" the text spells
out, each counted with its short form ("Northbridge" for "Northbridge County Council").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cqc import councils
from cqc.models import Page
from ingest.report_lines import TITLE_LINES

# Another council named this often, and the title's never, makes the page another council's.
MIN_MENTIONS = 3
_SPELT_OUT = re.compile(
    r"\b((?:[A-Z][\w'’-]+\s+(?:(?:and|upon|on|of|the)\s+)?){1,5}"
    r"(?:County Council|City Council|Metropolitan Borough Council|Borough Council|District Council|Council))\b"
)
_LEADING = re.compile(r"^(?:The|In|At|By|For|From|With|And|Of)\s+")


@dataclass(frozen=True)
class AuthorityConflict:
    file: str
    title_names: str  # the authority the page's title names
    text_names: str  # the council its text names instead
    mentions: int

    @property
    def problem(self) -> str:
        return (f"its title names {self.title_names}, but its text names {self.text_names} {self.mentions} times and "
                f"{self.title_names} never; held aside, not filed under either council. Correct its title lines "
                f"(or check it is the right file) and ingest it again")


def _short(name: str) -> str:
    return councils.normalise(councils.short_form(name))


def _same(a: str, b: str) -> bool:
    """Two names of one council: the same short form, one inside the other ("County Durham" and
    "Durham County Council"), or the same council in the national list."""
    sa, sb = _short(a), _short(b)
    if not sa or not sb:
        return False
    if sa == sb or re.search(rf"\b{re.escape(sa)}\b", sb) or re.search(rf"\b{re.escape(sb)}\b", sa):
        return True
    ca, cb = councils.council_named(a), councils.council_named(b)
    return ca is not None and ca is cb


def _mentions(text: str, name: str) -> int:
    """How often the text names a council, by its full name or its short form (as a capitalised name)."""
    forms = {name, councils.short_form(name)}
    council = councils.council_named(name)
    if council is not None:
        forms |= set(council.names)
    forms = {f for f in forms if len(f) >= 3}
    pattern = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))
    return len(re.findall(rf"(?<![\w-])(?:{pattern})(?![\w-])", text)) if pattern else 0


def authority_conflict(page: Page, known: Iterable[str] = ()) -> AuthorityConflict | None:
    """The conflict between a page's title and its text, or None when they agree (or the text names
    no council often enough to tell)."""
    title = page.authority
    if not title:
        return None
    body = "\n".join(b.text for b in page.blocks[TITLE_LINES:] if b.text.strip() != page.title)
    # A text that names its title's council agrees with it, whoever else it names: asked first, as
    # it is cheap and nearly every page passes it (reading every council a report's body names takes
    # a tenth of a second).
    if _mentions(body, title) > 0 or (page.council and _mentions(body, page.title_name) > 0):
        return None
    candidates = set(known)
    candidates |= {_LEADING.sub("", m.group(1)).strip() for m in _SPELT_OUT.finditer(body)}
    candidates |= {c.name for c, _ in councils.councils_in(body)}
    others = [name for name in candidates if name and not _same(name, title)]
    if not others:
        return None
    counts = {name: _mentions(body, name) for name in others}
    best = max(counts, key=lambda n: (counts[n], len(n)))
    if counts[best] < MIN_MENTIONS:
        return None
    return AuthorityConflict(page.file, title, best, counts[best])


def hold_conflicting(pages: list[Page], known: Iterable[str] = ()) -> tuple[list[Page], list[AuthorityConflict]]:
    """The pages whose title and text agree, and the conflicts of those that do not."""
    known = list(known)
    kept, held = [], []
    for page in pages:
        conflict = authority_conflict(page, known)
        (held.append(conflict) if conflict else kept.append(page))
    return kept, held
