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
no wording, and the caller falls back to naming the area to improve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.verbs import ACTION_VERBS, base_verb, present_tense, third_person

_SPLIT_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_DATE = r"(?:(?:\d{1,2} )?(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}|(?:the )?(?:end|start|spring|summer|autumn|winter) of \d{4}|\d{4}/\d\d|\d{4})"
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
    r"committed|had committed|has committed|had agreed|has agreed|set out plans)\s+to\s+(?P<rest>{_CLAUSE})",
    re.IGNORECASE,
)
_NEXT_STEPS = re.compile(rf"\b(?:next steps|priorities|actions) (?:included|include|were|are|was|is)\s*:?\s+(?P<rest>{_CLAUSE})", re.IGNORECASE)
_LIST_INTRO = re.compile(r"\b(?:priorit\w*|commit\w*|actions?|next steps|plans?|needed|needs|must|aims?|agreed|improve\w*)\b[^:]*:\s*$",
                         re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*[-\u2022*]\s+(?P<item>.+?)[;.,]?\s*$")
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
                   r"|\s+and (?:few|some|many|most|only|no)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class Wording:
    action: str
    timescale: str = ""  # a date the report gives for it ("March 2025"), else empty
    planned: bool = False  # from what the report says must happen or is planned


def sentences_of(text: str) -> list[str]:
    """Sentences and list items of a finding, each list item on its own, with the line before a list."""
    out: list[str] = []
    for line in text.split("\n"):
        if _LIST_ITEM.match(line):
            out.append(line.strip())
        else:
            out += [s.strip() for s in _SPLIT_SENTENCES.split(line) if s.strip()]
    return out


def date_in(text: str) -> str:
    m = _BY_DATE.search(text)
    return m.group(1) if m else ""


def _coordinated(rest: str) -> list[str]:
    """"reduce X and make sure Y, strengthen Z, and embed W" -> four verb phrases. A comma or "and"
    starts a new phrase only where an action verb follows it."""
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=\w)", rest)
    phrases: list[str] = []
    for part in parts:
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
    if m := _LIST_ITEM.match(sentence):
        action = imperative(m.group("item"))
        return [Wording(tidy(action), date_in(m.group("item")), True)] if action else []
    for pattern in (_NEXT_STEPS, _REQUIRED, _PLANNED):
        for m in pattern.finditer(sentence):
            phrases = _coordinated(m.group("rest"))
            for phrase in phrases:
                action = tidy(imperative(phrase))
                # "start in January 2025 to close this gap": no object, or leaning on another sentence
                words = action.split()
                if (len(words) < 3 or words[1].lower() in _NO_OBJECT or words[-1].lower() in ("to", "and", "of")
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


def introduces_list(sentence: str) -> bool:
    """"... set out 5 priorities:" - the list items after it are the plan's own actions."""
    return bool(_LIST_INTRO.search(sentence))


# -- what fell short, turned round -------------------------------------------------------------------------
_FRAME = re.compile(
    r"^(?:however,?\s+|but\s+|in addition,?\s+|also,?\s+)?(?P<who>(?:[A-Z][\w'-]*|the|some|many|most|several|a few|other)"
    r"(?:[\s,'-]+[\w'-]+){0,14}?)\s+(?:also\s+)?(?:told us|said|reported|described|felt|commented|acknowledged|recognised|accepted|explained|confirmed)(?: that)?\s+",
    re.IGNORECASE,
)
_FINDING_FRAME = re.compile(r"^(?:however,?\s+)?(?:[\w'-]+\s+){0,5}?(?:showed|found|shows|suggested|indicated)(?: that)?\s+",
                            re.IGNORECASE)
_LEADING_PHRASE = re.compile(r"^(?:in|at|on|during|by|from|for|across|within|since|of)\b[^,]{0,60},\s*", re.IGNORECASE)
_DATED = re.compile(rf"\s*,?\s*\b(?:at|on|in|during|for|at the end of|by the end of) (?:the )?{_DATE}\b", re.IGNORECASE)
# A subject with a verb or a relative clause in it is no subject: the rule read the sentence wrongly.
_NOT_A_SUBJECT = re.compile(r"\b(?:felt|said|told|thought|was|were|had|has|found|reported|described|showed|knew|used|"
                            r"who|which|that|we|they|it|varied|meant|included|remained|became|led|and some|and many)\b", re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:There|The|A|An|Some|Many|Most|Several|All|Each|Every|This|These|Its|Their|Our)\b")
_LEANING = re.compile(r"^(?:this|these|those|that|it|they|such|some|others|many)\b(?!\s+of\b)", re.IGNORECASE)
_LEANS_ANYWHERE = re.compile(r"\b(?:this|these|those)\s+(?:was|were|is|are|had|has|meant|showed|included)\b"
                             r"|\b(?:some|others|many)\s+(?:told us|said)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:it|its|they|their|them|this|these|those)\b", re.IGNORECASE)
_ANTECEDENT = re.compile(
    r"\b(?:the|a|an) ((?:[\w-]+ ){0,3}(?:plan|strategy|service|board|team|framework|programme|policy|hub|scheme|system|"
    r"process|pathway|protocol|review|audit|budget|partnership|network|group|panel|contract|market|register|tool|list))\b",
    re.IGNORECASE,
)
_ADJECTIVE_FIX = {
    "long": "Shorten {x}", "too long": "Shorten {x}", "slow": "Speed up {x}", "late": "Bring forward {x}",
    "low": "Raise {x}", "poor": "Improve {x}", "weak": "Strengthen {x}", "inconsistent": "Make {x} consistent",
    "variable": "Make {x} consistent", "varied": "Make {x} consistent", "mixed": "Improve {x}",
    "limited": "Expand {x}", "unclear": "Make {x} clear", "out of date": "Bring {x} up to date",
    "not effective": "Make {x} effective", "not clear": "Make {x} clear", "insufficient": "Increase {x}",
    "patchy": "Make {x} consistent", "fragmented": "Join up {x}", "under pressure": "Relieve the pressure on {x}",
}


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
    head = re.sub(r"\s+(?:in|of|at|for|with|from|on|who|that|across|around|near|within|living|aged|moving)\b.*$", "",
                  subject.strip(), flags=re.IGNORECASE)
    if re.search(r"\band\b", head):
        return True
    last = head.split()[-1].lower() if head.split() else ""
    return last in {"people", "staff", "partners", "children", "carers", "families", "teams"} or (
        last.endswith("s") and not last.endswith("ss"))


def _resolve_its(clause: str, before: str) -> str:
    """"consulted on its priorities" after "... the improvement plan, and ..." -> "the improvement plan's";
    "did not update it" after "kept a risk register" -> "did not update the risk register"."""
    if not re.search(r"\bits?\b", clause):
        return clause
    found = list(_ANTECEDENT.finditer(before))
    if not found:
        return clause
    thing = found[-1].group(1)
    clause = re.sub(r"\bits\b", f"the {thing}'s", clause)
    return re.sub(r"(?<=\w )it\b", f"the {thing}", clause)


def _subject_counted(subject: str) -> str:
    """"4 of its 6 locality teams" -> "all locality teams": the action is for every one of them."""
    return re.sub(r"^\d+ of (?:its|the|their) \d+ ", "all ", subject)


_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(?P<x>.+?) (?:was|were) an area of (?:concern|weakness)", re.IGNORECASE), "Improve {x}"),
    (re.compile(r"^(?P<x>.+?) (?:started|began|happened) too late", re.IGNORECASE), "Start {x} earlier"),
    (re.compile(r"^there (?:was|were) no (?P<x>.+)$", re.IGNORECASE), "PUT_IN_PLACE"),
    (re.compile(r"^(?:only|just) (?P<n>\d+(?:\.\d+)?%) of (?P<x>.+?) (?P<aux>were|was|had|have|has) (?P<vp>.+)$", re.IGNORECASE), "SHARE"),
    (re.compile(r"(?<![\w,.])(?P<n>\d[\d,]*) (?P<x>[a-z][a-z' -]*?) (?:were|was) (?:still )?waiting (?P<vp>(?:for|to) .+)$"),
     "Reduce the number of {x} waiting {vp}"),
    (re.compile(r"^(?:there (?:was|were) )?an? backlog of (?:\d[\d,]* )?(?P<x>[\w'-]+(?: [\w'-]+){0,5}?)"
                r"(?:\s+(?:remained|had|has|was|were|existed|meant|left|in|at|on|of)\b.*)?$", re.IGNORECASE),
     "Clear the backlog of {x}"),
    (re.compile(r"^(?:only|just) (?P<n>\d+) of (?P<det>the |its |their )?(?:\d+ )?(?P<x>.+?) (?:were|was) (?P<vp>.+)$", re.IGNORECASE),
     "Increase the number of {det} {x} {vp}"),
    (re.compile(r"^(?P<x>.+?) had (?:only )?(?:a )?(?:partial|limited|incomplete) (?P<w>picture|understanding|view|knowledge|oversight) of (?P<vp>.+)$",
                re.IGNORECASE), "Build a full {w} of {vp}"),
    (re.compile(r"^(?P<x>.+?) had gaps\b", re.IGNORECASE), "Close the gaps in {x}"),
    (re.compile(r"\bfound (?:that )?(?P<adj>inconsistent|variable|unclear) (?P<x>[\w' -]+?)(?: and (?:poor|weak|inconsistent) (?P<y>[\w' -]+))?$",
                re.IGNORECASE), "FOUND"),
    (re.compile(r"^(?P<x>the [\w' -]*waiting list) (?:stood at|held|was|had grown to|rose to|had risen to)\b", re.IGNORECASE), "Reduce {x}"),
    (re.compile(r"\bwaited (?:an average of )?\d[\d,]* (?:working )?(?:days|weeks|months)(?: on average)? (?P<x>(?:between|from|for) .+)$", re.IGNORECASE),
     "Reduce the average wait {x}"),
    (re.compile(r"^(?P<x>.+?) (?:had|has) \w+(?: in \d{4})? and (?:had|has) not (?:yet )?been (?P<v>\w+)(?P<vp>.*)$", re.IGNORECASE), "PASSIVE"),
    (re.compile(r"^(?P<x>.+?) (?:had|has|have) not (?:yet )?been (?:fully |properly |consistently )?(?P<v>\w+)(?P<vp>.*)$", re.IGNORECASE), "PASSIVE"),
    (re.compile(r"^(?P<x>.+?) (?:had|has|have) not (?:yet )?received training (?P<vp>(?:on|in|about) .+)$", re.IGNORECASE),
     "Train {x} {vp}"),
    (re.compile(r"^(?P<x>.+?) (?:did|do|does) not (?P<adv>always |consistently |routinely |clearly |fully |regularly )?(?P<v>\w+)(?P<vp>.*)$", re.IGNORECASE), "DO"),
    (re.compile(r"^(?P<x>.+?) (?:could|can|were able to) not (?P<v>\w+)(?P<vp>.*)$|^(?P<x2>.+?) could not (?P<v2>\w+)(?P<vp2>.*)$", re.IGNORECASE), "CAN"),
    (re.compile(r"^(?P<x>.+?) (?P<aux>was|were|is|are) not (?P<adv>always |consistently |routinely |yet |well |fully |sufficiently )?(?P<vp>.+)$", re.IGNORECASE), "BE"),
    (re.compile(r"^(?P<x>.+?) (?P<v>made|had|received|gave|kept|offered) no (?P<vp>.+)$", re.IGNORECASE), "NO"),
    (re.compile(r"^(?P<x>.+?) (?:was|were) (?:too |very |often |sometimes |still )?(?P<adj>too long|long|slow|late|low|poor|weak|inconsistent|"
                r"variable|varied|mixed|limited|unclear|out of date|not effective|not clear|insufficient|patchy|fragmented|under pressure)\b", re.IGNORECASE),
     "ADJECTIVE"),
]


