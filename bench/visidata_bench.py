"""minsheng against VisiData on the same projects, in one run: the figures of issue 15.

    python bench/visidata_bench.py [--sizes 10000,50000] [--runs 3] [--dir FOLDER]

VisiData is installed in the bench's own environment, bench/.venv-visidata (made with
``python -m venv`` and ``pip install visidata openpyxl`` when it is missing). For synthetic
databases (bench/synthetic.py: the bundled report's text lengths) it prints medians of paired
runs (minsheng, then VisiData, in turn), each a whole process:

- JSON export: ``minsheng export --format json`` against ``vd -b data.csv -o out.json``, the CSV
  being minsheng's own ``export --format csv`` of the same database (``--skip 1``: VisiData
  reads past the CSV's title row, so that its header is the report's; the same work);
- xlsx export: ``minsheng export --format xlsx`` against ``vd -b data.csv -o out.xlsx``;
- peak memory with the first rows on screen: both apps started in a pseudo-terminal of 120x36
  (``minsheng --db DB``, ``vd data.csv``), VmHWM of the process read from /proc when its first
  rows are on screen (minsheng: the first project's id; VisiData: the first project's name);
- start to first rows, in the same runs; at each size.

The export and memory figures are measured at the first of ``--sizes``, the start at each.
Each figure is printed with the ratio minsheng / VisiData and its target.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compiled import compile_sources  # noqa: E402
from bench.synthetic import make_projects  # noqa: E402
from store.derived import keep_derived  # noqa: E402
from store.jsonfile import open_store  # noqa: E402

VENV = ROOT / "bench" / ".venv-visidata"
VD = VENV / "bin" / "vd"
COLS, ROWS = 120, 36
#: minsheng / VisiData at most, per figure (issue 15, "Done when").
TARGETS = {"json": 2.0, "xlsx": 1.0, "memory": 2.0, "start": 1.2, "start-large": 2.0}


def ensure_visidata() -> None:
    """Make bench/.venv-visidata with VisiData (and openpyxl, for its xlsx) if it is missing."""
    if VD.exists():
        return
    print(f"installing VisiData into {VENV.relative_to(ROOT)} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "visidata", "openpyxl"], check=True)


def minsheng(*args: str | Path) -> list[str]:
    """The command line of ``minsheng ARGS`` run from this checkout."""
    return [sys.executable, "-m", "tui", *map(str, args)]


def environment(home: Path) -> dict[str, str]:
    """Both apps' environment: this checkout first on the path, a home and state of their own
    (no user configuration, history or first-run note from elsewhere)."""
    return dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        HOME=str(home),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CONFIG_HOME=str(home / "config"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
    )


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Seconds the whole process takes; its failure stops the bench."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode(errors='replace')}")
    return took


class Screen:
    """An app running in a pseudo-terminal of COLS x ROWS."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the app
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.output = b""

    def first_rows(self, needle: bytes, timeout: float = 60.0) -> tuple[float, int]:
        """Seconds from the start until ``needle`` is on screen, and the process's peak
        resident memory (VmHWM, bytes) then."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{needle.decode()!r} not seen")
            if select.select([self.fd], [], [], remaining)[0]:
                try:
                    self.output += os.read(self.fd, 1 << 20)
                except OSError:  # the app ended
                    raise SystemExit(self.output.decode(errors="replace")[-2000:]) from None
        seen = time.perf_counter()
        return seen - self.started, self.peak_memory()

    def peak_memory(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    def close(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def prepare(n: int, folder: Path, env: dict[str, str]) -> tuple[Path, Path, str]:
    """A database of ``n`` synthetic projects, minsheng's CSV export of it, and the name of
    its first project (kept in ``folder`` between runs of the bench)."""
    db = folder / f"db-{n}.json"
    data = folder / f"data-{n}.csv"
    if not db.exists():
        print(f"making a database of {n:,} projects ...", flush=True)
        store = open_store(db, user="bench")
        store.import_report(make_projects(n), source="bench")
        # As `minsheng import` does: what the texts say is read once, kept beside the file.
        keep_derived(store)
    if not data.exists():
        timed(minsheng("--db", db, "export", "--format", "csv", "-o", data), env)
    with data.open(encoding="utf-8-sig", newline="") as file:
        rows = csv.reader(file)
        next(rows), next(rows)  # the title, the header
        first = next(rows)[2]  # 项目名称 of the first project
    return db, data, first


def paired(
    runs: int, ours: Callable[[], float], theirs: Callable[[], float]
) -> tuple[float, float]:
    """Medians of ``runs`` paired runs."""
    a, b = [], []
    for _ in range(runs):
        a.append(ours())
        b.append(theirs())
    return statistics.median(a), statistics.median(b)


def on_screen(argv: list[str], env: dict[str, str], needle: bytes) -> tuple[float, int]:
    screen = Screen(argv, env)
    try:
        return screen.first_rows(needle)
    finally:
        screen.close()


def main() -> None:
    """Run the figures and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000", help="comma-separated project counts")
    parser.add_argument("--runs", type=int, default=3, help="paired runs per figure")
    parser.add_argument("--dir", type=Path, help="keep the databases here (default: temporary)")
    args = parser.parse_args()
    compile_sources()  # (timed as installed: see bench/compiled.py)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    ensure_visidata()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        home = Path(tmp) / "home"
        home.mkdir()
        env = environment(home)
        out = Path(tmp)
        rows: list[tuple[str, str, float, float, float]] = []  # figure, unit, ours, theirs, target
        for index, n in enumerate(sizes):
            db, data, first = prepare(n, folder, env)

            def vd(*options: str | Path, data: Path = data) -> list[str]:
                return [str(VD), *map(str, options), "--skip", "1", str(data)]

            def export(fmt: str, db: Path = db) -> float:
                target = out / f"minsheng.{fmt}"
                return timed(
                    minsheng("--db", db, "export", "--format", fmt, "-o", target, "--force"), env
                )

            if index == 0:
                for fmt, label in (("json", "JSON"), ("xlsx", "xlsx")):
                    medians = paired(
                        args.runs,
                        lambda fmt=fmt: export(fmt),
                        lambda fmt=fmt: timed(vd("-b", "-o", out / f"visidata.{fmt}"), env),
                    )
                    rows.append((f"{label} export, {n:,}", "s", *medians, TARGETS[fmt]))
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(on_screen(minsheng("--db", db), env, b"X01"))
                theirs.append(on_screen(vd(), env, first.encode()[:12]))
            if index == 0:
                memory = [statistics.median(m for _t, m in runs) / 2**20 for runs in (ours, theirs)]
                rows.append((f"peak memory, first rows, {n:,}", "MiB", *memory, TARGETS["memory"]))
            start = [statistics.median(t for t, _m in runs) * 1000 for runs in (ours, theirs)]
            target = TARGETS["start"] if n <= 10_000 else TARGETS["start-large"]
            rows.append((f"start to first rows, {n:,}", "ms", *start, target))
            print(f"{n:,} projects measured", flush=True)
    version = subprocess.run([str(VD), "--version"], capture_output=True, text=True).stdout
    print(f"\nminsheng against {version.strip() or 'VisiData'}, medians of {args.runs} paired runs")
    print(f"{'figure':34} {'minsheng':>12} {'VisiData':>12} {'ratio':>7} {'target':>8}")
    for figure, unit, a, b, target in rows:
        ratio = a / b
        mark = "ok" if ratio <= target else "over"
        shown = "{:>9.2f} {}" if unit == "s" else "{:>9.0f} {}"
        print(
            f"{figure:34} {shown.format(a, unit):>12} {shown.format(b, unit):>12} "
            f"{ratio:>6.2f}x {'<= ' + format(target, '.1f') + 'x':>8} {mark}"
        )


if __name__ == "__main__":
    main()
