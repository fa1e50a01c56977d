"""The names a question may call an authority by: the library's own (from its catalog) and the
national list of councils (`cqc.councils`), so "County Durham" finds "Durham County Council" in
the library and "Leeds" is known to be a council the library does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from cqc import framework
from cqc.councils import council_named, councils_in


@dataclass
class AuthorityNames:
    """Every way the library's authorities can be named, longest first so "Severn Marches County
    Council" wins over "Severn Marches"."""

    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> canonical authority

    @classmethod
    def from_authorities(cls, authorities: list[str]) -> AuthorityNames:
        table: dict[str, str] = {}
        for authority in authorities:
            for name in framework.short_names(authority):
                table.setdefault(name.lower(), authority)
        # A library authority that is a council on the national list also answers to that
        # council's other names ("Hull" for "Kingston upon Hull City Council").
        for authority in authorities:
            council = council_named(authority)
            if council is not None:
                for name in council.names:
                    table.setdefault(name.lower(), authority)
        return cls(dict(sorted(table.items(), key=lambda kv: -len(kv[0]))))

    @property
    def authorities(self) -> list[str]:
        return sorted(set(self.names.values()))

    def canonical(self, name: str) -> str | None:
        """The library authority a name (full or short) means, if any."""
        found, _ = self.find(name)
        return found[0] if found else None

    def find(self, text: str) -> tuple[list[str], str]:
        """Authorities named in text, in order of mention, and the text with the names removed."""
        if not self.names:
            return [], re.sub(r"\s+", " ", text).strip()
        pattern = _names_pattern(tuple(self.names))
        ordered: list[str] = []
        for m in pattern.finditer(text):
            authority = self.names.get(m.group(1).lower())
            if authority and authority not in ordered:
                ordered.append(authority)
        return ordered, re.sub(r"\s+", " ", pattern.sub(" ", text)).strip()

    def absent_councils(self, text: str) -> list[str]:
        """Councils on the national list that the text names and the library does not hold, as
        named in the text ("Leeds"); `text` has the library's own names taken out already."""
        held = {council_named(a) for a in self.authorities} - {None}
        return [said for council, said in councils_in(text) if council not in held]


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One pattern for every name, longest first so "Severn Marches County Council" wins over
    "Severn Marches". One pattern, cached per set of names, because a pattern per name per
    question grows with the library: every question reads every name."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?:'s|’s|')?(?![\w-])", re.IGNORECASE)
