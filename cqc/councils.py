"""The councils with adult social care duties and the names a text calls them by: one place to ask.

- `COUNCILS`, `Council`, `name_forms`, `normalise`, `short_form`: the national list (`cqc.council_list`).
- `find_councils(text)`: every council a question, title or sentence names, each with its span
  (`CouncilMention`: council, start, end, the words as written, whether a typo was forgiven),
  longest name first and never a tail of one (`cqc.council_names`).
- `council_spans(text, also=...)`: the spans a question splitter must keep whole.
- `council_named(name)`: the council a whole name means, or None.
- `councils_in(text)`: the councils a text names, each once, with the words that first named it.
"""

from __future__ import annotations

from cqc.council_list import COUNCILS, EVERYDAY_WORDS, KINDS, Council, name_forms, normalise, short_form
from cqc.council_names import CouncilMention, council_named, council_spans, find_councils, merged_spans

__all__ = [
    "COUNCILS", "EVERYDAY_WORDS", "KINDS", "Council", "CouncilMention", "council_named", "council_spans",
    "councils_in", "find_councils", "merged_spans", "name_forms", "normalise", "short_form",
]


def councils_in(text: str) -> list[tuple[Council, str]]:
    """The councils a text names, in order of first mention, each with the words that named it."""
    found: list[tuple[Council, str]] = []
    for mention in find_councils(text):
        if all(mention.council is not c for c, _ in found):
            found.append((mention.council, mention.said))
    return found

