"""The measure records' table: all of its SQL, in one place.

One row per figure of a report (`cqc.measures.record.MeasureRecord`), keyed by report and order, so
a report's records are written and replaced with the report itself (the catalog calls these inside
its own transaction). Every field is a column of its own (the comparator, a small object, as JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import Connection, delete as sql_delete, func, select as sql_select

from cqc.measures.record import Comparator, MeasureRecord
from database.schema import measures as table


def _row(r: MeasureRecord) -> dict:
    comparator = json.dumps(asdict(r.comparator), ensure_ascii=False) if r.comparator else None
    return {"report_id": r.report_id, "ord": r.order, "chunk_id": r.chunk_id, "authority": r.authority,
            "published": r.published, "measure": r.measure, "value": r.value, "unit": r.unit, "figure": r.figure,
            "qualifier": r.qualifier, "period": r.period, "approx": r.approx, "role": r.role, "part": r.part,
            "out_of": r.of, "comparator": comparator, "sentence": r.sentence}


def _record(d) -> MeasureRecord:
    return MeasureRecord(
        authority=d["authority"], report_id=d["report_id"], published=d["published"], measure=d["measure"],
        value=d["value"], unit=d["unit"], figure=d["figure"], qualifier=d["qualifier"], period=d["period"],
        approx=d["approx"], role=d["role"], part=d["part"], of=d["out_of"],
        comparator=Comparator(**json.loads(d["comparator"])) if d["comparator"] else None,
        chunk_id=d["chunk_id"], sentence=d["sentence"], order=d["ord"],
    )


def replace(conn: Connection, report_ids: Iterable[str], records: Iterable[MeasureRecord]) -> None:
    """Delete these reports' records and write `records` (inside the caller's transaction)."""
    report_ids = list(report_ids)
    if report_ids:
        conn.execute(sql_delete(table).where(table.c.report_id.in_(report_ids)))
    rows = [_row(r) for r in records]
    if rows:
        conn.execute(table.insert(), rows)


def delete(conn: Connection, report_id: str) -> None:
    conn.execute(sql_delete(table).where(table.c.report_id == report_id))


def select(conn: Connection, authorities: Iterable[str] = (), measures: Iterable[str] = (),
           report_ids: Iterable[str] = ()) -> list[MeasureRecord]:
    """Records, in report order, of these authorities, measures and reports (empty: all)."""
    query = sql_select(table)
    for column, values in ((table.c.authority, list(authorities)), (table.c.measure, list(measures)),
                           (table.c.report_id, list(report_ids))):
        if values:
            query = query.where(column.in_(values))
    query = query.order_by(table.c.authority, table.c.published, table.c.report_id, table.c.ord)
    return [_record(row) for row in conn.execute(query).mappings()]


def count(conn: Connection, report_id: str) -> int:
    return conn.execute(sql_select(func.count()).select_from(table).where(table.c.report_id == report_id)).scalar_one()
