"""Chat models: backends chosen by configuration (`backends`, a local GGUF in `local` and
`model_files`), one way to call a model (`calling`), and prompts from files with the numbered
findings put into them (`prompts`). What is done with a model's reply, and its checks, belong to
the callers (`assistant.answers`, `assistant.actions`, `assistant.check`).

May import: `assistant.evidence` (the scored sentences a prompt quotes) and `assistant.models`.
Never question, answers, check, compare, actions or papers.
"""
