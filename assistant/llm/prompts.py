"""Prompts from `prompts/*.md`, and the numbered findings put into them, cut to the model's budget."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

from assistant.evidence.sentences import Selected
from assistant.models import RetrievedFinding
from cqc.text.sentences import answer_sentences
from cqc.text.tokens import count_tokens

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


class PromptFileError(ValueError):
    pass


@lru_cache(maxsize=None)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> ChatPromptTemplate:
    """`prompts/<name>.md` as a chat prompt: its `## system` and `## user` sections."""
    path = folder / f"{name}.md"
    if not path.exists():
        raise PromptFileError(f"{path}: prompt file not found")
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    sections = {role: text.strip() for role, text in zip(parts[1::2], parts[2::2])}
    if set(sections) != {"system", "user"}:
        raise PromptFileError(f"{path}: needs a '## system' and a '## user' section")
    return ChatPromptTemplate.from_messages([("system", sections["system"]), ("human", sections["user"])])


@dataclass(frozen=True)
class NumberedFinding:
    number: int
    finding: RetrievedFinding
    excerpt: tuple[str, ...] = ()  # the sentences shown, in reading order; empty: the whole finding

    def render(self, source: bool = True) -> str:
        """"[n] authority, report published date · quality statement · heading" then the text; the
        source left out when the list names it once for all. No score: scores are the catalog's to
        state, and a model shown one is tempted to repeat it."""
        c = self.finding.chunk
        dated = f", report published {c.published}" if c.published else ""
        head = [f"{c.authority or 'Unnamed document'}{dated}"] if source else []
        head += [p for p in (c.quality_statement, c.heading) if p]
        return f"[{self.number}] {' · '.join(head)}\n{self.text()}"

    def text(self) -> str:
        """The finding's text, or its excerpt with "…" wherever sentences were left out."""
        c = self.finding.chunk
        if not self.excerpt:
            return c.text
        order = answer_sentences(c.text)
        at = [order.index(s) if s in order else -1 for s in self.excerpt]
        parts = ["…"] if at[0] != 0 else []
        for i, sentence in enumerate(self.excerpt):
            if i and (at[i] < 0 or at[i] != at[i - 1] + 1):
                parts.append("…")
            parts.append(sentence)
        if at[-1] != len(order) - 1:
            parts.append("…")
        return " ".join(parts)


def excerpts(ranked: list[Selected], per_finding: int, include: set[str] | frozenset[str] = frozenset()) -> dict[str, tuple[str, ...]]:
    """Each finding's best `per_finding` sentences (and any in `include`, the quoted answer's), in
    reading order: what the model needs of a paragraph, at a fraction of its prompt time. A finding
    with no more sentences than that is shown whole (no excerpt)."""
    best: dict[str, list[str]] = {}
    total: dict[str, int] = {}
    for s in ranked:  # best first
        cid = s.finding.chunk.chunk_id
        total[cid] = total.get(cid, 0) + 1
        chosen = best.setdefault(cid, [])
        if (len(chosen) < per_finding or s.sentence in include) and s.sentence not in chosen:
            chosen.append(s.sentence)
    text = {s.finding.chunk.chunk_id: s.finding.chunk.text for s in ranked}
    return {
        cid: tuple(sorted(sentences, key=text[cid].find))
        for cid, sentences in best.items() if total[cid] > len(sentences)
    }


def number_findings(
    findings: list[RetrievedFinding], budget_tokens: int, excerpt: dict[str, tuple[str, ...]] | None = None
) -> list[NumberedFinding]:
    """Findings numbered 1.. in the order given (best first), as many as fit in the budget.

    A finding is shown whole or as its `excerpt` sentences, never cut mid-way (that could lose the
    words that qualify a figure); the first one that would overflow ends the list.
    """
    kept: list[NumberedFinding] = []
    used = 0
    for finding in findings:
        item = NumberedFinding(len(kept) + 1, finding, (excerpt or {}).get(finding.chunk.chunk_id, ()))
        cost = count_tokens(item.render()) + 2
        if used + cost > budget_tokens:
            break
        kept.append(item)
        used += cost
    return kept


def context_findings(
    ranked: list[Selected], findings: list[RetrievedFinding], limit: int, include: set[str] | frozenset[str] = frozenset()
) -> list[RetrievedFinding]:
    """The findings a model needs: those whose sentences answer best (`ranked` is best first), at
    most `limit`, and always those in `include` (the ones the quoted answer quotes), best first.

    Fewer, better findings rather than the whole context: each one is read before the first word
    is written, and a small model cites better from a short list.
    """
    order: list[RetrievedFinding] = []
    seen: set[str] = set()
    for f in [s.finding for s in ranked] + findings:
        if f.chunk.chunk_id not in seen:
            seen.add(f.chunk.chunk_id)
            order.append(f)
    top = {f.chunk.chunk_id for f in order[:limit]} | set(include)
    return [f for f in order if f.chunk.chunk_id in top]


def render_findings(numbered: list[NumberedFinding]) -> str:
    """The numbered findings; when they all come from one report, it is named once above them."""
    sources = {(n.finding.chunk.authority, n.finding.chunk.published) for n in numbered}
    if len(sources) == 1 and all(sources.pop()):
        c = numbered[0].finding.chunk
        lead = f"All from the report on {c.authority}, published {c.published}.\n\n"
        return lead + "\n\n".join(n.render(source=False) for n in numbered)
    return "\n\n".join(n.render() for n in numbered)


def prompt_budget(context_tokens: int, answer_tokens: int, template_tokens: int, question: str) -> int:
    """Tokens left for findings once the template, the question and the answer are accounted for.

    cl100k counts are close to, not equal to, the model's own tokenizer; a tenth is kept spare.
    """
    spare = context_tokens // 10
    return max(0, context_tokens - answer_tokens - template_tokens - count_tokens(question) - spare)


def template_tokens(prompt: ChatPromptTemplate) -> int:
    return sum(count_tokens(getattr(m, "prompt", None) and m.prompt.template or "") for m in prompt.messages)
