"""The JSON file against SQLite on the same synthetic projects: when to switch.

    .venv/bin/python bench/engine_bench.py [--sizes 10000,50000] [--dir DIR]

For each size one database is imported into the JSON file and copied to SQLite with
`db migrate` (the same documents in both). Medians in ms:

- open+list:  a new store on the database + projects() (what the app does before its list)
- edit:       one persisted save (set-status) on a store whose projects are all read, as the
              app's edit is, in-process
- edit cold:  the same on a store just opened, nothing read yet (the command line's case)
- process:    one `minsheng --db DB set-status ID STATUS` as a whole process
- start-up:   `minsheng --version`: the command line's bare start-up, the same for both
- process/start-up: the issue's target at 50,000 on SQLite: within 1.5x

Targets (issue 15), at 50,000 on SQLite: process <= 1.5x start-up, edit <= 20 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.compiled import compile_sources  # noqa: E402
from bench.synthetic import make_projects  # noqa: E402
from store.jsonfile import JSONFileStore, open_store  # noqa: E402
from store.migrate import migrate  # noqa: E402
from store.models import STATUSES  # noqa: E402

PROCESS_TARGET = 1.5
EDIT_TARGET_MS = 20.0


def _timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _cli(*args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return (time.perf_counter() - start) * 1000


def _next(status: str) -> str:
    return STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)]


def bench_engine(db: Path, reps: int) -> dict[str, float]:
    """Medians in ms for one database."""
    opens = [_timed(lambda: open_store(db, user="bench").projects()) for _ in range(3)]
    store = open_store(db, user="bench")
    projects = store.projects()
    ids = [p.id for p in projects]
    # The first write of the day keeps a backup of the whole database: not an edit's cost.
    store.set_status(ids[0], _next(store.get(ids[0]).status), source="bench")
    edits = []
    for rep in range(reps):
        pid = ids[(rep * 7919) % len(ids)]
        status = _next(store.get(pid).status)
        edits.append(_timed(lambda pid=pid, s=status: store.set_status(pid, s, source="bench")))
    colds = []
    for rep in range(5):
        pid = ids[(rep * 104729) % len(ids)]
        fresh = open_store(db, user="bench")
        status = _next(store.get(pid).status)
        colds.append(_timed(lambda f=fresh, pid=pid, s=status: f.set_status(pid, s, source="b")))
    processes = []
    for rep in range(5):
        pid = ids[(rep * 15485863) % len(ids)]
        store.refresh()
        processes.append(_cli("--db", str(db), "set-status", pid, _next(store.get(pid).status)))
    return {
        "open": _median(opens),
        "edit": _median(edits),
        "cold": _median(colds),
        "process": _median(processes),
        "mb": sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print one row per size and engine; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the databases")
    parser.add_argument("--edits", type=int, default=15, help="in-process edits per database")
    args = parser.parse_args(argv)
    compile_sources()  # (timed as installed: see bench/compiled.py)
    missed = []
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="minsheng-engines-") as tmp:
        folder = Path(tmp)
        startup = _median([_cli("--version") for _ in range(7)])
        print(f"medians in ms; folder {folder}; bare start-up (minsheng --version) {startup:.0f}")
        header = (
            f"{'projects':>8} {'engine':>7} {'MB':>7} {'open+list':>10} {'edit':>7} "
            f"{'edit cold':>10} {'process':>8} {'process/start-up':>17}"
        )
        print(header)
        print("-" * len(header))
        for n in [int(s) for s in args.sizes.split(",")]:
            json_db = folder / str(n) / "minsheng.json"
            JSONFileStore(json_db, user="bench").import_report(
                make_projects(n, seed=0), source="import:synthetic"
            )
            sqlite_db = json_db.with_suffix(".sqlite")
            migrate(json_db, sqlite_db)
            for engine, db in (("json", json_db), ("sqlite", sqlite_db)):
                row = bench_engine(db, args.edits)
                ratio = row["process"] / startup
                print(
                    f"{n:>8,} {engine:>7} {row['mb']:>7.1f} {row['open']:>10.0f} "
                    f"{row['edit']:>7.1f} {row['cold']:>10.1f} {row['process']:>8.0f} "
                    f"{ratio:>17.2f}",
                    flush=True,
                )
                if engine == "sqlite" and n == 50_000:
                    if ratio > PROCESS_TARGET:
                        missed.append(f"process at 50,000: {ratio:.2f}x start-up > 1.5x")
                    if row["edit"] > EDIT_TARGET_MS:
                        missed.append(f"edit at 50,000: {row['edit']:.1f} ms > 20 ms")
    print("targets: " + ("; ".join(missed) if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
