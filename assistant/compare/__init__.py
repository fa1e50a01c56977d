"""Authorities side by side on one topic (`table`): on the one measure the topic names, each
council's figure from its measure records ("no figure on <measure>" and the closest finding as
context where its report gives none), else per authority the sentence of its report that gives a
figure on the topic; quoted and cited, with notes where figures are not like for like.

May import: `assistant.answers`, `assistant.evidence`, `assistant.question`, `assistant.check`,
`assistant.llm`, `assistant.path`, `assistant.models`. Never actions or papers.
"""
