"""Actions worded as a council's improvement plan words them: a verb first, the thing to change,
nothing that leans on a sentence the action does not include.

Two sources, in this order of preference:
- what the report says must happen or is planned: "the local authority needed to reduce ...",
  "managers aimed to bring ... by March 2025", "Next steps included clearing ...", an agreed plan's
  listed priorities or commitments ("- reducing waiting times ...;");
- what the report records as falling short, turned round: "96 enquiries were waiting to be
  allocated" -> "Reduce the number of enquiries waiting to be allocated to a practitioner",
  "records did not always show ..." -> "Make sure records always show ...".

Everything here is rules over the report's own words (no model): a sentence no rule fits gives
no wording, and the caller falls back to naming the area to improve. The shortfall rules are in
`assistant.actions.shortfall_wording`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.actions.verbs import ACTION_VERBS, base_verb, present_tense
from cqc.text.dates import MONTH_NAMES
from cqc.text.sentences import LIST_ITEM

_DATE = (rf"(?:(?:\d{{1,2}} )?(?:{MONTH_NAMES}) \d{{4}}"
         rf"|(?:the )?(?:end|start|beginning|middle) of (?:(?:{MONTH_NAMES}) )?\d{{4}}(?:/\d\d)?"  # "the end of December 2024"
         r"|(?:(?:the )?(?:spring|summer|autumn|winter)(?: of)? )\d{4}|\d{4}/\d\d|\d{4})")
_BY_DATE = re.compile(rf"\b(?:by|before|from|in|during|due to \w+ in|due in|planned for|within) ({_DATE})\b", re.IGNORECASE)

# -- what the report says must happen or is planned ----------------------------------------------------
_CLAUSE = r"(?:[^.;]|\.(?=\d))+"  # up to the sentence's end, keeping "£24.10" whole
_SUBJECT = r"(?:the (?:local authority|council)|it|leaders|managers|the service|the board|the partnership|the directorate|senior leaders)"
_REQUIRED = re.compile(
    rf"\b{_SUBJECT}(?: (?:also|still|now|urgently))? (?:needed|needs|need|must|should|had to|has to|would need) to (?P<rest>{_CLAUSE})",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    rf"\b(?:aimed|aims|planned|plans|had plans|has plans|intended|intends|was going|were going|expected|expects|"
    rf"committed|had committed|has committed|had agreed|has agreed|set out plans)\s+to\s+(?P<rest>{_CLAUSE})",  # rf: was r,
    # and "{_CLAUSE}" stood in the pattern as those characters, so no "planned to" or "aimed to" was ever read
    re.IGNORECASE,
)
_NEXT_STEPS = re.compile(rf"\b(?:next steps|priorities|actions) (?:included|include|were|are|was|is)\s*:?\s+(?P<rest>{_CLAUSE})", re.IGNORECASE)
_LIST_INTRO = re.compile(r"\b(?:priorit\w*|commit\w*|actions?|next steps|plans?|needed|needs|must|aims?|agreed|improve\w*)\b[^:]*:\s*$",
                         re.IGNORECASE)
_NOUN_PLANS = re.compile(
    r"\b(?:an?|the) (?P<noun>upgrade|review|refresh|restructure|expansion|roll-out|launch|introduction|"
    r"recommissioning|redesign) of (?P<what>[^.;,]+?) (?:was|were|is|are) (?:planned|due|scheduled|expected)\b",
    re.IGNORECASE,
)
_NOUN_VERB = {"upgrade": "Upgrade", "review": "Review", "refresh": "Refresh", "restructure": "Restructure",
              "expansion": "Expand", "roll-out": "Roll out", "launch": "Launch", "introduction": "Introduce",
              "recommissioning": "Recommission", "redesign": "Redesign"}
# Where a clause stops being the action and starts being the report's commentary on it.
_TAIL = re.compile(r",?\s*\b(?:against|compared with|compared to|short of|well below|below the|above the)\b.*$"
                   r"|,\s*(?:which|of which|with the|although|though|but|as|because|after|so that|and leaders|and staff|and partners)\b.*$"
                   r"|\s+(?:although|because)\b.*$"
                   r"|\s+and (?:had|has|was|were|did|do|does) not\b.*$|\s+and that\b.*$"
                   r"|\s+and (?:few|some|many|most|only|no)\b.*$"
                   # a clause of its own after the action: "... waiting for an assessment and the median wait was 112 days"
                   r"|\s+and (?:the|a|an|its|their) (?:[\w'-]+ ){0,4}(?:was|were|is|are|had|has|stood|rose|fell)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class Wording:
    action: str
    timescale: str = ""  # a date the report gives for it ("March 2025"), else empty
    planned: bool = False  # from what the report says must happen or is planned


def date_in(text: str) -> str:
    m = _BY_DATE.search(text)
    return m.group(1) if m else ""


def _coordinated(rest: str) -> list[str]:
    """"reduce X and make sure Y, strengthen Z, and embed W" -> four verb phrases. A comma or "and"
    starts a new phrase only where an action verb follows it."""
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=\w)", rest)
    phrases: list[str] = []
    for part in parts:
        part = re.sub(r"^\s*to\s+(?=\w+)", "", part) if phrases else part  # "recruit ... and to recommission ..."
        word = part.strip().split(" ", 1)[0].lower() if part.strip() else ""
        starts_new = word in ACTION_VERBS or (word.endswith("ing") and base_verb(word) in ACTION_VERBS)
        if phrases and not starts_new:
            joiner = " and " if re.search(rf"\s+and\s+{re.escape(part.strip())}", rest) else ", "
            phrases[-1] += joiner + part.strip()
        else:
            phrases.append(part.strip())
    return [p for p in phrases if p]


def imperative(phrase: str) -> str:
    """"clearing the backlog" / "to reduce waits" / "reduce waits" -> "Clear the backlog"."""
    phrase = re.sub(r"^(?:to|also|then|and)\s+", "", phrase.strip(), flags=re.IGNORECASE)
    words = phrase.split(" ", 1)
    if not words or not words[0]:
        return ""
    verb = base_verb(words[0].lower())
    if verb not in ACTION_VERBS:
        return ""
    rest = words[1] if len(words) > 1 else ""
    # "developing and stabilising the workforce" -> "Develop and stabilise the workforce"
    rest = re.sub(r"(?<=\band )(\w+ing)\b|(?<=, )(\w+ing)\b",
                  lambda m: base_verb(m.group(0)) if base_verb(m.group(0)) in ACTION_VERBS else m.group(0), rest)
    return " ".join([verb.capitalize(), rest]).strip()


def tidy(action: str, council_subject: bool = True) -> str:
    """An action's wording made to stand on its own: the council's own "its" named, the report's
    past tense made present, commentary after the action cut, no closing full stop."""
    action = _TAIL.sub("", action).strip().rstrip(".;:, ")
    if council_subject:
        action = re.sub(r"\bits\b", "the council's", action)
        action = re.sub(r"\b(?<!with )it\b(?= (?:heard|received|provided|commissioned|offered|had|has|held|used))", "the council", action)
    return present_tense(action)


def planned_wordings(sentence: str) -> list[Wording]:
    """The actions a sentence says must happen or are planned, each with the date it gives."""
    out: list[Wording] = []
    if m := LIST_ITEM.match(sentence):
        action = imperative(m.group("item"))
        return [Wording(tidy(action), date_in(m.group("item")), True)] if action else []
    for pattern in (_NEXT_STEPS, _REQUIRED, _PLANNED):
        for m in pattern.finditer(sentence):
            phrases = _coordinated(m.group("rest"))
            for phrase in phrases:
                action = tidy(imperative(phrase))
                # "start in January 2025 to close this gap": no object, or leaning on another sentence
                words = action.split()
                # "Recruit to the 23% of posts" has its object after "to"; "Start in January 2025" none
                to_object = words[1:2] == ["to"] and len(words) > 3 and (words[2].lower() in _DETERMINERS or words[2][:1].isdigit())
                if (len(words) < 3 or (words[1].lower() in _NO_OBJECT and not to_object) or words[-1].lower() in ("to", "and", "of")
                        or (words[1].lower() in ("out", "up") and words[2].lower() in _NO_OBJECT) or dangling(action)):
                    continue
                when = date_in(phrase) or (date_in(m.group("rest")) if len(phrases) == 1 else "")
                out.append(Wording(action, when, True))
        if out:
            return out
    if m := _NOUN_PLANS.search(sentence):
        action = f"{_NOUN_VERB[m.group('noun').lower()]} {m.group('what').strip()}"
        return [Wording(tidy(action), date_in(sentence[m.start():]), True)]
    return out


_NO_OBJECT = {"in", "on", "from", "by", "at", "to", "and", "soon", "later"}
_DETERMINERS = {"the", "a", "an", "all", "its", "their", "every", "each", "more", "vacant"}


def introduces_list(sentence: str) -> bool:
    """"... set out 5 priorities:" - the list items after it are the plan's own actions."""
    return bool(_LIST_INTRO.search(sentence))


