"""English verb forms for wording actions: "clearing" / "cleared" -> "clear", third person, the
report's past tense made present. Rules plus a short list of irregular verbs; only the verbs an
improvement plan uses need to come out right, and an unknown word is left alone.
"""

from __future__ import annotations

import re

# Verbs an action may start with: what councils write in improvement plans.
ACTION_VERBS = frozenset("""
address adopt agree align allocate analyse answer appoint approve assess audit bring build carry change check
clarify clear close co-produce commission communicate complete confirm consult continue co-ordinate coordinate
create cut deliver design develop embed empower engage enable ensure establish evaluate expand extend find fix
focus fund give grow halve hold identify implement improve include increase inform introduce invest involve join keep
launch lead learn listen make manage map meet monitor move offer open plan prepare prioritise produce promote
provide publish raise reach recommission record recruit redesign reduce refresh reinstate relaunch remove renew
replace report reshape resolve respond restore restructure retain review revise roll secure set share shorten speed
stabilise standardise start stop streamline strengthen support sustain tackle take test track train transform
understand update upgrade use widen work write
""".split())

IRREGULAR = {
    "met": "meet", "given": "give", "gave": "give", "taken": "take", "took": "take", "seen": "see", "made": "make",
    "done": "do", "did": "do", "set": "set", "heard": "hear", "told": "tell", "sent": "send", "kept": "keep",
    "built": "build", "held": "hold", "led": "lead", "brought": "bring", "bringing": "bring", "found": "find",
    "put": "put", "cut": "cut", "run": "run", "began": "begin", "begun": "begin", "grown": "grow", "grew": "grow",
    "written": "write", "wrote": "write", "understood": "understand", "sought": "seek", "spent": "spend",
    "having": "have", "had": "have", "being": "be", "getting": "get", "got": "get", "setting": "set",
    "cutting": "cut", "putting": "put", "running": "run", "planning": "plan", "stopping": "stop",
}
_DOUBLE = re.compile(r"([bdgmnprt])\1$")  # stopp(ing), plann(ing), embedd(ing): one of the pair goes
# Stems that lost a silent e before -ing/-ed: produc(ing), improv(ing), updat(ing), shar(ing)...
_NEEDS_E = re.compile(
    r"(?:[cvz]|[^aeiou]at|[^aeiou]ut|[aeiou]s|ys|[^aeiou]ur|[^e]ar|ir|[^aeiou]id|[aeiou]g|[^n]ng|rg|dg|ib|ul|ud|ok|ak|"
    r"[^aeiou][aeiou]l[aeiou]?t|ic|[^aeiou]im|[aeiou]m|[^aeiou][aeiou]n|ase|ap|[^aeiou]ot)$"
)
_KEEP_AS_IS = frozenset({"consult", "record", "offer", "review", "monitor", "deliver", "develop", "answer", "audit",
                         "visit", "limit", "edit", "credit", "benefit", "allow", "follow", "show", "widen",
                         "strengthen", "open", "listen", "happen", "commission", "plan", "fund", "expand",
                         "extend", "transform", "inform", "perform", "report", "support", "request", "reflect",
                         "respond", "attend", "invest", "adopt", "start", "act", "collect", "protect", "connect",
                         "seem", "claim", "form", "return", "learn", "turn", "gather", "consider", "register",
                         "recruit", "reach", "launch", "refresh", "establish", "publish", "finish", "work",
                         "check", "train", "contain", "maintain", "obtain", "explain", "remain", "gain", "join",
                         "lack", "track", "sign", "design", "assign", "align", "mean", "clear", "appear",
                         "embed", "test", "list", "assess", "address", "access", "process", "discuss",
                         "focus", "help", "want", "need", "expect", "accept", "effect", "affect", "point",
                         "appoint", "implement", "document", "count", "account", "alert", "convert", "shift",
                         "sort", "resort", "restart", "exhaust", "adjust", "trust", "boost", "post", "host",
                         "cost", "rent", "present", "prevent", "invent", "consent", "represent", "lift",
                         "draft", "bolster", "foster", "weigh", "end", "tend", "spend", "depend", "recommend",
                         "commend", "amend", "intend", "fulfil", "deepen", "broaden", "lengthen", "shorten",
                         "tighten", "lessen", "sharpen", "quicken", "reopen", "ask", "mask", "task", "look"})


def base_verb(word: str) -> str:
    """"clearing"/"cleared"/"clears" -> "clear"; "producing" -> "produce"; a word that is no verb form is returned as is."""
    w = word.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    if w in ACTION_VERBS or w in _KEEP_AS_IS:  # "embed", "need": already a base form
        return w
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) >= len(suffix) + 2:
            stem = w[: -len(suffix)]
            if suffix == "ed" and stem.endswith("i"):
                return stem[:-1] + "y"  # applied -> apply
            if stem in _KEEP_AS_IS:
                return stem
            if _DOUBLE.search(stem) and stem[:-1] in ACTION_VERBS | _KEEP_AS_IS:
                return stem[:-1]
            if stem + "e" in ACTION_VERBS or (stem not in ACTION_VERBS and _NEEDS_E.search(stem)):
                return stem + "e"
            return stem
    return w


def third_person(verb: str) -> str:
    """"meet" -> "meets", "reach" -> "reaches", "apply" -> "applies", "have" -> "has"."""
    if verb == "have":
        return "has"
    if verb == "do":
        return "does"
    if re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


_PAST_TO_PRESENT = (
    (re.compile(r"\bwere\b"), "are"), (re.compile(r"\bwas\b"), "is"), (re.compile(r"\bhad been\b"), "have been"),
    (re.compile(r"\bwaited\b"), "wait"), (re.compile(r"\bneeded\b"), "need"),
)


def present_tense(text: str) -> str:
    """The report writes in the past ("people who were waiting were kept safe"); an action is about
    what is to happen ("people who are waiting are kept safe")."""
    for pattern, now in _PAST_TO_PRESENT:
        text = pattern.sub(now, text)
    return text
