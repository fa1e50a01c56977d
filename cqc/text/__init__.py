"""Text primitives shared by ingest, the store, the assistant and evaluation: each written once.

- `sentences`: where a finding's sentences (and an answer's, and a plan's) begin and end;
- `tokens`: tiktoken counts for budgets, and the stemmed words BM25 and the answerers compare;
- `figures`: the figures a sentence states (counts, shares, money, durations);
- `numbers`: figures in digits or in words, normalised to compare ("Nine thousand" is 9000);
- `dates`: month names, report dates, and the dates a question names;
- `markers`: the "[n]" citation marker answers write, which report text may never forge.
"""
