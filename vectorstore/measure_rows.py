"""The measure records' table: all of its SQL, in one place.

One row per figure of a report (`cqc.measures.record.MeasureRecord`), keyed by report and order, so
a report's records are written and replaced with the report itself (the catalog calls these inside
its own transaction). Every field is a column of its own (the comparator, a small object, as JSON),
so the table can move to a shared database as it is. The rows travel to a Chroma server's other
machines like every table with a `report_id` (`vectorstore.replica`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict

from cqc.measures.record import Comparator, MeasureRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS measures (
    report_id TEXT NOT NULL REFERENCES reports(report_id),
    ord INTEGER NOT NULL,
    chunk_id TEXT NOT NULL,
    authority TEXT NOT NULL,
    published TEXT NOT NULL,
    measure TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    figure TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    period TEXT NOT NULL,
    approx TEXT NOT NULL,
    role TEXT NOT NULL,
    part TEXT NOT NULL,
    out_of REAL,
    comparator TEXT,
    sentence TEXT NOT NULL,
    PRIMARY KEY (report_id, ord)
);
CREATE INDEX IF NOT EXISTS measures_by_measure ON measures(measure, authority);
"""

_COLUMNS = ("report_id", "ord", "chunk_id", "authority", "published", "measure", "value", "unit", "figure", "qualifier",
            "period", "approx", "role", "part", "out_of", "comparator", "sentence")
_INSERT = f"INSERT INTO measures({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM measures"


def _row(r: MeasureRecord) -> tuple:
    comparator = json.dumps(asdict(r.comparator), ensure_ascii=False) if r.comparator else None
    return (r.report_id, r.order, r.chunk_id, r.authority, r.published, r.measure, r.value, r.unit, r.figure,
            r.qualifier, r.period, r.approx, r.role, r.part, r.of, comparator, r.sentence)


def _record(row: tuple) -> MeasureRecord:
    d = dict(zip(_COLUMNS, row))
    return MeasureRecord(
        authority=d["authority"], report_id=d["report_id"], published=d["published"], measure=d["measure"],
        value=d["value"], unit=d["unit"], figure=d["figure"], qualifier=d["qualifier"], period=d["period"],
        approx=d["approx"], role=d["role"], part=d["part"], of=d["out_of"],
        comparator=Comparator(**json.loads(d["comparator"])) if d["comparator"] else None,
        chunk_id=d["chunk_id"], sentence=d["sentence"], order=d["ord"],
    )


def replace(cur: sqlite3.Cursor, report_ids: Iterable[str], records: Iterable[MeasureRecord]) -> None:
    """Delete these reports' records and write `records` (inside the caller's transaction)."""
    cur.executemany("DELETE FROM measures WHERE report_id = ?", [(rid,) for rid in report_ids])
    cur.executemany(_INSERT, [_row(r) for r in records])


def delete(cur: sqlite3.Cursor, report_id: str) -> None:
    cur.execute("DELETE FROM measures WHERE report_id = ?", (report_id,))


def select(conn: sqlite3.Connection, authorities: Iterable[str] = (), measures: Iterable[str] = (),
           report_ids: Iterable[str] = ()) -> list[MeasureRecord]:
    """Records, in report order, of these authorities, measures and reports (empty: all)."""
    where, params = [], []
    for column, values in (("authority", list(authorities)), ("measure", list(measures)), ("report_id", list(report_ids))):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += values
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY authority, published, report_id, ord"
    return [_record(row) for row in conn.execute(sql, params).fetchall()]


def count(conn: sqlite3.Connection, report_id: str) -> int:
    return conn.execute("SELECT COUNT(*) FROM measures WHERE report_id = ?", (report_id,)).fetchone()[0]
