"""Authorities side by side: per authority, the sentence of its report that gives a figure on the
topic asked about, quoted and cited, with notes where figures are not like for like (`table`).

May import: `assistant.answers`, `assistant.evidence`, `assistant.question`, `assistant.check`,
`assistant.llm`, `assistant.path`, `assistant.models`. Never actions or papers.
"""
