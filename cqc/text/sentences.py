"""Where sentences begin and end, for the three kinds of text the assistant cuts up.

- A finding (`split_sentences`): a sentence ends at . ! or ? before a capital, a figure, "£", a
  quote or a bracket; list lines and table rows count as sentences of their own. The answerers
  score and quote these; ingest pools a vector for each (`sentence_spans`).
- An answer (`split_answer`): a citation marker after a full stop belongs to the sentence before.
- Report wording turned into actions (`split_wording`): a new sentence starts with a capital
  letter only, and a list item stays whole, so an item's own full stops never cut it.
"""

from __future__ import annotations

import re

_FINDING_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£\"'(])")
_ANSWER_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[^\s[])")
_WORDING_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
LIST_ITEM = re.compile(r"^\s*[-\u2022*]\s+(?P<item>.+?)[;.,]?\s*$")  # "- reducing waits;": the item
_LIST_ITEM_START = re.compile(r"^\s*[-\u2022*]\s")

MIN_ANSWER_SENTENCE_CHARS = 16  # shorter "sentences" are list numbers and stray labels, never an answer


def split_sentences(text: str) -> list[str]:
    """Sentences of a finding; list lines and table rows count as sentences of their own."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(s.strip() for s in _FINDING_SENTENCE_END.split(line) if s.strip())
    return out


def answer_sentences(text: str) -> list[str]:
    """The sentences of a finding the answerer scores and may quote."""
    return [s for s in split_sentences(text) if len(s) >= MIN_ANSWER_SENTENCE_CHARS]


def sentence_spans(text: str, embedded: str) -> list[tuple[int, int] | None]:
    """Where each answer sentence of a finding's `text` sits in its `embedded` text (the text
    follows a context line there), as character offsets; None for one that cannot be found."""
    base = len(embedded) - len(text)
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for sentence in answer_sentences(text):
        at = text.find(sentence, cursor)
        if at < 0:
            spans.append(None)
            continue
        cursor = at + len(sentence)
        spans.append((base + at, base + cursor))
    return spans


def is_list_item(sentence: str) -> bool:
    """A line that starts with a bullet ("- ", "• ", "* ")."""
    return bool(_LIST_ITEM_START.match(sentence))


def split_answer(text: str) -> list[str]:
    """An answer's sentences, each keeping the markers written after its full stop."""
    return _ANSWER_SENTENCE_END.split(text)


def split_wording(text: str) -> list[str]:
    """Sentences and list items of a finding, each list item whole, with the line before a list."""
    out: list[str] = []
    for line in text.split("\n"):
        if LIST_ITEM.match(line):
            out.append(line.strip())
        else:
            out += [s.strip() for s in _WORDING_SENTENCE_END.split(line) if s.strip()]
    return out
