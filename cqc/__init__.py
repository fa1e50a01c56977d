"""The domain core: what a CQC local authority assessment is, and the text primitives every layer
reads reports and questions with.

Nothing here imports anything else of ours, so every layer above (ingest, the store, the library,
the assistant, evaluation, the app) can use it, and each of these jobs is done here only:

- `framework`: the assessment framework (themes, quality statements, scores, ratings);
- `councils`, `topics`: the councils with adult social care duties, the statements' everyday topics;
- `models`: what a report is made of (blocks, pages, findings, reports, chunks);
- `records`: what the library holds about a report, which findings a search may return, and
  which report of each authority answers use;
- `ids`: identities derived from what a thing is and where it sits;
- `text`: sentences, tokens, figures, dates and citation markers.
"""
