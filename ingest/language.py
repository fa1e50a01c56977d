"""Whether a sentence of an English report is written in another language.

CQC reports on English councils are written in English. A sentence in another language inside one
is not the report's finding (no reader of the report was meant to read it, and a model reads any
language): ingest sets it aside and names the language.

Two readings must agree before a sentence is called foreign, so a few borrowed words ("café",
"ad hoc") or a council's name never make English prose foreign:
- a language identifier (py3langid: character n-grams of 97 languages, its model shipped in the
  package) names another language with high confidence;
- English's small words (the, of, and, to, was, were, had...), which hold every English sentence
  together whatever it is about, are (nearly) absent.
Text in another alphabet (Cyrillic, Greek, Han, Arabic...) is foreign by its letters. Lines of
fewer than five words (headings, table cells, names) carry too little to tell, and are left alone.
"""

from __future__ import annotations

import re
import threading
import unicodedata

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

ENGLISH = frozenset("""
the of and to a an in is was were are be been being had has have for on with as by at from that this these
those it its their they them there which who whom whose what when where while not no or but if than then so
such into about after before over under between through during within without our we us you your he she his
her him i me my do does did can could would should will may might must shall also more most other some any
all each every both only very much many people staff council local authority told said
""".split())
MIN_WORDS = 5
CONFIDENCE = 0.9  # the identifier's normalised probability for the other language
_NAMES = {"fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
          "cy": "Welsh", "pl": "Polish", "ga": "Irish", "gd": "Scottish Gaelic", "ro": "Romanian", "tr": "Turkish",
          "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech", "hu": "Hungarian",
          "la": "Latin", "ca": "Catalan", "eu": "Basque", "lt": "Lithuanian", "lv": "Latvian", "sk": "Slovak",
          "sl": "Slovenian", "hr": "Croatian", "et": "Estonian", "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese",
          "af": "Afrikaans", "sq": "Albanian", "eo": "Esperanto", "tl": "Tagalog", "sw": "Swahili", "mt": "Maltese"}

_identifier = None
_loading = threading.Lock()


def _identify(text: str) -> tuple[str, float]:
    global _identifier
    if _identifier is None:
        with _loading:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, probability = _identifier.classify(text)
    return lang, float(probability)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_language(text: str) -> str:
    """The language (or alphabet) a sentence is written in when it is not English, else ""."""
    words = [w.lower() for w in _WORD.findall(text)]
    letters = [ch for w in words for ch in w]
    if len(letters) < 4:
        return ""
    other = [ch for ch in letters if not (ch.isascii() or _script(ch) == "LATIN")]
    if len(other) >= 0.5 * len(letters):
        scripts: dict[str, int] = {}
        for ch in other:
            scripts[_script(ch)] = scripts.get(_script(ch), 0) + 1
        return f"{max(scripts, key=scripts.get).title()} script"
    if len(words) < MIN_WORDS or sum(1 for w in words if w in ENGLISH) > 0.2 * len(words):
        return ""
    lang, probability = _identify(text)
    if lang == "en" or probability < CONFIDENCE:
        return ""
    return _NAMES.get(lang, f"another language ({lang})")
