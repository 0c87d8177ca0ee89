"""How fast the store imports, opens and persists an edit, beside what any atomic JSON store pays.

    .venv/bin/python bench/store_bench.py [--sizes 50,1000,10000] [--dir DIR]

For synthetic reports (bench/synthetic.py: the bundled report's text lengths) of each size it
prints medians of several repetitions:

- import:    a new ProjectStore on a new file + import_report of the whole report
- open+list: a new ProjectStore on the file + projects()
- edit:      one persisted set_status on an open store
- floor:     json.dumps of the same data + write and fsync that many bytes to a file in the same
             folder + os.replace + fsync of the folder: the least any atomic JSON store pays for
             one persisted change
- read:      reading the file + json.loads: the least any JSON store pays to open

Targets: edit at 1,000 projects <= 20 ms; edit at 10,000 within 1.5x the floor.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import make_projects
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import STATUSES

REPETITIONS = {50: (9, 9, 31), 1_000: (5, 7, 21), 10_000: (3, 5, 9)}  # import, open, edit
EDIT_TARGET_MS_AT_1000 = 20.0
EDIT_TARGET_RATIO_AT_10000 = 1.5


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def floor_write(folder: Path, data: object) -> float:
    """Seconds to encode ``data`` as JSON and replace a file with it atomically and durably."""
    target = folder / "floor.json"
    tmp = folder / "floor.json.tmp"

    def write() -> None:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    return _timed(write)


def floor_read(path: Path) -> float:
    """Seconds to read a JSON file and parse it."""
    return _timed(lambda: json.loads(path.read_bytes()))


def bench_size(n: int, folder: Path) -> dict[str, float]:
    """Medians in ms for one report size."""
    parsed = make_projects(n, seed=0)
    reps_import, reps_open, reps_edit = REPETITIONS.get(n, (3, 5, 9))

    imports = []
    for rep in range(reps_import):
        path = folder / f"import-{n}-{rep}.json"

        def do_import(path: Path = path) -> None:
            ProjectStore(path, user="bench").import_report(parsed, source="import:synthetic")

        imports.append(_timed(do_import))
        if rep:
            path.unlink()
            path.with_name(path.name + ".lock").unlink()
    db = folder / f"import-{n}-0.json"

    opens = [_timed(lambda: ProjectStore(db, user="bench").projects()) for _ in range(reps_open)]

    store = ProjectStore(db, user="bench")
    projects = store.projects()
    edits = []
    for rep in range(reps_edit):
        project = projects[(rep * 7919) % len(projects)]
        status = STATUSES[(STATUSES.index(store.get(project.id).status) + 1) % len(STATUSES)]
        edits.append(
            _timed(lambda pid=project.id, s=status: store.set_status(pid, s, source="bench"))
        )

    data = json.loads(db.read_bytes())
    floors = [floor_write(folder, data) for _ in range(max(5, reps_edit // 2))]
    reads = [floor_read(db) for _ in range(reps_open)]
    return {
        "projects": n,
        "mb": db.stat().st_size / 1e6,
        "import": _median_ms(imports),
        "open": _median_ms(opens),
        "read": _median_ms(reads),
        "edit": _median_ms(edits),
        "floor": _median_ms(floors),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per size; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,1000,10000")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the files")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="minsheng-bench-") as tmp:
        folder = Path(tmp)
        header = (
            f"{'projects':>8} {'file MB':>8} {'import':>9} {'open+list':>10} {'read':>8} "
            f"{'open/read':>9} {'edit':>8} {'floor':>8} {'edit/floor':>10}"
        )
        print(f"medians in ms; folder {folder}")
        print(header)
        print("-" * len(header))
        rows = []
        for n in sizes:
            row = bench_size(n, folder)
            rows.append(row)
            print(
                f"{n:>8,} {row['mb']:>8.2f} {row['import']:>9.1f} {row['open']:>10.1f} "
                f"{row['read']:>8.1f} {row['open'] / row['read']:>9.2f} {row['edit']:>8.1f} "
                f"{row['floor']:>8.1f} {row['edit'] / row['floor']:>10.2f}",
                flush=True,
            )
    missed = []
    for row in rows:
        if row["projects"] == 1_000 and row["edit"] > EDIT_TARGET_MS_AT_1000:
            missed.append(f"edit at 1,000: {row['edit']:.1f} ms > {EDIT_TARGET_MS_AT_1000} ms")
        if row["projects"] == 10_000 and row["edit"] > EDIT_TARGET_RATIO_AT_10000 * row["floor"]:
            missed.append(f"edit at 10,000: {row['edit'] / row['floor']:.2f}x the floor > 1.5x")
    print("targets: " + ("; ".join(missed) if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
