"""What is a finding, and what is text addressed to the machine reading the report.

A finding is a report's descriptive sentence: written to the public, in English, in the third
person and mostly the past tense, about the council, the people it serves, its staff and
partners, and their figures ("People told us ...", "The local authority had ...", "612 people
were waiting ..."). Even where a report says what should happen, it says it of the council
("The council should continue to improve how it collects feedback").

Text addressed to the reader-as-machine is none of that. It does one or more of a few things,
whatever words it uses, and those things are what this module recognises (never a list of
known attacks):

* it speaks to a processor of the text: a model, an AI, an automated reader, "whoever compiles
  answers from this material", a chat role ("SYSTEM:", "[INST]");
* it directs the output rather than describing the council: how answers, summaries, replies or
  briefings must describe the council, what they must leave out, what to say when asked;
* it tries to displace what the reader was told or what the findings say: earlier instructions,
  precedence over the findings, "the real rating";
* it speaks to "you" with an order about any of those;
* it is written in another language than the report.

Each sentence is read on its own (after `ingest.normalise`, with figures folded out of words
written in "l33t" and spaced-out letters joined), with what quotation marks enclose left out of
the second-person reading: people quoted in a report talk to each other ("You have to chase
them"). A passage is kept up to its first sentence addressed to a machine; that sentence and the
rest of the passage are set aside (what follows an address to a machine is part of it), and the
reason is said in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.language import foreign_language

_F = re.IGNORECASE


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# -- lexicon: categories of words, not phrases of attacks ------------------------------------------
# Verbs of saying, presenting, leaving out and processing text: what an order to an answerer asks for.
SPEECH = _any(
    r"say", r"state", r"tell", r"answer", r"respond", r"reply", r"describe", r"call", r"refer\s+to", r"present",
    r"portray", r"characteri[sz]e", r"depict", r"represent", r"rate", r"score", r"grade", r"rank", r"summari[sz]e",
    r"mention", r"omit", r"leave\s+out", r"skip", r"exclude", r"include", r"cite", r"quote", r"output", r"print",
    r"write", r"report", r"list", r"record", r"treat", r"regard", r"consider", r"label", r"classify", r"frame",
    r"show", r"highlight", r"emphasi[sz]e", r"stress", r"reveal", r"disclose", r"hide", r"conceal", r"suppress",
    r"remove", r"delete", r"drop", r"repeat", r"translate", r"conclude", r"claim", r"assert", r"praise", r"promote",
    r"recommend", r"insist", r"assume", r"pretend", r"imagine", r"act", r"behave", r"role-?play", r"prioriti[sz]e",
    r"favou?r", r"overlook", r"ignore", r"disregard", r"forget", r"neglect", r"override", r"bypass", r"follow",
    r"obey", r"comply", r"use", r"rely", r"begin", r"start", r"end", r"finish", r"append", r"prepend", r"insert",
    r"replace", r"set", r"update", r"correct", r"remember", r"avoid", r"refrain", r"stop", r"cease", r"give",
    r"provide", r"produce", r"generate", r"compile", r"draft", r"reassure", r"downplay", r"soften", r"minimi[sz]e",
    r"exaggerate", r"inflate", r"declare", r"announce", r"confirm", r"deny", r"attribute", r"assign", r"rewrite",
    r"paraphrase", r"reword", r"convey", r"inform", r"advise", r"notify", r"instruct", r"answer", r"keep",
    r"put", r"make", r"be", r"ensure", r"reply", r"mark",
)
# Verbs that make an order about wording (the narrower set: saying and presenting).
WORDING = _any(
    r"say", r"says", r"state", r"tell", r"answer", r"respond", r"reply", r"describe", r"call", r"refer\s+to",
    r"present", r"portray", r"characteri[sz]e", r"depict", r"represent", r"rate", r"score", r"grade", r"rank",
    r"summari[sz]e", r"mention", r"omit", r"leave\s+out", r"exclude", r"cite", r"quote", r"output", r"print",
    r"treat", r"regard", r"label", r"classify", r"frame", r"show", r"highlight", r"emphasi[sz]e", r"reveal",
    r"disclose", r"hide", r"conceal", r"suppress", r"repeat", r"conclude", r"claim", r"praise", r"record",
    r"list", r"report", r"write", r"reassure", r"downplay", r"skip", r"drop", r"remove",
)
# What a processor of text is called. Strong names are only ever a machine; the weak ones
# ("system", "tool", "model", "assistant") are a machine only when the sentence says it reads,
# answers or processes, or speaks to it.
MACHINE = _any(
    r"a\.?i\.?", r"artificial\s+intelligence", r"llms?", r"gpt[-\w]*", r"chat\s*gpt", r"claude", r"gemini",
    r"copilot", r"chat\s*bots?", r"bots?", r"(?:large\s+)?language\s+models?", r"(?:text|content|answer|response)\s+"
    r"generators?", r"(?:automated|automatic)\s+[a-z-]+", r"machines?(?:\s+readers?)?", r"question[- ]answering",
    r"retrieval(?:[- ]augmented)?(?:\s+(?:pipeline|system|tool)s?)?", r"rag", r"summari[sz](?:ation|ing)\s+"
    r"(?:tools?|systems?|software|models?|engines?)", r"summari[sz]ers?", r"crawlers?", r"scrapers?", r"indexers?",
    r"(?:search|answer)\s+engines?",
)
ROLE = _any(r"assistants?", r"models?", r"systems?", r"tools?", r"software", r"programs?", r"agents?",
            r"pipelines?", r"engines?", r"readers?", r"algorithms?", r"machines?")
PROCESSING = _any(
    r"read", r"reads", r"reading", r"process", r"processes", r"processing", r"summari[sz]e", r"summari[sz]es",
    r"summari[sz]ing", r"answer", r"answers", r"answering", r"pars(?:e|es|ing)", r"ingest(?:s|ing)?",
    r"analy[sz](?:e|es|ing)", r"index(?:es|ing)?", r"generat(?:e|es|ing)", r"compil(?:e|es|ing)",
    r"draft(?:s|ing)?", r"writ(?:e|es|ing)", r"produc(?:e|es|ing)", r"us(?:e|es|ing)", r"respond(?:s|ing)?",
    r"quot(?:e|es|ing)", r"handl(?:e|es|ing)", r"work(?:s|ing)?\s+(?:with|on|from)",
)
OUTPUT = _any(r"answers?", r"responses?", r"repl(?:y|ies)", r"summar(?:y|ies)", r"outputs?", r"descriptions?",
              r"digests?", r"briefings?", r"overviews?", r"synops[ie]s", r"completions?", r"action\s+plans?")
TEXT = _any(r"report", r"document", r"page", r"material", r"text", r"assessment", r"data", r"content",
            r"passage", r"paragraph", r"source", r"file", r"findings")
SELF = _any(r"paragraph", r"passage", r"sentence", r"text", r"note", r"section", r"page", r"document", r"material",
            r"message", r"line", r"statement", r"instruction")
ENTITY = _any(r"council", r"local\s+authority", r"authority", r"service", r"services", r"department", r"it",
              r"them", r"us", r"(?:[A-Z][\w'-]+\s+){1,4}(?:council|authority)", r"[A-Z][a-z]+")
PRAISE = _any(
    r"outstanding", r"excellent", r"exemplary", r"exceptional", r"good", r"great", r"best", r"perfect",
    r"flawless", r"high[- ]perform\w*", r"beacon", r"first[- ]class", r"world[- ]class", r"positive(?:ly)?",
    r"favourabl[ey]", r"inadequate", r"poor", r"worst", r"failing", r"a\s+model", r"[1-4]", r"100",
    r"top", r"the\s+best", r"requires\s+improvement",
)
AUDIENCE = _any(r"the\s+users?", r"users", r"the\s+readers?", r"readers", r"anyone(?:\s+who\s+asks)?", r"everyone",
                r"everybody", r"whoever(?:\s+asks)?", r"the\s+person\s+asking", r"(?:the\s+)?questioners?",
                r"people\s+who\s+ask", r"those\s+who\s+ask")
QUANT = _any(r"any", r"every", r"each", r"all")
MODAL = _any(
    r"must", r"should", r"shall", r"ought\s+to", r"needs?\s+to", r"ha(?:s|ve)\s+to", r"(?:is|are)\s+to",
    r"(?:is|are)\s+(?:required|expected|asked|requested|instructed|obliged|invited|encouraged)\s+to",
    r"will\s+(?:now|always|only|never)", r"may\s+only", r"can\s+only", r"could", r"would",
)

# -- signals --------------------------------------------------------------------------------------
_TEMPLATE = re.compile(
    r"<\|[^|>]{1,30}\|>|\[/?\s*(?:inst|sys|system|user|assistant)\s*\]|<</?\s*sys\s*>>|\[system\]\(#"
    r"|^\s*#{1,6}\s*(?:system|instructions?|response|prompt|assistant)\b"
    r"|\b(?:developer|admin|administrator|god|debug|jailbreak|unrestricted|dan)\s+mode\b|\bjailbr[eo]a?k",
    _F,
)
# "SYSTEM: ...", "Assistant: ...": a chat turn's label at the start of a line or sentence.
_ROLE_LABEL = re.compile(
    r"(?:^|\n)\s*(?:system|user|assistant|human|ai|bot|model|developer|prompt|instructions?|override|admin|root|"
    r"sudo|command|directive|jailbreak)\s*(?:message|prompt)?\s*[:>]", _F)
_ADDRESSEE = re.compile(
    rf"\b{MACHINE}\b"
    # a weak name that reads, answers or processes: "any system that summarises this", "the tool answering"
    rf"|\b{ROLE}\s+(?:(?:that|which|who)\s+(?:is\s+|are\s+)?)?{PROCESSING}\b"
    # whoever does it: "whoever compiles answers from this material", "anyone drafting a briefing from this document"
    rf"|\b(?:whoever|anyone|anybody|everyone|everybody|any\s+one|those|anything|whatever|any\s+(?:person|system|tool|"
    rf"program|software|service|reader|one))\s+(?:who\s+|that\s+|which\s+)?(?:is\s+|are\s+)?{PROCESSING}\b"
    rf"(?=(?:\W+\w+){{0,5}}?\W+(?:this|these|from|{OUTPUT}|questions?|text|output|{TEXT})\b)"
    # spoken to: "Assistant, ...", "Dear model", "To the system reading this", "Note for the tool:"
    rf"|(?:^|[.!?]\s+)(?:(?:dear|hey|hi|hello|to|for|attention|attn|note\s+(?:to|for))\s+)?(?:the\s+|any\s+|all\s+|every\s+)?"
    rf"{ROLE}\s*[,:]"
    rf"|\b(?:dear|hey|hi|hello)\s+{ROLE}\b"
    # a weak name with an order about wording: "The assistant will tell users ..."
    rf"|\b(?:the|any|every|all|each)\s+{ROLE}\s+(?:{MODAL}|will)\s+(?:not\s+|always\s+|never\s+|only\s+)?{WORDING}\b",
    _F,
)
_HEADER = re.compile(
    r"^\W*(?:(?:a|an|one)\s+(?:polite\s+|short\s+|important\s+)?)?(?:note|message|notice|memo|reminder|instructions?|"
    r"guidance|attention|attn|warning|information|request|p\.?s\.?|for\s+the\s+benefit\s+of|with\s+thanks|"
    r"dear|hi|hello|hey|greetings)\b", _F)
_SECOND = re.compile(r"\b(?:you|your|yours|yourself|yourselves|thou|thee|ye)\b", _F)
_IMPERATIVE = re.compile(
    r"^\W*(?:(?:please|kindly|now|also|simply|just|always|never|then|and|so|instead|quietly|first|finally|"
    r"immediately|carefully|do|don't|do\s+not|under\s+no\s+circumstances)\W+)*"
    rf"(?P<verb>{SPEECH})\b(?P<after>[^\w]*\w*)", _F)
# What follows a sentence's first word when it is a noun, not an order: "Use of agency staff",
# "Report writing was", "Drop-in sessions", "Set against this".
_NOUN_USE = re.compile(
    r"^(?:-|\s+(?:of|for|from|in|on|at|by|and|or|was|were|is|are|had|has|have|could|would|rose|fell|against|"
    r"up|down|rates?|times?|levels?|numbers?|figures?|\w+ing))\b", _F)
_DIRECTIVE = re.compile(
    rf"\b{MODAL}\b|\bplease\b|\bkindly\b|(?:^|[,:;]\s*)\W*(?:make\s+sure|be\s+sure|ensure|remember)\b|"
    r"\bit\s+is\s+(?:very\s+|most\s+|extremely\s+)?(?:important|essential|vital|crucial|imperative|necessary|required)\s+"
    r"(?:that|to|for)\b|\bunder\s+no\s+circumstances\b|\b(?:do\s+not|don't|never|avoid|refrain)\b|"
    r"\bwe\s+(?:kindly\s+)?(?:ask|request|want|expect|need)\b|\bi\s+(?:want|need|ask)\b|"
    r"\bit\s+would\s+(?:help|be\s+(?:good|helpful|appreciated))\b|\bwe\s+would\s+(?:appreciate|be\s+grateful|like)\b",
    _F,
)
_OUTPUT_REF = re.compile(
    # the output tied to this council or report, to questions, or to whoever writes it
    rf"\b{OUTPUT}\s+(?:of|about|on|concerning|regarding|for|to|from)\s+(?:this|the|that|these)\s+"
    rf"(?:council|local\s+authority|authority|{TEXT}|councils?)\b"
    rf"|\b{OUTPUT}\s+(?:to|for|about)\s+(?:a\s+|any\s+|every\s+|each\s+|all\s+)?(?:questions?|quer(?:y|ies)|requests?|prompts?)\b"
    rf"|\b{OUTPUT}\s+(?:that\s+)?(?:you|they)\s+(?:give|write|produce|generate|provide|return|compile)\b"
    rf"|\b{OUTPUT}\s+(?:\w+\s+){{0,2}}(?:generated|produced|written|compiled|drawn\s+up|drafted|created|made)\s+"
    r"(?:from|by|about|on)\b"
    rf"|\b{QUANT}\s+{OUTPUT}\b|\byour\s+(?:\w+\s+)?{OUTPUT}\b"
    rf"|\bthe\s+(?:correct\s+|right\s+|only\s+)?(?:answer|reply|response)\s+(?:is|should\s+be|must\s+be|will\s+be)\b"
    # the output as the one that says: "the answer (should) mention", "summaries must show"
    rf"|\b(?:the|any|every|each|all|your|an?)\s+{OUTPUT}\s+(?:{MODAL}\s+)?(?:not\s+|never\s+|always\s+|only\s+)?"
    rf"(?:be\s+)?{WORDING}\b"
    # who it is said to: "tell users", "reply to the user", "reveal ... to whoever asks"
    rf"|\b{WORDING}\s+(?:(?:this|that|it|so)\s+)?(?:to\s+)?{AUDIENCE}\b|\bto\s+{AUDIENCE}\b"
    # answering as an act: "answer only with", "respond to every question"
    r"|\b(?:answer|respond|reply)(?:ing)?\s+(?:only|with|to\s+(?:every|each|all|any)\s+(?:question|query|prompt)"
    r"|all\s+questions|every\s+question|any\s+question)"
    # how the council is to be described: "(should) be described as", "referred to as outstanding"
    r"|\b(?:be|being)\s+(?:described|called|referred\s+to|presented|portrayed|characteri[sz]ed|depicted|rated|"
    r"scored|summari[sz]ed|labell?ed|regarded|treated|shown|represented|reported|stated)\s+(?:as|like|in\s+a)\b"
    # leaving things out: "omit any mention of delays", "leave out the figures"
    r"|\b(?:omit|leave\s+out|exclude|skip|drop|hide|suppress|downplay|not\s+(?:mention|include|reveal|say|cite|quote))"
    r"\s+(?:any|every|all|each|the)\b",
    _F,
)
# A rating or praise handed to a verb of wording: "describe it as Outstanding", "say Fenmarsh is
# excellent". Reports use such verbs of the council too ("Partners described the council as a
# good partner"), so this counts only in a sentence that does not describe the report's world.
_WORDED_VERDICT = re.compile(
    rf"\b{WORDING}\s+(?:the\s+|this\s+|our\s+|its\s+)?{ENTITY}(?:'s\s+\w+)?\s+(?:as\s+(?:an?\s+|the\s+)?|like\s+)?{PRAISE}\b"
    rf"|\b{WORDING}\s+(?:\w+\s+){{1,6}}?(?:as|like)\s+(?:an?\s+|the\s+)?{PRAISE}\b"
    rf"|\b{WORDING}\s+(?:that\s+)?(?:\w+\s+){{1,5}}?(?:is|are|has\s+been)\s+(?:rated\s+|now\s+|an?\s+|the\s+)?{PRAISE}\b",
    _F,
)
# What to answer when asked: "If asked about carers, the reply is ...", "when asked, say ..."
_WHEN_ASKED = re.compile(
    rf"\b(?:if|when|whenever)\s+(?:you\s+are\s+|you're\s+|a\s+user\s+|anyone\s+|someone\s+|the\s+user\s+)?"
    rf"(?:asked|asks|questioned|queried|prompted)\b[^.]*?,\s*(?:(?:please|always|just|simply)\s+)?"
    rf"(?:{WORDING}|the\s+(?:answer|reply|response)|answer|reply|respond)\b",
    _F,
)
_OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|neglect|overlook|override|overrule|bypass|discard|abandon|set\s+aside|"
    r"pay\s+no\s+attention\s+to|take\s+no\s+notice\s+of|(?:do\s+not|don't|stop|no\s+longer)\s+(?:follow(?:ing)?|obey(?:ing)?)"
    r"|cancel|dismiss|throw\s+away)\b(?:\W+\w+){0,5}?\W+"
    r"(?:instructions?|directives?|directions|prompts?|rules|guidelines|orders|commands|constraints|programming|training|"
    r"context|system\s+message|everything|anything|all\s+(?:of\s+)?(?:the\s+)?above|the\s+above|the\s+findings|"
    r"previous|prior|earlier|preceding|foregoing|original|initial|what\s+you\s+(?:were|have\s+been|had\s+been))\b"
    r"|\byou\s+(?:were|have\s+been|had\s+been|are|'ve\s+been)\s+(?:told|instructed|given|asked|programmed|trained)\b"
    r"(?:\W+\w+){0,4}?\W+(?:earlier|before|previously|above|so\s+far|until\s+now)\b"
    r"|\b(?:takes?\s+precedence\s+over|overrides?|supersedes?|outranks?|replaces?|is\s+authoritative|"
    r"highest[- ]priority|top\s+priority|above\s+all\s+other|(?:more|most)\s+important\s+than)\b(?:\W+\w+){0,3}?\W+"
    r"(?:instructions?|prompts?|findings|evidence|rules|directives?|sources?|everything|anything|the\s+report)\b"
    r"|\b(?:instructions?|directives?)\s+(?:take|takes)\s+precedence\b",
    _F,
)
_VERDICT = re.compile(
    r"\b(?:real|true|correct|actual|official|only\s+(?:valid|true|correct|right)|right|genuine)\s+"
    r"(?:overall\s+)?(?:rating|score|answer|figure|verdict|result|grade)\b"
    r"|\bregardless\s+of\s+(?:what\s+)?(?:the\s+)?(?:findings|report|evidence|data|text)"
    r"|\bwhatever\s+(?:the\s+)?(?:findings|report|evidence|data|text)\s+(?:says?|shows?)"
    r"|\binstead\s+of\s+(?:what\s+)?(?:the\s+)?(?:findings|report|evidence)",
    _F,
)
_META = re.compile(
    rf"\b(?:this|the\s+following|the\s+next|the\s+above|the\s+previous)\s+(?:{SELF})\b"
    rf"|\bthe\s+(?:{SELF})\s+(?:that\s+follows|below|above)\b|\bthe\s+following\b",
    _F,
)
# A sentence that says what the council or its people did, with a subject of the report's world.
_REPORT_SUBJECT = re.compile(
    r"^\W*(?:(?:the|a|an|its|their|our|some|most|many|all|one|two|three|several|few|local|senior|frontline|"
    r"independent|other|these|those|new)\s+)*(?:[\w'-]+\s+){0,2}?"
    r"(?:council|local\s+authority|authority|staff|leaders?|people|carers?|partners?|providers?|board|managers?|"
    r"commissioners?|practitioners?|social\s+workers?|teams?|officers?|directors?|residents|families|we|they|he|she|"
    r"it|services?|hub|members?|councillors?|workers?|professionals?|organisations?|agencies|nhs|leadership)\b"
    r"(?!\s+(?:is|was)\s+(?:\w+\s+)?(?:important|essential|vital|crucial|imperative|necessary|required)\b)"
    r"(?!\s+(?:must|should|shall)\s+be\s+(?:stated|said|noted|made\s+clear)\b)",
    _F,
)
_QUOTED = re.compile(r"\"[^\"]{3,}\"|\u201c[^\u201d]{3,}\u201d|\u2018[^\u2019]{3,}\u2019(?!\w)|(?<=[\s:(])'[^']{3,}'(?=[\s.,;:!?)]|$)")
_CLAUSE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[013457@$])[\w@$]+\b", _F)
_SPACED = re.compile(r"\b(?:\w[ .]){3,}\w\b")


@dataclass(frozen=True)
class Addressed:
    """A sentence read as addressed to a machine, and why, in plain words."""

    sentence: str
    why: str


def reading_form(text: str) -> str:
    """The text as the cues read it: letters spelt with figures read as letters ("1gn0re"),
    spaced-out letters joined ("I g n o r e"). Only for reading; stored text is never changed."""
    text = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET) if not re.fullmatch(r"\d+\w{0,2}", m.group(0)) else m.group(0), text)
    return _SPACED.sub(lambda m: re.sub(r"[ .]", "", m.group(0)), text)


def why_addressed(sentence: str, block_kind: str = "paragraph") -> str:
    """Why a sentence is addressed to a machine rather than a finding of the report, or ""."""
    text = reading_form(sentence)
    if _TEMPLATE.search(text) or (block_kind != "table" and _ROLE_LABEL.search(text)):
        return "written as a turn of a chat with an AI model (a role label or prompt marker), not report text"
    language = foreign_language(text)
    if language:
        return f"written in {language}, inside an English report: no reader of the report was meant to read it"
    unquoted = _QUOTED.sub(" ", text)
    imperative = _imperative(unquoted)
    directive = imperative or bool(_DIRECTIVE.search(unquoted))
    addressee = bool(_ADDRESSEE.search(text))
    second = bool(_SECOND.search(unquoted))
    override = bool(_OVERRIDE.search(text))
    verdict = bool(_VERDICT.search(text))
    if not (directive or addressee or second or override or verdict) and not _WHEN_ASKED.search(unquoted):
        # Every rule below needs one of these: a finding (nearly every sentence) stops here, without
        # the searches that only qualify them (a fifth of ingest's reading time went on them).
        return ""
    output = bool(_OUTPUT_REF.search(unquoted))
    meta = bool(_META.search(text))
    label = text.split(":", 1)[0] if ":" in text[:80] else ""
    header = bool(_HEADER.search(text)) or bool(label and _ADDRESSEE.search(label + ":"))
    describes = bool(_REPORT_SUBJECT.match(unquoted)) and not imperative
    worded = bool(_WORDED_VERDICT.search(text)) and not describes
    if override and (directive or second or addressee or meta):
        return "tells its reader to set aside earlier instructions or the findings"
    if addressee and (directive or output or worded or verdict or meta or override or header or second):
        return "speaks to an AI model or other automated reader of the report"
    if _WHEN_ASKED.search(unquoted):
        return "says what to answer when asked, rather than what the council did"
    if second and (output or worded or override or verdict or (directive and meta)):
        return "tells 'you' what to answer or leave out"
    if verdict and (directive or output or worded or meta):
        return "hands over a rating or answer in place of the findings"
    if directive and (output or worded):
        return "directs how answers or summaries should describe the council"
    if imperative and (meta or second):
        return "an order to its reader about this text, not a finding"
    return ""


def _imperative(text: str) -> bool:
    """A sentence (or the main clause after an "if ..." or "when ..." clause, or a vocative) that
    opens with a verb of saying, presenting or processing used as an order."""
    candidates = [text]
    lead = re.match(r"^\W*(?:if|when|whenever|once|should\s+you|in\s+any|for\s+any|before|after|while)\b[^,]{0,120},\s*",
                    text, _F)
    if lead:
        candidates.append(text[lead.end():])
    vocative = re.match(r"^\W*[\w' -]{1,40}?[,:]\s+", text)
    if vocative:
        candidates.append(text[vocative.end():])
    for candidate in candidates:
        m = _IMPERATIVE.match(candidate)
        if m and not _NOUN_USE.match(m.group("after")):
            return True
    return False


def clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pairs: sentences, cut also at semicolons and line breaks."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _CLAUSE_END.finditer(text):
        if text[start:m.start()].strip():
            out.append((start, text[start:m.start()]))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


@dataclass(frozen=True)
class PassageReading:
    kept: str  # the passage up to its first sentence addressed to a machine ("" when it opens with one)
    set_aside: str  # that sentence and the rest of the passage ("" when nothing is)
    why: str


def read_passage(text: str, block_kind: str = "paragraph") -> PassageReading:
    """Split a passage into what stays a finding and what is set aside (and why)."""
    language = foreign_language(reading_form(text))
    if language:
        return PassageReading("", text, f"written in {language}, inside an English report: no reader of the "
                                        "report was meant to read it")
    for offset, clause in clauses(text):
        why = why_addressed(clause, block_kind)
        if why:
            return PassageReading(text[:offset].rstrip(), text[offset:].strip(), why)
    return PassageReading(text, "", "")


def reads_as_instructions(text: str) -> bool:
    """True for a passage with any sentence addressed to a machine."""
    return bool(read_passage(text).set_aside)
