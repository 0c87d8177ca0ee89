"""How long the overview takes to count (on the UI thread) at 1,000 and 10,000 projects.

Prints, per size, the median of a few full counts: both level tables and the unit table, as
the overview draws them when it opens, after an edit, or when 序时 becomes ready.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` and `tui` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import make_projects
from store.memory import MemoryStore
from store.query import SCHEDULE_FACET, ProjectIndex
from tui.screens.overview import count_table, summary_line


def main() -> None:
    for n in (1_000, 10_000):
        store = MemoryStore(user="bench")
        store.import_report(make_projects(n), source="bench")
        index = ProjectIndex(store.projects(), store.report(), store.schedule_settings())
        started = time.perf_counter()
        index.prepare_schedule()
        schedule_s = time.perf_counter() - started
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            summary_line(index, compact=False)
            count_table(index, "level", SCHEDULE_FACET)
            count_table(index, "level", "status")
            count_table(index, "department", SCHEDULE_FACET)
            samples.append(time.perf_counter() - started)
        print(
            f"{n:>6} projects: counts {statistics.median(samples) * 1000:6.1f} ms"
            f" (序时 computed first, once: {schedule_s:.1f} s)"
        )


if __name__ == "__main__":
    main()
