"""Stages 1 and 2 of the question path: read the question, then resolve its scope.

Owns turning English into a plan (`understand`: authorities named, "we"/"our", statements,
topics, what kind of answer), rewriting a follow-up to stand alone (`followup`), the names an
authority goes by (`names`), the plan itself (`query_plan`), how a question asks about scores
(`score_asks`) and about one measure across councils (`measure_asks`), and the scope: which
councils are answered for and what is left out (`scope`), from which report of each (`versions`).
Stage 1 is `read.ReadQuestion`, stage 2 `scope.ResolveScope`.

May import: `assistant.path`, `assistant.models`, and `assistant.llm` (a follow-up rewritten by
the chat model). Never evidence, answers or anything later: a question is read the same whatever
the library would answer.
"""