def _sure(subject: str, predicate: str) -> str:
    return " ".join(f"Make sure {subject} {predicate}".split())


def shortfall_wording(sentence: str) -> Wording | None:
    """A shortfall sentence turned into the action that answers it, or None when no rule fits."""
    text = sentence.strip().rstrip(".")
    frame = _FRAME.match(text)
    who = ""
    if frame:
        who = frame.group("who").strip()
        text = text[frame.end():]
        if re.match(r"^they\b", text, re.IGNORECASE) and who.lower() not in ("some", "many", "others"):
            text = re.sub(r"^they\b", who, text, flags=re.IGNORECASE)
    clauses = re.split(r",\s+(?:and|but|while|whereas|although|though)\s+|;\s+|,\s+however,?\s+|\s+but\s+", text)
    for i, clause in enumerate(clauses):
        clause = re.sub(r"^(?:however|although|and|but),?\s+", "", clause.strip(), flags=re.IGNORECASE)
        clause = _FINDING_FRAME.sub("", _LEADING_PHRASE.sub("", clause))
        if i and (m := _FRAME.match(clause)):
            clause = re.sub(r"^they\b", m.group("who"), clause[m.end():], flags=re.IGNORECASE)
        clause = re.sub(r"\b\d+ of (?:its|the|their) \d+ ", "all ", clause)  # "4 of its 6 teams": the action is for all
        clause = _resolve_its(clause, " ".join(clauses[:i]) or who)
        wording = _apply_rules(clause)
        if wording:
            wording = re.sub(r"\bfor (?:only )?\d+(?:\.\d+)?% of\b", "for all", wording)  # "not recorded for 19% of people"
            wording = tidy(_DATED.sub("", wording))
        if wording and not dangling(wording):
            return Wording(wording, "")
    return None