# -- what leans on another sentence ------------------------------------------------------------------
_LEANING = re.compile(r"^(?:this|these|those|that|it|they|such|some|others|many)\b(?!\s+of\b)", re.IGNORECASE)
_LEANS_ANYWHERE = re.compile(r"\b(?:this|these|those)\s+(?:was|were|is|are|had|has|meant|showed|included)\b"
                             r"|\b(?:some|others|many)\s+(?:told us|said)\b", re.IGNORECASE)

def leans_on_another(text: str) -> bool:
    """A sentence that needs the one before it to be understood: "This was low ...", "Some told us"."""
    return bool(_LEANING.match(text.strip()) or _LEANS_ANYWHERE.search(text))


def dangling(action: str) -> bool:
    """An action that names something only a sentence it does not include could explain."""
    words = action.split()
    if len(words) < 3:
        return True
    rest = " ".join(words[1:])
    if _LEANING.match(rest) or _LEANS_ANYWHERE.search(action):
        return True
    if re.search(r"\b(?:it|its|this|these|those|we|us|our)\b", rest, re.IGNORECASE):
        return True  # never sure what they stand for, outside the sentence they came from
    if re.match(r"^sure (?:some|others|many|few|several|most)\b", rest, re.IGNORECASE):
        return True
    for m in re.finditer(r"\b(?:they|their|them)\b", rest, re.IGNORECASE):  # need a plural noun before them
        if not any(w.lower().strip(",") in _PLURAL_NOUNS for w in rest[:m.start()].split()):
            return True
    return False


_PLURAL_NOUNS = frozenset("""people staff partners carers families teams providers practitioners workers residents children
parents managers leaders members users adults persons professionals organisations services councils""".split())


def _subject_plural(subject: str) -> bool:
    head = re.sub(r"\s+(?:in|of|at|for|with|from|on|to|who|that|across|around|near|within|living|aged|moving)\b.*$", "",
                  subject.strip(), flags=re.IGNORECASE)
    if re.search(r"\band\b", head):
        return True
    last = head.split()[-1].lower() if head.split() else ""
    return last in {"people", "staff", "partners", "children", "carers", "families", "teams"} or (
        last.endswith("s") and not last.endswith("ss"))
