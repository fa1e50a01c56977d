"""`configure_offline()` makes a process offline: no model hub downloads, no telemetry. A council
network blocks those calls, and a call that hangs is worse than one that fails. Importing this
changes nothing: each entry point (`python -m ingest`, `python -m assistant`, `python -m bench` and
its workers, `python -m evaluation.model_eval`, app.py, the tests' conftest) calls it before it
imports anything that loads a model, Chroma or Streamlit."""

from __future__ import annotations

import os

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's posthog telemetry
    "TOKENIZERS_PARALLELISM": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def configure_offline() -> None:
    """Set the offline environment, keeping any value the user set."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
