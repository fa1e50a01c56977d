"""Evaluation: gold questions (`gold`), metrics and floors (`metrics`), our pipeline and the plain
LangChain baseline run on them (`runners`, `baseline`), and the `python -m assistant eval` command
(`cli`). It sits above the assistant it measures."""