def _apply_rules(clause: str) -> str:
    for pattern, template in _RULES:
        m = pattern.search(clause)
        if not m:
            continue
        g = {k: (v or "").strip() for k, v in m.groupdict().items()}
        x = _subject_counted(g.get("x") or g.get("x2", ""))
        # "decisions about which concerns met the threshold" is a subject; "the service used 12 beds for people who" is not
        bare = re.sub(r"\b(?:about|on|of|for) (?:which|what|how|whether|who)\b.*$", "", x, flags=re.IGNORECASE)
        if template in ("PASSIVE", "DO", "CAN", "BE", "NO") and (_NOT_A_SUBJECT.search(bare) or len(x.split()) > 14):
            continue
        if template.startswith("Train"):
            x = re.sub(r"\b(?:some|several|many|a few)\b", "all", x)
        adv = g.get("adv", "").replace("yet", "").strip()
        adv = adv + " " if adv else ""
        if template == "ADJECTIVE" and re.search(r"\b(?:themes?|issues?|problems?|reasons?|examples?)\b", x, re.IGNORECASE):
            continue
        if template == "DO" and g["v"].lower() == "have" and g["vp"].lower().startswith("to "):
            continue  # "did not have to repeat their story" is praise
        # "some carers were not offered ..." -> the action is for every carer
        x = re.sub(r"^(?:some|several|many|a few|a small number of|a number of)\s+(?=\w)", "", x, flags=re.IGNORECASE)
        if template == "PUT_IN_PLACE":
            article = "" if _subject_plural(x) or re.match(r"^(?:a|an|the|any)\b", x) else ("an " if x[:1].lower() in "aeiou" else "a ")
            return f"Put in place {article}{re.sub(r'^any ', '', x)}"
        if template == "SHARE":
            vp = g["vp"]
            if g["aux"].lower() in ("were", "was") and re.match(r"^\w+(?:ed|en)\b", vp):
                return f"Increase the proportion of {x} {vp}"
            return f"Increase the proportion of {x} who {present_tense(g['aux'] + ' ' + vp)}"
        if template == "PASSIVE":
            verb = base_verb(g["v"].lower())
            if verb not in ACTION_VERBS:
                return ""
            return f"{verb.capitalize()} {_lower(x)} {g['vp']}"
        if template == "DO":
            verb = g["v"].lower()
            verb = third_person(verb) if not _subject_plural(x) else verb
            return _sure(_lower(x), f"{adv}{verb} {g['vp']}")
        if template == "CAN":
            verb = g.get("v") or g.get("v2", "")
            vp = re.sub(r"^us\b\s*", "", g.get("vp") or g.get("vp2", ""))
            return _sure(_lower(x), f"can {verb} {vp}")
        if template == "BE":
            aux = {"was": "is", "were": "are"}.get(g["aux"].lower(), g["aux"].lower())
            return _sure(_lower(x), f"{aux} {adv}{g['vp']}")
        if template == "NO":
            verb = base_verb(g["v"].lower())
            verb = third_person(verb) if not _subject_plural(x) else verb
            return _sure(_lower(x), f"{verb} {g['vp']}")
        if template == "FOUND":
            made = f"Make {g['x']} consistent"
            return made + (f" and improve {g['y']}" if g.get("y") else "")
        if template == "ADJECTIVE":
            return _ADJECTIVE_FIX[g["adj"].lower()].format(x=_lower(x))
        return template.format(**{**g, "x": _lower(x)})
    return ""


