"""Stage 4 of the question path: the answer written from the evidence.

Owns the stage (`answer.AnswerQuestion`: the answerer that fits what was asked), the two writers
of an answer (`writers`: sentences quoted verbatim by default, or a chat model checked claim by
claim as it writes), the quoted answer's text (`quoted`), multi-part questions (`parts`), ratings
and scores from the catalog (`scores`, `score_lines`), councils lined up on one measure from its
records (`measure_table`, `rankings`: the app's Measures view reads the same line-up), the reports'
own summaries (`summaries`) and what good looks like across councils (`good_practice`).

May import: `assistant.question`, `assistant.evidence`, `assistant.check` (a model's claims are
checked as they are written), `assistant.llm`, `assistant.path`, `assistant.models`. Never compare,
actions or papers: they build on answers, not the other way round.
"""
