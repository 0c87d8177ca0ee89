"""How long the 序时 classes of every project take, cold and cached.

    .venv/bin/python bench/schedule_bench.py [--sizes 1000,10000] [--repeat 5]

For each size it prints the median of several repetitions of ``schedules_of`` over all
projects of two reports of that size:

- synthetic: bench/synthetic.py's ``make_projects`` (the bundled report's text lengths, random
  text with few quantities);
- bundled:   the bundled report's 49 projects repeated, each copy's texts made unique (so that
  nothing is served from the cache): real plans and progress full of quantities.

"cold" clears the indicator cache before each repetition (an import, a first start); "cached"
runs again on the same texts (the list redrawn after a filter or an edit elsewhere).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store`, `importers` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import make_projects
from importers.report import read_report
from store.models import Project, Report, project_from_record
from store.schedule import class_counts, clear_cache, schedules_of

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "lanling-2023-h1.md"


def synthetic(n: int) -> tuple[list[Project], Report]:
    """n projects shaped like the bundled report (bench/synthetic.py)."""
    parsed = make_projects(n)
    return [project_from_record(r, parsed.report.year) for r in parsed.records], parsed.report


def _letters(index: int) -> str:
    """index written in the letters A-Z (no digits: nothing for the reader to count)."""
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("A") + rest) + letters
        if not index:
            return letters


def bundled(n: int) -> tuple[list[Project], Report]:
    """The bundled report's projects repeated to n, each copy's texts unique."""
    parsed = read_report(BUNDLED)
    seed = [project_from_record(r, parsed.report.year) for r in parsed.records]
    projects = []
    for index in range(n):
        base = seed[index % len(seed)]
        tag = "（" + _letters(index) + "）"  # no digit: reads no quantity, makes the text new
        projects.append(
            replace(
                base,
                id=f"B{index:05d}",
                target=base.target + tag,
                plan=base.plan + tag,
                progress=base.progress + tag,
            )
        )
    return projects, parsed.report


def median_ms(projects: list[Project], report: Report, repeat: int, *, cold: bool) -> float:
    """Median milliseconds of computing every project's class."""
    samples = []
    if not cold:
        schedules_of(projects, report)
    for _ in range(repeat):
        if cold:
            clear_cache()
        gc.collect()
        start = time.perf_counter()
        schedules_of(projects, report)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'report':<10} {'projects':>8} {'cold ms':>9} {'cached ms':>10}  classes")
    for maker in (synthetic, bundled):
        for size in sizes:
            projects, report = maker(size)
            cold = median_ms(projects, report, args.repeat, cold=True)
            cached = median_ms(projects, report, args.repeat, cold=False)
            counts = class_counts(schedules_of(projects, report))
            shown = " ".join(f"{name}{count}" for name, count in counts.items() if count)
            print(f"{maker.__name__:<10} {size:>8} {cold:>9.0f} {cached:>10.1f}  {shown}")
            clear_cache()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
