"""What staff take to a meeting: a briefing on one report for a board paper (`briefing`), action
plans and conversations as Markdown, CSV and Word (`export`), and report text made inert in those
files (`inert`). Nothing here writes new prose: every line is a cited answer or finding.

May import: `assistant.actions`, `assistant.compare`, `assistant.answers`, `assistant.llm`,
`assistant.models`. Never the question path's stages or `assistant.chain`: a paper is written from
what they produced, handed in.
"""
