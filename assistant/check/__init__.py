"""Stage 5 of the question path, and every check on what an answer says.

Owns the rules every answer holds before anyone sees it, whoever wrote it (`every_answer.CheckAnswer`:
only the authorities in scope, every marker resolves, whose finding each sentence is), and the
checks on text a chat model wrote: each claim's figures in a finding it cites (`claims`), the
question answered and the catalog agreed with (`grounds`), a side-by-side answer's lines each
citing only its own authority (`side_by_side`).

May import: `assistant.evidence`, `assistant.path`, `assistant.models`. Never question, answers,
llm or anything later: a check judges text against findings, however the text was written.
"""
