"""The names a question may call an authority by: the library's own (from its catalog) and the
national list of councils (`cqc.councils`), so "County Durham" finds "Durham County Council" in
the library and "Leeds" is known to be a council the library does not hold.

The library's own names come first: an authority the national list does not know (a fictional
one, or a council stored under a name of its own) is matched by its names as stored, in any
case, "&" for "and". The resolver (`cqc.councils.find_councils`) then reads what is left, so a
typo it would forgive never takes a library name for a real council ("Bramley" is one letter from
Bromley). A council on the list that the library holds answers to every name the resolver knows
(with its rules for everyday words: "reading" is a word, "in Reading" the council); one it does
not hold is absent. The one exception to library-first: a real council's whole name, written out,
wins over a library name inside it ("Hammersmith and Fulham" is never a library's "Fulham").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from cqc import framework
from cqc.councils import Council, council_named, council_spans, find_councils, merged_spans


@dataclass(frozen=True)
class NameFound:
    """One authority named in a text: where, as written, and whose."""

    start: int
    end: int  # past any "'s" after the name
    said: str
    authority: str  # the library's authority; "" for a council the library does not hold
    council: Council | None = None  # the council on the national list, when it is one
    typo: bool = False

    @property
    def absent_name(self) -> str:
        """How an answer names a council the library does not hold: as the question wrote it,
        unless that was all lower case or mistyped ("leeds", "Hammersmith and Fulhm"), then as
        people write it."""
        if self.council is not None and (self.typo or self.said == self.said.lower()):
            return self.council.short
        return self.said


@dataclass(frozen=True)
class NamesIn:
    """What a text names: library authorities in order of mention, councils the library does not
    hold (as named), every name found, and the text with the library's names taken out."""

    authorities: tuple[str, ...]
    absent: tuple[str, ...]
    found: tuple[NameFound, ...]
    content: str
    bare: str  # the text with every name found taken out, the absent ones too: what else it says



@dataclass
class AuthorityNames:
    """Every way the library's authorities can be named."""

    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> canonical authority
    own: dict[str, str] = field(default_factory=dict)  # names matched as stored: authorities not on the list
    held: dict[str, str] = field(default_factory=dict)  # a council's official name -> the library's authority

    @classmethod
    def from_authorities(cls, authorities: list[str]) -> AuthorityNames:
        table: dict[str, str] = {}
        own: dict[str, str] = {}
        held: dict[str, str] = {}
        for authority in authorities:
            # Exactly, never by a typo: a fictional "Bramley Borough Council" is not Bromley.
            council = council_named(authority, typos=False)
            if council is not None:
                held.setdefault(council.name, authority)
            for name in framework.short_names(authority):
                table.setdefault(name.lower(), authority)
                if council is None:
                    own.setdefault(_key(name), authority)
        # A library authority that is a council on the national list also answers to that
        # council's other names ("Hull" for "Kingston upon Hull City Council").
        for authority in authorities:
            council = council_named(authority, typos=False)
            if council is not None:
                for name in council.names:
                    table.setdefault(name.lower(), authority)
        return cls(dict(sorted(table.items(), key=lambda kv: -len(kv[0]))), own, held)

    @property
    def authorities(self) -> list[str]:
        return sorted(set(self.names.values()))

    def canonical(self, name: str) -> str | None:
        """The library authority a name (full or short) means, if any."""
        found = self.read(name).authorities
        return found[0] if found else None

    def find(self, text: str) -> tuple[list[str], str]:
        """Authorities named in text, in order of mention, and the text with the names removed."""
        named = self.read(text)
        return list(named.authorities), named.content

    def absent_councils(self, text: str) -> list[str]:
        """Councils on the national list that the text names and the library does not hold, as
        named in the text ("Leeds")."""
        return list(self.read(text).absent)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of text a splitter must keep whole: every council on the list and every
        library authority it names ("Hammersmith and Fulham", "Eastholm & Westholm")."""
        return merged_spans(council_spans(text) + [(f.start, f.end) for f in self._library_names(text)])

    def read(self, text: str) -> NamesIn:
        found = self._library_names(text)
        masked = text
        for f in found:
            masked = masked[:f.start] + " " * (f.end - f.start) + masked[f.end:]
        for m in find_councils(masked):
            end = _past_possessive(text, m.end)
            found.append(NameFound(m.start, end, m.said, self.held.get(m.council.name, ""), m.council, m.typo))
        found.sort(key=lambda f: f.start)
        authorities = tuple(dict.fromkeys(f.authority for f in found if f.authority))
        absent = tuple(dict.fromkeys(f.absent_name for f in found if not f.authority))
        return NamesIn(authorities, absent, tuple(found), _without(text, [f for f in found if f.authority]),
                       _without(text, found))

    def _library_names(self, text: str) -> list[NameFound]:
        """The library's own names (authorities not on the national list) where the text names them,
        less any that sits inside a real council's whole name written out."""
        if not self.own:
            return []
        pattern = _names_pattern(tuple(self.own))
        spelled_out = [(m.start, m.end) for m in find_councils(text, typos=False)]
        out = []
        for m in pattern.finditer(text):
            start, end = m.span(1)
            if any(s <= start and end <= e and e - s > end - start for s, e in spelled_out):
                continue
            out.append(NameFound(start, m.end(), m.group(1), self.own[_key(m.group(1))]))
        return out


def _without(text: str, found: list[NameFound]) -> str:
    for f in sorted(found, key=lambda f: -f.start):
        text = text[:f.start] + " " + text[f.end:]
    return re.sub(r"\s+", " ", text).strip()


def _key(name: str) -> str:
    """A name as the table keys it: lower case, "&" as "and", single spaces."""
    return re.sub(r"\s+", " ", name.lower().replace("&", " and ")).strip()


def _past_possessive(text: str, end: int) -> int:
    m = re.match(r"(?:'s|’s|'|’)(?![\w])", text[end:])
    return end + m.end() if m else end


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One pattern for every name, longest first so "Severn Marches County Council" wins over
    "Severn Marches"; "&" and "and" alike. One pattern, cached per set of names, because a pattern
    per name per question grows with the library: every question reads every name."""
    alternatives = "|".join(
        r"\s+".join(r"(?:and|&)" if w in ("and", "&") else re.escape(w) for w in n.split())
        for n in sorted(names, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])({alternatives})(?:'s|’s|')?(?![\w-])", re.IGNORECASE)
