"""The assistant: a question read, scoped, answered from the reports' findings and checked; and,
from the same findings, authorities compared and improvement plans drafted.

Sub-packages by job, the question path's five stages first:

    question/  1 read the question (follow-ups, names, the plan it is read into)
               2 resolve its scope (whose council, filters, which report versions)
    evidence/  3 retrieve the findings and score their sentences: what an answerer is given
    answers/   4 write the answer: quoted sentences or a chat model, scores, summaries, good practice
    check/     5 check it: scope, markers, whose finding; and every claim a model writes
    compare/   authorities side by side on one topic
    actions/   improvement plans: the request, the actions' wording, measures, a model's draft
    papers/    what staff take to a meeting: a report's briefing, plans and conversations as files
    llm/       chat models: backends, the call, prompt files

Beside them: `chain.py` (`Assistant`: the five stages put together), `path.py` (the frozen values
passed from stage to stage), `models.py` (answers and citations, what the CLI and the app are
given) and `__main__.py` (the command line). Each sub-package's docstring says what it may import;
tests/test_layers.py holds them to it.
"""
