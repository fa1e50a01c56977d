"""The national list of councils with adult social care duties (cqc/councils.py)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from cqc.councils import COUNCILS, council_named, councils_in, normalise

ROOT = Path(__file__).resolve().parents[1]


def test_every_upper_tier_council_is_listed_once():
    assert len(COUNCILS) == 153
    assert Counter(c.kind for c in COUNCILS) == {"county": 21, "metropolitan": 36, "london": 33, "unitary": 63}
    assert len({c.name for c in COUNCILS}) == 153
    # No name means two councils.
    owners: dict[str, set[str]] = {}
    for c in COUNCILS:
        for name in c.names:
            owners.setdefault(normalise(name), set()).add(c.name)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}


def test_short_forms_people_use():
    assert council_named("County Durham").name == "Durham County Council"
    assert council_named("Durham").name == "Durham County Council"
    assert council_named("Hull").name == "Kingston upon Hull City Council"
    assert council_named("Camden").name == "London Borough of Camden"
    assert council_named("Bath & North East Somerset").name == "Bath and North East Somerset Council"
    assert council_named("Isles of Scilly").name == "Council of the Isles of Scilly"
    assert council_named("City of London").name == "City of London Corporation"
    assert council_named("London") is None  # the capital is 33 councils, not one
    assert council_named("Kingsmere Metropolitan Borough Council") is None  # fictional
    assert council_named("Leeds Council").name == "Leeds City Council"  # an unofficial suffix still finds it


def test_councils_named_in_text():
    found = councils_in("How do waits in County Durham compare with Sunderland and the London Borough of Bromley?")
    assert [(c.name, said) for c, said in found] == [
        ("Durham County Council", "County Durham"), ("Sunderland City Council", "Sunderland"),
        ("London Borough of Bromley", "London Borough of Bromley"),
    ]
    # Everyday words are names only where a name would stand.
    assert councils_in("Reading the report, how long were the waits?") == []
    assert [c.name for c, _ in councils_in("What about carers in Reading?")] == ["Reading Borough Council"]
    assert [c.name for c, _ in councils_in("Bury Council's safeguarding")] == ["Bury Council"]
    assert councils_in("the kent of it") == []  # a name is written with a capital


def test_the_domain_core_imports_nothing_of_ours():
    ours = {"assistant", "ingest", "vectorstore", "ui", "app", "bench", "tests"}
    for path in (ROOT / "cqc").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in ours, (path.name, module)
