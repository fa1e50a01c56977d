"""Text as a reader sees it, before anything reads it.

What a file holds and what a person sees on the page can differ: compatibility forms (fullwidth
"Ｉｇｎｏｒｅ", mathematical bold, ligatures), characters that draw nothing (zero-width spaces
and joiners, soft hyphens, byte-order marks, Unicode tag characters that spell out hidden text),
controls that reorder what is drawn (bidi overrides and isolates), marks stacked on letters, and
letters of another alphabet that are drawn like Latin ones (a Greek capital iota in "Ignore", a
Cyrillic "о" in "previous"). A report is written for people in English, so ingest reads the text
a person sees: NFKC, nothing that draws nothing, look-alike letters folded to the Latin letter
they are drawn as. Every later step (titles, dates, scores, what is a finding) reads this text.

The folding is a table of letters, not of words: it holds every Greek, Cyrillic, Armenian and
Cherokee letter (and Latin's own odd forms, such as the dotless i) whose usual glyph is a basic
Latin letter. It applies where the text around is Latin; a passage written in Greek or Cyrillic
is left as it is (it is another language, and is read as such: `ingest.language`).
"""

from __future__ import annotations

import re
import unicodedata

# Drawn as the Latin letter on the right in common fonts (after Unicode's confusables list, TR39).
_LOOKALIKES = {
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J", "Ϝ": "F",
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "ϲ": "c", "ϳ": "j", "γ": "y", "ω": "w",
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p", "ѕ": "s", "х": "x",
    "у": "y", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l", "ɡ": "g", "к": "k", "м": "m", "н": "h",
    "т": "t", "в": "b", "ь": "b", "п": "n", "г": "r",
    # Armenian
    "Օ": "O", "Ս": "U", "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "ք": "p", "զ": "q",
    # Cherokee capitals drawn as Latin capitals
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ᏽ": "G", "Ꮋ": "H", "Ꮖ": "I", "Ꭻ": "J", "Ꮶ": "K",
    "Ꮮ": "L", "Ꮇ": "M", "Ꮎ": "O", "Ꮲ": "P", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V", "Ꮃ": "W", "Ꮓ": "Z",
    # Latin's own variants
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ʏ": "y", "ᴀ": "A", "ʙ": "B", "ᴄ": "C", "ᴅ": "D", "ᴇ": "E",
    "ɢ": "G", "ʜ": "H", "ɪ": "I", "ᴊ": "J", "ᴋ": "K", "ʟ": "L", "ᴍ": "M", "ɴ": "N", "ᴏ": "O", "ᴘ": "P",
    "ʀ": "R", "ꜱ": "S", "ᴛ": "T", "ᴜ": "U", "ᴠ": "V", "ᴡ": "W", "ᴢ": "Z",
}
_FOLD = str.maketrans(_LOOKALIKES)
_FOLDABLE = frozenset(_LOOKALIKES)

# Draw nothing, or only change how neighbours are drawn: the format characters (zero-width space,
# joiners, soft hyphen, bidi embeddings, overrides and isolates, word joiner, tag characters...),
# variation selectors, and combining marks NFKC could not join to a letter.
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me"}
_VARIATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_LETTERS = re.compile(r"[^\W\d_]")


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in _INVISIBLE_CATEGORIES


def normalise_text(text: str) -> str:
    """The text a person sees: NFKC, nothing invisible, look-alike letters folded to Latin where
    the text around them is Latin. Whitespace is kept as it is (line breaks carry table rows)."""
    if not text:
        return text
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _VARIATION.sub("", text)
        text = "".join(ch for ch in text if not _invisible(ch))
        text = unicodedata.normalize("NFC", text)
        if any(ch in _FOLDABLE for ch in text) and _folds_here(text):
            text = text.translate(_FOLD)
    return text


def _folds_here(text: str) -> bool:
    """Fold when the text reads as Latin: most of its letters are Latin, or are look-alikes that
    stand inside Latin words ("Ιgnore": a Greek iota among Latin letters)."""
    letters = _LETTERS.findall(text)
    plain = sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    return plain >= 0.5 * max(len(letters), 1) or _mixed_words(text)


def _mixed_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    mixed = [w for w in words if any(ch in _FOLDABLE for ch in w) and any(ch.isascii() for ch in w)]
    return len(mixed) >= max(1, len(words) // 4)

