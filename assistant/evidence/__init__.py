"""Stage 3 of the question path: the findings an answer may be built from, and their sentences scored.

Owns hybrid search (`search`: dense and BM25 fused by reciprocal rank), the stage itself
(`retrieve.RetrieveEvidence`: one authority, each authority on its own, summaries, exemplars),
the sentences of the findings ranked by how well each answers the question and the few chosen
(`sentences`), which figure of a sentence answers it (`figures`), and what an answerer is given
(`bundle.Evidence`).

May import: `assistant.question` (the plan it searches for), `assistant.path`, `assistant.models`.
Never answers, check, llm or anything later: evidence is found the same whoever writes the answer.
"""
