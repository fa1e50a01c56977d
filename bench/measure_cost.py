"""What reading figures as measure records costs ingest, side by side in one run.

The same reports are ingested into fresh stores with measure reading switched off (the worker's
`--no-measures` lever: ingest as it was before figures were data) and as shipped, alternately
(off, on, off, on ...), so a burst of load from another process on a shared machine falls on both
alike. Every run is kept and printed; the ratio is of the medians.
"""

from __future__ import annotations

import statistics


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure_cost(off: list[dict], on: list[dict]) -> dict:
    """The comparison from the ingest-ours results of each side, in the order they ran.

    `wall_ratio` is the median wall time with measures over the median without (1.10 is 10% slower);
    `cpu_ratio` the same of the ingest process's CPU time, which the neighbours disturb less."""
    if not off or not on:
        raise ValueError("measure cost: need at least one ingest with measure reading off and one on")
    if len({r["chunks"] for r in off + on}) != 1:
        raise ValueError(f"measure cost: the runs ingested different chunk counts "
                         f"{[r['chunks'] for r in off + on]}; they must be of the same reports")

    def side(runs: list[dict]) -> dict:
        return {"seconds": round(_median(runs, "seconds"), 2), "cpu_s": round(_median(runs, "cpu_s"), 1),
                "chunks_per_s": round(_median(runs, "chunks_per_s"), 1), "figures": runs[0]["figures"],
                "runs": [{k: r[k] for k in ("seconds", "cpu_s", "chunks_per_s", "figures")} for r in runs]}

    without, with_ = side(off), side(on)
    return {
        "reports": on[0]["reports"], "chunks": on[0]["chunks"], "rounds": min(len(off), len(on)),
        "off": without, "on": with_,
        "wall_ratio": round(with_["seconds"] / without["seconds"], 3),
        "cpu_ratio": round(with_["cpu_s"] / without["cpu_s"], 3),
    }
