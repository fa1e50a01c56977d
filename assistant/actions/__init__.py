"""Improvement plans drafted from one authority's latest report, worded as a council words its own.

Owns the draft (`draft.draft_actions`), what a plan is (`improvement_plan`), what it is asked for
(`request`), what each action rests on and how success is measured (`measures`), actions worded
from what the report says must happen (`wording`) or turned round from a shortfall it records
(`shortfall_wording`, with English verb forms in `verbs`), and the plan a chat model writes,
checked as answers are (`model_draft`).

May import: `assistant.answers`, `assistant.evidence`, `assistant.question`, `assistant.check`,
`assistant.llm`, `assistant.models`. Never compare or papers.
"""
