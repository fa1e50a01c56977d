"""Action plans' measures of success from the measure records (issue 25 item 3): the baseline is
the figure as read into data (value read right), the direction is the measure's own better
direction, and the England average is a suggested target where the sentence gives it and the
council is on the worse side of it. Checked on a plan for each council of the shared corpus."""

from __future__ import annotations

import pytest

from cqc.measures.record import Comparator, MeasureRecord

pytestmark = pytest.mark.real_model


def _record(**kw) -> MeasureRecord:
    base = dict(authority="A", report_id="r", published="2024-10-01", measure="direct_payments_uptake", value=21.8,
                unit="percent", figure="21.8%", period="2023/24", chunk_id="c1",
                sentence="In 2023/24, 21.8% of people used a direct payment, below the England average of 26.2%.")
    return MeasureRecord(**{**base, **kw})


def test_a_measure_reads_its_direction_from_the_vocabulary_and_targets_the_england_average():
    from assistant.actions.measures import measure_of_record

    below = _record(comparator=Comparator("england", 26.2, "percent", "2023/24", "26.2%"))
    assert measure_of_record(below, "Make sure staff explain direct payments") == (
        "Raise from 21.8% (2023/24): direct payments uptake; suggested target: the England average of 26.2% (2023/24)")
    above = _record(value=30.1, figure="30.1%", comparator=Comparator("england", 26.2, "percent", "2023/24", "26.2%"))
    assert "already better than the England average of 26.2%" in measure_of_record(above)
    # A wait is reduced whatever the action's verb says ("Raise from 29 weeks" was the old reading).
    wait = _record(measure="adaptation_wait", value=29, unit="weeks", figure="29 weeks", qualifier="average",
                   period="2024-03")
    assert measure_of_record(wait, "Improve the adaptations service") == (
        "Reduce from 29 weeks (average, March 2024): wait for a major adaptation")
    # "1,184" is read whole, as the record holds it.
    count = _record(measure="care_act_assessment_waiting", value=1184, unit="count", figure="1,184", period="2024")
    assert measure_of_record(count).startswith("Reduce from 1,184 (2024)")


def test_each_shared_councils_plan_measures_actions_from_their_records(corpus_assistant):
    from assistant.actions.draft import draft_actions
    from cqc.measures.vocabulary import vocabulary

    vocab = vocabulary()
    for entry in corpus_assistant.store.reports():
        if not entry.authority:
            continue
        plan = draft_actions(corpus_assistant, entry.authority)
        records = corpus_assistant.store.measures([entry.authority], report_ids=[entry.report_id])
        measured = 0
        for item in plan.items:
            ids = {c.chunk_id for c in item.citations}
            own = [r for r in records if r.chunk_id in ids and r.role == "value" and r.measure != "other" and not r.part
                   and any(r.sentence.strip() in b or b in r.sentence for b in item.basis)]
            if not own:
                continue
            measured += 1
            record = next(r for r in own if r.figure in item.measure)  # the measure is one of its records
            measure = vocab.measure(record.measure)
            assert item.measure.split(" ", 2)[:2] == {"lower": ["Reduce", "from"], "higher": ["Raise", "from"]}.get(
                measure.better, item.measure.split(" ", 2)[:2]), (entry.authority, item.action, item.measure)
            assert measure.name.lower() in item.measure.lower()
            c = record.comparator
            if c is not None and c.kind == "england" and c.unit == record.unit and measure.better != "neither":
                worse = record.value < c.value if measure.better == "higher" else record.value > c.value
                assert ("suggested target: the England average" in item.measure) == worse, item.measure
        assert measured, entry.authority  # every shared report's plan rests somewhere on a figure
