"""How long an export of many projects takes, per format.

    .venv/bin/python bench/export_bench.py [--sizes 1000,10000] [--repeat 3] [--formats md,xlsx]

For synthetic reports (bench/synthetic.py: the bundled report's text lengths, two tables) of each
size it prints, per format, the median of several runs of:

- export: building the file's bytes (store.export.export_bytes)
- write:  writing them atomically (store.export.write_export: temp file, fsync, rename)

and the file's size. Each project carries one dated update, so 推进情况 is built as exports
build it. Target: 10,000 projects to xlsx in well under a minute on a laptop.

Then, for the json export of each size (``--json-sizes``, default 10,000), read from a database
of the synthetic projects:

- in-process, first: export_bytes with nothing read before (store.schedule.clear_cache) and
  no cache file: every text is read;
- in-process, kept: the same, from the database's derived-data cache (``<db>.derived``);
- process, first / kept: ``minsheng export --format json -o out.json`` as a whole process
  (start-up, opening the database, the export, writing), with the cache file removed before
  each run / left from the run before.

``--code DIR`` runs the processes on the code in DIR (another checkout, e.g. the main branch,
to compare; a checkout without the cache gives the same figure for both). Target: the process,
kept, at most 1.5 s at 10,000 projects (2x VisiData's batch conversion of the same data).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.compiled import compile_sources
from bench.synthetic import make_projects
from store.derived import CACHE_SUFFIX, DerivedCache
from store.export import EXPORT_FORMATS, EXTENSIONS, export_bytes, write_export
from store.jsonfile import JSONFileStore
from store.models import Project, Report, Update, project_from_record
from store.schedule import clear_cache

ROOT = Path(__file__).resolve().parent.parent


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


#: the processor seconds of each process run, beside its wall-clock seconds: on a shared
#: machine the wall clock also counts the waits for a processor
_CPU: list[float] = []


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_s(code: Path, db: Path, out: Path) -> float:
    """Seconds of one ``minsheng export --format json`` process on the code in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "tui", "--db", str(db), "export", "--format", "json"]
    cpu = _children_cpu_s()
    start = time.perf_counter()
    subprocess.run(
        [*command, "-o", str(out), "--force"], env=env, cwd=code, check=True, capture_output=True
    )
    wall = time.perf_counter() - start
    _CPU.append(_children_cpu_s() - cpu)
    return wall


def bench_json(n: int, repeat: int, folder: Path, code: Path) -> None:
    """The json export of ``n`` projects from a database: in-process and as a process, with
    everything read anew and with the derived data kept."""
    db = folder / f"json-{n}" / "minsheng.json"
    store = JSONFileStore(db, user="bench")
    store.import_report(make_projects(n), source="import:synthetic")
    report, projects, settings = store.report(), store.projects(), store.schedule_settings()
    cache_file = db.with_name(db.name + CACHE_SUFFIX)
    out = folder / "out.json"

    def first() -> float:
        clear_cache()
        cache_file.unlink(missing_ok=True)
        gc.collect()
        start = time.perf_counter()
        export_bytes("json", report, projects, settings=settings)
        return time.perf_counter() - start

    def kept() -> float:
        clear_cache()
        cache = DerivedCache.beside(db)
        gc.collect()
        start = time.perf_counter()
        export_bytes("json", report, projects, settings=settings, derived=cache)
        return time.perf_counter() - start

    def process_first() -> float:
        cache_file.unlink(missing_ok=True)
        return _process_s(code, db, out)

    print(f"json export of {n:,} projects from a database ({repeat} runs each, median)")
    if code == ROOT:  # (in-process figures are of the code running this script)
        in_first = _median_s([first() for _ in range(repeat)])
        export_bytes("json", report, projects, settings=settings, derived=DerivedCache.beside(db))
        in_kept = _median_s([kept() for _ in range(repeat)])
        print(f"  in-process: first {in_first:6.2f}s   kept {in_kept:6.2f}s")
    _CPU.clear()
    proc_first = _median_s([process_first() for _ in range(repeat)])
    cpu_first = _median_s(_CPU)
    _process_s(code, db, out)  # leaves the cache (when the code keeps one)
    _CPU.clear()
    proc_kept = _median_s([_process_s(code, db, out) for _ in range(repeat)])
    cpu_kept = _median_s(_CPU)
    print(
        f"  process:    first {proc_first:6.2f}s   kept {proc_kept:6.2f}s   (target <= 1.5s)\n"
        f"  (processor: first {cpu_first:6.2f}s   kept {cpu_kept:6.2f}s)"
    )
    print(f"  (processes run the code in {code})")


def main() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated project counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format and size")
    parser.add_argument("--formats", default=",".join(EXPORT_FORMATS))
    parser.add_argument("--json-sizes", default="10000", help="sizes of the json export runs")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="the checkout the export processes run"
    )
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    compile_sources(args.code)  # (timed as installed: see bench/compiled.py)
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            bench(size, formats, args.repeat, Path(tmp))
        for size in (int(s) for s in args.json_sizes.split(",") if s):
            bench_json(size, args.repeat, Path(tmp), args.code.resolve())


if __name__ == "__main__":
    main()