def _proper(text: str) -> bool:
    words = text.split()
    return len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper()


_COMMON_STARTS = frozenset("""
waiting waits home planning leaders staff people partners carers reviews assessments assessment learning data decisions
records case care safeguarding information support services providers managers teams hospital discharge transitions
interpreting training feedback complaints families residents young older adults social quality performance governance
budget reablement equipment occupational provision commissioning workforce recruitment caseloads supervision
arrangements processes systems practice progress access engagement communication letters plans oversight capacity
demand funding fees rates market relationships partnership partnerships contact responses enquiries concerns
thresholds outcomes audits reporting monitoring ethnicity printed contingency reablement interpreters practitioners
""".split())


def _lower(text: str) -> str:
    """A subject moved mid-sentence: its first word lower-cased when it is an ordinary word
    ("Waiting lists" -> "waiting lists", "The list" -> "the list"), never a name ("Gypsy", "Carers Kingsmere")."""
    first = text.split(" ", 1)[0]
    second = text.split(" ", 2)[1] if len(text.split()) > 1 else ""
    ordinary = _DETERMINER.match(text) or (first.lower() in _COMMON_STARTS and not second[:1].isupper())
    return text[:1].lower() + text[1:] if ordinary else text


def area_action(area: str) -> str:
    """The fallback when no rule words an action: the area to improve, named from its heading."""
    return f"Improve {area}"
