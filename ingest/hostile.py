"""Text addressed to an AI rather than to a reader of the report.

An assessment report is written to the public about a council, in the third person ("people told
us", "the local authority had"). A passage that tells a model what to answer, to forget what it
was told, or that poses as a system or chat turn is not a finding: ingest sets it aside (and
names it) so it is never indexed, retrieved or quoted.

Two tiers, so paraphrases are caught without flagging ordinary report sentences:
- a *strong* cue is enough alone: a chat-template or role marker ("SYSTEM:", "[INST]"), an order
  to drop earlier instructions in any wording, a direct address to a model ("as an AI", "note to
  any language model"), a jailbreak phrase ("developer mode", "from now on");
- *weak* cues each occur in real reports ("when asked", "never mention", "your", "answer"), so
  a passage needs two different kinds of them: someone told *how to answer* and an *answerer*
  or *reader of the answer* being told it.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE

# Job titles and roles that contain words a model is called by; removed before the cues are read.
_ROLES = re.compile(
    r"\b(assistant|deputy)\s+(director|chief|head|manager|practitioner|principal)s?\b"
    r"|\b(personal|care|healthcare|support|senior|domestic|occupational\s+therapy)\s+assistants?\b"
    r"|\bassistant\s+(social\s+worker|practitioners?)\b"
    r"|\b(care|service|delivery|operating|funding|practice|business|strengths[- ]based|locality|hub)\s+models?\b",
    _FLAGS,
)

# What a model is called. "model" alone is too common in reports ("a new model of care"), so it
# counts only with a word that makes it a language model or the reader being addressed.
_AI = (
    r"(?:a\.?i\.?(?:\s+(?:model|system|tool|assistant|agent)s?)?|artificial\s+intelligence|chat\s*gpt|gpt(?:-?\d\w*)?|"
    r"llms?|(?:large\s+)?language\s+models?|chat\s*bots?|bots?|assistants?|claude|gemini|copilot|crawlers?|scrapers?|"
    r"automated\s+(?:readers?|systems?|tools?|agents?)|machines?\s+(?:readers?|reading)|"
    r"(?:the|this|any|every)\s+model|models?\s+(?:reading|processing|summari[sz]ing|answering))"
)

# Only models proper: what a modal ("must", "should") addressed to it reads as an order.
_MODEL = (
    r"(?:a\.?i\.?(?:\s+(?:models?|systems?|tools?|assistants?|agents?))?|artificial\s+intelligence|chat\s*gpt|gpt(?:-?\d\w*)?|"
    r"llms?|(?:large\s+)?language\s+models?|claude|gemini|(?:any|every)\s+model)"
)

# What follows a word opening a sentence when it is a noun, not an order ("Drop-in sessions",
# "Praise for the team", "Output from the hub rose").
_NOUN_USE = r"\s+(?:of|for|from|in|on|at|by|and|or|was|were|is|are|had|has|could|would|rose|fell)\b"

_STRONG = [
    # Chat-template and role markers: nothing a report prints.
    r"<\|?\s*(?:system|im_start|im_end|user|assistant|endoftext|begin_of_text)\s*\|?>",
    r"\[/?\s*(?:INST|SYS)\s*\]|<<\s*SYS\s*>>",
    r"(?:^|\n)\s*(?:#+\s*)?(?:system|assistant|developer|instruction|instructions)\s*(?:message|prompt)?\s*:",
    r"\bsystem\s+(?:prompt|message|override|instruction)s?\b",
    # Dropping what the model was told, in its many wordings.
    r"\b(?:ignore|disregard|forget|override|overrule|bypass|set\s+aside|pay\s+no\s+attention\s+to|do\s+not\s+follow)\b"
    r"[^.\n]{0,40}?\b(?:instructions?|prompts?|directions?|directives?|guidance\s+(?:you|given\s+to\s+you)|"
    r"(?:your|the\s+above|previous|prior|earlier|preceding|original|existing)\s+(?:rules|context|guidance|text|messages?|constraints)|"
    r"everything\s+(?:above|before|else|you))",
    r"\bforget\s+(?:everything|all)\s+(?:you|that|above|before)",
    r"\b(?:ignore|disregard)\s+(?:all\s+|everything\s+|anything\s+)?(?:the\s+)?(?:above|before|preceding|previous|prior)\b",
    # Addressing a model directly.
    rf"\b(?:you\s+are|you're|act(?:ing)?\s+as|pretend(?:ing)?\s+(?:to\s+be|you\s+are))\s+(?:now\s+)?(?:an?\s+|the\s+)?{_AI}\b",
    r"\bas\s+an?\s+(?:a\.?i\.?|ai\s+(?:model|system|assistant)|(?:large\s+)?language\s+model|llm|chat\s*bot)\b",
    rf"\b(?:note|message|instructions?|reminder|request|attention)\s+(?:to|for)\s+(?:any\s+|all\s+|the\s+|every\s+)?{_AI}\b",
    rf"\b(?:dear|hey|hello|hi)\s+{_AI}\b",
    rf"\bif\s+you\s+are\s+(?:an?\s+|the\s+)?{_AI}\b",
    rf"\b{_AI}\s+(?:reading|processing|parsing|summari[sz]ing|answering|ingesting|analy[sz]ing)\s+(?:this|these|the)\b",
    rf"\bto\s+(?:the|any|whichever)\s+{_AI}\s+(?:reading|that\s+reads|who\s+reads)\b",
    # What the model was told, referred to as such.
    r"\byou\s+(?:were|have\s+been|are|had\s+been)\s+(?:told|given|instructed|asked|programmed|trained)\b[^.\n]{0,30}?"
    r"\b(?:earlier|before|previously|above|so\s+far|until\s+now)\b",
    r"\b(?:stop|quit|cease|no\s+longer)\s+(?:following|obeying|applying)\s+(?:your|the|these|those|any|all)\b",
    r"\byour\s+(?:instructions|guidelines|programming|system\s+prompt|prompt|training|initial\s+rules)\b",
    r"\b(?:new|next|real|actual|your)\s+task\s*[:\-]|\byour\s+(?:real\s+|new\s+)?task\s+is\b",
    r"\b(?:if|when|whenever)\s+(?:a|the|any)\s+(?:user|reader)\s+asks\b",
    r"\btell\s+(?:anyone|whoever|everyone)\s+(?:who\s+)?asks\b|\btell\s+(?:the\s+)?users?\b(?!\s+of)",
    rf"\b(?:attention|attn|warning|notice|note)\s*,?\s*{_AI}\s*[:,]",
    rf"(?:^|[.!?]\s+|\n\s*)(?:to\s+)?(?:all\s+|any\s+)?{_AI}(?:\s+(?:and|or|&)\s+{_AI})?\s*[:,]",
    rf"\b{_MODEL}(?:\s+(?:and|or)\s+(?:similar|other|any)\s+\w+)?\s+(?:must|should|shall|need\s+to|are\s+required\s+to|have\s+to)"
    r"\s+(?:not\s+|always\s+|never\s+|only\s+)?(?:say|state|summari[sz]e|describe|report|answer|respond|reply|output|treat|"
    r"ignore|cite|tell|rate|score|mention|quote|repeat|use|present|call)\b",
    # The model's own orders, or its answers, named as such.
    r"\byour\s+(?:previous|prior|earlier|original|current|real|actual|new|standing)\s+"
    r"(?:orders?|instructions?|commands?|directions?|tasks?|rules|role|guidance|prompt)\b",
    r"\b(?:when(?:ever)?|before|after)\s+you\s+(?:answer|respond|reply|summari[sz]e|write\s+(?:about|an?\s+answer|a\s+summary))\b",
    r"\b(?:any|every|each|the)\s+(?:summary|answer|output|response|reply)\s+(?:produced|generated|written|given)\s+by\b",
    r"(?:^|\n)\s*(?:override|admin|root|sudo|command|directive|prompt|jailbreak)\s*:",
    # An imperative opening a sentence, about what to say: a report describes, it never commands.
    r"(?:^|[.!?;:]\s+|\n\s*)(?:(?:please|quietly|simply|just|now|then|always|also|and)\s+)*"
    r"(?:(?:ignore|disregard|forget|hide|omit|delete|pretend|downplay)(?=\s)(?!" + _NOUN_USE + r")|remember\s*:|"
    r"treat\s+(?:this|the|every|all|any)|repeat\s+(?:after|this|the\s+following)|cite\s+(?:only|finding|paragraph|this)|"
    r"summari[sz]e\s+(?:this|the\s+council|the\s+authority)|rate\s+(?:the|this|it|every|all)|"
    r"call\s+(?:it|this\s+council|the\s+council|them)|act\s+(?:like|as)|emphasi[sz]e\s+only|"
    r"(?:do\s+not|don't|never)\s+(?:mention|reveal|say|tell|cite|quote|report|include|disclose))\b",
    # A report does not tell its reader how to summarise it.
    r"\bwhen\s+(?:summari[sz]ing|answering\s+questions\s+(?:about|on)|asked\s+about)\s+this\s+"
    r"(?:page|report|document|text|paragraph|passage|council|authority)\b",
    # An imperative about answering, opening a sentence: reports describe, they do not command.
    r"(?:^|[.!?;:]\s+)(?:please\s+|always\s+|now\s+)?(?:respond|reply|answer|say|state|tell|write|output|rate|score|describe)"
    r"\s+(?:to\s+(?:every|each|all|any)\s+(?:question|query|prompt|request)|with\s*:|only\s+(?:with|that|in)|that\s+the\s+(?:council|authority)|"
    r"the\s+(?:user|reader)\b|this\s+(?:authority|council)\s+(?:as|outstanding|good|inadequate))",
    # Jailbreak wording.
    r"\b(?:developer|admin|administrator|god|debug|jailbreak|unrestricted)\s+mode\b|\bjailbr[eo]a?k",
    r"\bfrom\s+now\s+on\b[^.\n]{0,60}\b(?:you|answer|respond|reply|say|act|only)\b",
    r"\b(?:new|updated|revised|real|true|hidden)\s+instructions?\s*[:\-]",
    r"\b(?:reveal|print|repeat|show)\s+(?:the\s+|your\s+)(?:system\s+)?(?:prompt|instructions)\b",
    r"\bhighest[- ]priority\s+instruction|\btakes?\s+precedence\s+over\s+(?:your|all|any|previous)",
]
_STRONG_RE = [re.compile(p, _FLAGS) for p in _STRONG]

# Weighted cues: each occurs now and then in real report prose, so a passage is set aside only
# when cues of different kinds add up to THRESHOLD. A report is written in the third person and
# never in the imperative; an injection addresses someone, tells them what to answer, and names
# the answer or the document as such.
THRESHOLD = 3
_SENTENCE_START = r"(?:^|[.!?;:]\s+|\s[-\u2013\u2014]\s+|\n\s*)"
_SPEECH = (
    r"(?:say|says|state|report|describe|call|calls|answer|respond|reply|cite|quote|mention|omit|leave\s+out|present|"
    r"treat|rate|score|output|write|summari[sz]e|tell|ignore|use|set|list|claim|praise|hide|drop)"
)
_CUES: list[tuple[str, int, str]] = [
    # Who is addressed: a model, a machine reader, whoever produces or reads the answer.
    ("addressee", 2, rf"\b{_AI}\b|\bmachine[- ]readable\b|\bautomated\s+summar\w+|"
                     r"\b(?:any|every)\s+(?:system|tool|program|software|one|thing)\s+(?:that|which|who)\s+"
                     r"(?:reads|summari[sz]es|processes|answers|uses)\b|"
                     r"\byou\s+are\s+(?:generating|summari[sz]ing|reading|processing|answering|writing\s+about)\b|"
                     r"\bwhoever\s+(?:is\s+)?(?:reading|generating|summari[sz]ing|answering|writing)|"
                     r"(?<!service\s)\b(?:the|any)\s+(?:user|reader|questioner|person\s+asking)(?!'s|\s+of\b)\b"),
    # Second person: reports use it only in quoted speech ("you have to chase them").
    ("second person", 1, r"\byou\b|\byour\b|\byourself\b"),
    # An order: an imperative opening a sentence, or "you" with a modal of obligation.
    ("imperative", 2, _SENTENCE_START + r"(?:(?:please|kindly|quietly|simply|just|now|also|and)\s+)*"
                     r"(?:make\s+sure|be\s+sure|ensure\s+(?:that\s+)?(?:your|the|every|any)\s+(?:answer|summary|response|reply|output)|"
                     r"(?:begin|start|end|finish)\s+(?:your|each|every|the|any)\s+(?:answer|response|reply|summary|output)|"
                     r"(?:assume|pretend|remember|kindly|" + _SPEECH + r")(?=\s)(?!" + _NOUN_USE + r"))"),
    ("order", 2, r"\byou\s+(?:must|will\s+now|shall|are\s+to|are\s+required\s+to|need\s+to\s+(?:say|answer|respond|describe))\b|"
                 r"\b(?:should|must|may|can)\s+(?:the|your|any)\s+(?:answer|summary|response|reply|output)\b|"
                 r"\b(?:when|while|before)\s+(?:composing|writing|drafting|generating|giving)\s+(?:your|any)\s+"
                 r"(?:reply|answer|response|summary|output)"),
    ("obligation", 1, r"\b(?:must|should|shall|is\s+to|are\s+to|will\s+now|(?:is|are)\s+required\s+to)\s+"
                      rf"(?:not\s+|always\s+|never\s+|only\s+|now\s+)?{_SPEECH}\b|"
                      r"\b(?:always|never)\s+" + _SPEECH + r"\b"),
    # The answer, the question or the document named as such.
    ("meta", 1, r"\b(?:your|any|every|each|an|the)\s+(?:answers?|summary|summaries|responses?|replies|output)\b|"
                r"\b(?:every|all|any)\s+questions?\b|\bthis\s+(?:paragraph|text|passage|document|sentence|page|section)\b|"
                r"\b(?:instructions?|prompts?|guidelines|orders|commands|directives?)\b|"
                r"\bwhat\s+the\s+(?:findings|report|evidence|data)\s+says?\b"),
    ("precedence", 2, r"\b(?:overrides?|supersedes?|takes?\s+precedence\s+over|replaces?)\s+(?:anything|everything|all|any|whatever)\b"),
    # A verdict handed over rather than found.
    ("verdict", 1, r"\b(?:real|true|correct|actual|official)\s+(?:rating|score|answer|figure)\b|"
                   r"\b(?:rating|score)\s+(?:is|as|=|to|of)\s+(?:outstanding|good|requires\s+improvement|inadequate|\d)|"
                   r"\bset\s+\w+\s+to\s+\d|\bregardless\s+of\b|\bno\s+areas?\s+for\s+improvement\b|"
                   r"\bcalls?\s+it\s+(?:excellent|outstanding|good|the\s+best)\b|\bas\s+if\s+the\s+(?:council|authority)\b"),
]
_CUES_RE = [(kind, weight, re.compile(p, _FLAGS)) for kind, weight, p in _CUES]
# Quoted speech ("You must keep ringing," a carer said) is people talking to people: the weighted
# cues are read outside it. The strong cues are read everywhere, quotes included.
_QUOTED = re.compile(r"\"[^\"]{3,}\"|\u201c[^\u201d]{3,}\u201d|\u2018[^\u2019]{3,}\u2019(?!\w)|(?<=[\s:(])'[^']{3,}'(?=[\s.,;:!?)]|$)")


def instruction_cues(text: str) -> list[str]:
    """The cues found in `text` when they decide it reads as instructions, else []."""
    text = _ROLES.sub(" ", text)
    found = [m.group(0) for r in _STRONG_RE if (m := r.search(text))]
    if found:
        return found
    unquoted = _QUOTED.sub(" ", text)
    hits = [(kind, weight, m.group(0).strip()) for kind, weight, r in _CUES_RE if (m := r.search(unquoted))]
    return [f"{kind}: {cue}" for kind, _, cue in hits] if sum(w for _, w, _ in hits) >= THRESHOLD else []


def reads_as_instructions(text: str) -> bool:
    """True for a passage addressed to an AI (telling it what to say, do or forget)."""
    return bool(instruction_cues(text))
