"""A shortfall a report records, turned round into the action that answers it, verb first:
"96 enquiries were waiting to be allocated" -> "Reduce the number of enquiries waiting to be
allocated to a practitioner"; "records did not always show ..." -> "Make sure records always
show ..."; "X had not been replaced" -> "Replace X". Reporting frames ("partners told us") and
leading phrases are taken off, "its" and "it" are named from the clause before where they can
be, and an action that still leans on words it does not include is no wording at all.
"""

from __future__ import annotations

import re

from assistant.actions.verbs import ACTION_VERBS, base_verb, present_tense, third_person
from assistant.actions.wording import _DATE, Wording, _subject_plural, dangling, tidy

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
    (re.compile(r"^(?P<x>.+?) (?:took|were taking|was taking) too long\b", re.IGNORECASE), "Shorten the time {x} take"),
    (re.compile(r"^(?P<x>(?:the )?(?:quality|standard|number|level|rate|proportion|take-up|uptake) of .+?) (?:had |has )?"
                r"(?:declined|fallen|dropped|worsened|deteriorated)\b", re.IGNORECASE), "Improve {x}"),
    (re.compile(r"^(?P<x>.+?) (?:were|was) overdue\b(?P<vp>.*)$", re.IGNORECASE), "Bring {x} up to date"),
    (re.compile(r"^the number of (?P<x>.+?) (?:rose|had risen|has risen|grew|had grown|increased|had increased) to\b", re.IGNORECASE),
     "Reduce the number of {x}"),
    (re.compile(r"^(?P<x>.+?) had fallen behind\b", re.IGNORECASE), "Bring {x} back on schedule"),
    (re.compile(r"^(?P<x>.+?) (?:also |still |often )?(?:waited|had to wait|were waiting|was waiting) too long (?P<vp>(?:for|to) .+)$",
                re.IGNORECASE), "Reduce the time {x} wait {vp}"),
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
    clauses = re.split(r",\s+(?:and|but|while|whereas|although|though)\s+|;\s+|:\s+|,\s+however,?\s+|\s+but\s+", text)
    for i, clause in enumerate(clauses):
        clause = re.sub(r"^(?:however|although|and|but),?\s+", "", clause.strip(), flags=re.IGNORECASE)
        clause = _FINDING_FRAME.sub("", _LEADING_PHRASE.sub("", clause))
        if i and (m := _FRAME.match(clause)):
            clause = re.sub(r"^they\b", m.group("who"), clause[m.end():], flags=re.IGNORECASE)
        clause = re.sub(r"\b\d+ of (?:its|the|their) \d+ ", "all ", clause)  # "4 of its 6 teams": the action is for all
        clause = _resolve_its(clause, " ".join(clauses[:i]) or who)
        if re.match(r"^the (?:wait|waits|waiting times?)\b(?! for)", clause, re.IGNORECASE) and (
                m := re.search(r"\bwaiting (for [\w' -]+)$", who)):
            clause = re.sub(r"^(the (?:wait|waits|waiting times?))\b", rf"\1 {m.group(1)}", clause, flags=re.IGNORECASE)
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
            vp = re.sub(r"^\s*since (?:\d{4}|[A-Z][a-z]+ \d{4})\b", "", g["vp"])  # "not updated since 2019": the date is the finding's
            return f"{verb.capitalize()} {_lower(x)} {vp}"
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
referrals referral multi-agency contract contracts visits reports procedures policies guidance adaptations mental
adaptation
""".split())


def _lower(text: str) -> str:
    """A subject moved mid-sentence: its first word lower-cased when it is an ordinary word
    ("Waiting lists" -> "waiting lists", "The list" -> "the list"), never a name ("Gypsy", "Carers Kingsmere")."""
    first = text.split(" ", 1)[0]
    second = text.split(" ", 2)[1] if len(text.split()) > 1 else ""
    ordinary = _DETERMINER.match(text) or (first.lower() in _COMMON_STARTS and not second[:1].isupper())
    return text[:1].lower() + text[1:] if ordinary else text


def area_action(area: str) -> str:
    """The fallback when no rule words an action: the area to improve, named from its heading. A
    heading that is already an activity ("Ensuring quality of provision", "Understanding and
    reducing barriers ...") is put as the action it names ("Ensure quality of provision"), never
    "Improve ensuring ..."."""
    first = area.split(" ", 1)[0].lower()
    if first.endswith("ing") and base_verb(first) in ACTION_VERBS:
        from assistant.actions.wording import imperative

        worded = imperative(area)
        if worded:
            return worded
    return f"Improve {area}"
