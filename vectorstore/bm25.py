"""BM25 (Lucene's variant, k1 1.5, b 0.75: the scores bm25s gives) over term counts that are kept,
so the index is rebuilt from what it already counted plus the new findings alone.

A library's BM25 weights all change when a report is added (the number of findings, each word's
document frequency and the average length move), but the words of each finding do not. So each
finding's terms are counted once (`Counts`, a sparse matrix of findings by terms) and kept with
the index; a rebuild tokenizes only the findings it has not seen, drops the removed ones and
computes every weight again with a few array operations (`Weights`), where rebuilding from
text tokenized every finding of the library again in Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1 = 1.5
B = 0.75
# Of the findings, the share a word's count is smoothed by (`share_idf`): half a finding in a
# library of four reports (about 400 findings), where the weights were set, so that library weighs
# words as before.
IDF_SMOOTHING = 0.5 / 400


def lucene_idf(df: int, n: int) -> float:
    """The word weight bm25s builds into its scores (its default, Lucene's): smoothed by half a finding."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def share_idf(df: int, n: int) -> float:
    """A word's inverse document frequency among n findings, smoothed by a share of them (never
    less than BM25's half a finding: in a library smaller than four reports, weights are BM25's).
    So a word used by the same share of findings weighs the same in a library of 4 reports and of
    150, and a finding's keyword rank does not move when other reports are added (issue 26)."""
    smoothing = max(0.5, IDF_SMOOTHING * n)
    return math.log(1 + (n - df + smoothing) / (df + smoothing))


@dataclass
class Counts:
    """How often each term occurs in each finding: row i is finding i (`indptr` into `terms` and
    `tf`), `lengths` its number of tokens, `vocabulary` the terms by id (append-only)."""

    vocabulary: list[str]
    indptr: np.ndarray  # int64, one more than there are findings
    terms: np.ndarray  # int32 term ids, ascending within a row
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32

    @classmethod
    def empty(cls) -> Counts:
        return cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))

    @property
    def rows(self) -> int:
        return len(self.lengths)

    def term_ids(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocabulary)}

    def added(self, tokenized: list[list[str]]) -> Counts:
        """These counts with rows for more findings after them (new terms join the vocabulary)."""
        vocabulary = list(self.vocabulary)
        ids = self.term_ids()
        rows_terms, rows_tf, lengths = [], [], []
        for tokens in tokenized:
            for token in tokens:
                if token not in ids:
                    ids[token] = len(vocabulary)
                    vocabulary.append(token)
            unique, counts = np.unique(np.fromiter((ids[t] for t in tokens), np.int32, len(tokens)), return_counts=True)
            rows_terms.append(unique.astype(np.int32))
            rows_tf.append(counts.astype(np.int32))
            lengths.append(len(tokens))
        sizes = np.fromiter((len(t) for t in rows_terms), np.int64, len(rows_terms))
        indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(sizes)])
        return Counts(
            vocabulary, indptr,
            np.concatenate([self.terms, *rows_terms]).astype(np.int32),
            np.concatenate([self.tf, *rows_tf]).astype(np.int32),
            np.concatenate([self.lengths, np.asarray(lengths, np.int32)]).astype(np.int32),
        )

    def kept(self, rows: np.ndarray) -> Counts:
        """Only these rows, in this order; terms no row holds any more leave the vocabulary."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        sizes = ends - starts
        take = np.repeat(ends - np.cumsum(sizes), sizes) + np.arange(int(sizes.sum()))
        used, terms = np.unique(self.terms[take], return_inverse=True)  # ascending: rows stay sorted
        return Counts([self.vocabulary[i] for i in used.tolist()], np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
                      terms.astype(np.int32), self.tf[take], self.lengths[rows])

    def save(self, path: Path) -> None:
        np.savez(path, indptr=self.indptr, terms=self.terms, tf=self.tf, lengths=self.lengths,
                 vocabulary=np.asarray(self.vocabulary, dtype=object))

    @classmethod
    def load(cls, path: Path) -> Counts:
        with np.load(path, allow_pickle=True) as data:
            return cls(list(data["vocabulary"]), data["indptr"], data["terms"], data["tf"], data["lengths"])


@dataclass
class Weights:
    """Each term's BM25 weight in every finding holding it (term-major: `indptr` by term id into
    `rows` and `weights`), and each term's document frequency."""

    indptr: np.ndarray  # int64, one more than there are terms
    rows: np.ndarray  # int32 finding rows, ascending within a term
    weights: np.ndarray  # float32
    doc_freq: np.ndarray  # int32 by term id
    n_rows: int

    @classmethod
    def of(cls, counts: Counts, idf_of: Callable[[int, int], float] = lucene_idf) -> Weights:
        """The weights bm25s computes (same formula, same float32 steps, so the same scores), each
        word weighed by `idf_of(document frequency, findings)`: bm25s's own by default."""
        n, v = counts.rows, len(counts.vocabulary)
        doc_freq = np.bincount(counts.terms, minlength=v).astype(np.int32)
        # math.log per term, as bm25s takes it (numpy's own log may differ in the last bit)
        idf = np.asarray([idf_of(df, n) for df in doc_freq.tolist()], np.float64)
        idf = idf.astype(np.float32)
        # bm25s: the length norm and the term-frequency part in float64 (its average length is a
        # numpy float64), times the float32 idf, stored as float32.
        average = float(counts.lengths.mean()) if n else 0.0
        norm = K1 * ((1 - B) + B * counts.lengths / average) if average else np.full(n, K1 * (1 - B))
        row_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(counts.indptr))
        tf = counts.tf.astype(np.float64)
        weights = (idf[counts.terms].astype(np.float64) * (tf / (norm[row_of] + tf))).astype(np.float32)
        order = np.argsort(counts.terms, kind="stable")  # rows stay ascending within a term
        indptr = np.concatenate([[0], np.cumsum(doc_freq)]).astype(np.int64)
        return cls(indptr, row_of[order], weights[order].astype(np.float32), doc_freq, n)

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """Every finding's score for the query's terms (a term asked twice counts twice)."""
        out = np.zeros(self.n_rows, dtype=np.float32)
        for t in term_ids:
            start, end = self.indptr[t], self.indptr[t + 1]
            np.add.at(out, self.rows[start:end], self.weights[start:end])
        return out

    def save(self, path: Path) -> None:
        np.savez(path, indptr=self.indptr, rows=self.rows, weights=self.weights, doc_freq=self.doc_freq,
                 n_rows=np.asarray(self.n_rows))

    @classmethod
    def load(cls, path: Path) -> Weights:
        with np.load(path) as data:
            return cls(data["indptr"], data["rows"], data["weights"], data["doc_freq"], int(data["n_rows"]))
