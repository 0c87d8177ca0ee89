"""How long an export of many projects takes, per format.

    .venv/bin/python bench/export_bench.py [--sizes 1000,10000] [--repeat 3] [--formats md,xlsx]

For synthetic reports (bench/synthetic.py: the bundled report's text lengths, two tables) of each
size it prints, per format, the median of several runs of:

- export: building the file's bytes (store.export.export_bytes)
- write:  writing them atomically (store.export.write_export: temp file, fsync, rename)

and the file's size. Each project carries one dated update, so 推进情况 is built as exports
build it. Target: 10,000 projects to xlsx in well under a minute on a laptop.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import make_projects
from store.export import EXPORT_FORMATS, EXTENSIONS, export_bytes, write_export
from store.models import Project, Report, Update, project_from_record


def synthetic(n: int) -> tuple[Report, list[Project]]:
    """A report of ``n`` projects as the store would hold them, each with one update."""
    parsed = make_projects(n)
    projects = [project_from_record(r, parsed.report.year) for r in parsed.records]
    for p in projects:
        p.updates.append(Update("2023-07", "完成主体工程，进入验收阶段。", "", "bench"))
    return parsed.report, projects


def _median_s(samples: list[float]) -> float:
    return statistics.median(samples)


def bench(n: int, formats: list[str], repeat: int, folder: Path) -> None:
    """Print one line per format for ``n`` projects."""
    report, projects = synthetic(n)
    print(f"{n:,} projects ({repeat} runs each, median)")
    print(f"  {'format':6} {'export':>9} {'write':>9} {'size':>10}")
    for fmt in formats:
        exports, writes = [], []
        data = b""
        for _ in range(repeat):
            gc.collect()
            start = time.perf_counter()
            data = export_bytes(fmt, report, projects)
            exports.append(time.perf_counter() - start)
            target = folder / f"bench{EXTENSIONS[fmt]}"
            start = time.perf_counter()
            write_export(target, data, force=True)
            writes.append(time.perf_counter() - start)
        print(
            f"  {fmt:6} {_median_s(exports):8.2f}s {_median_s(writes) * 1000:7.1f}ms "
            f"{len(data) / 1e6:8.1f}MB"
        )


def main() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated project counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format and size")
    parser.add_argument("--formats", default=",".join(EXPORT_FORMATS))
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            bench(size, formats, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
