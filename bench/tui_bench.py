"""Benchmark the app as a person meets it: a real process in a pseudo-terminal.

For synthetic databases of 50 (the seed's size), 1,000 and 10,000 projects, prints medians of:
- start: process start to the first screen showing project rows;
- search key: one keystroke typed into the search box to the end of the repaint it causes;
- pinyin key: the same for Latin input (``nongcun``), matched against the pinyin of every
  field search covers;
- clear: clearing the search (all rows back) to the end of the repaint;
- page: PageDown in the table to the end of the repaint;
- status edit: the key that saves a 工作成效 (a pick in the picker, or Enter past the reason
  滞后 asks for) to the end of the repaint that shows it saved (the picker closing, the save
  in its worker, the row patched, the notice).

A repaint "ends" when the terminal has received output and then none for QUIET seconds; the
figure is the time of the last byte of that burst, so the quiet wait itself is not counted.

    python bench/tui_bench.py [--sizes 50,1000,10000] [--runs 5] [--engine json|sqlite]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compiled import compile_sources  # noqa: E402
from bench.synthetic import make_projects  # noqa: E402
from store.jsonfile import open_store  # noqa: E402

COLS, ROWS = 120, 36
QUIET = 0.15
#: seconds between the first rows and the first key: the figures are the app's steady state,
#: after the workers that read every project, prepare search text, pinyin and the 序时
#: classes have finished (10,000 projects: about 2 s of them, counted from the first screen,
#: which shows before the rest is read; keys typed meanwhile share the two cores)
SETTLE = 4.0


class Terminal:
    """The app running in a pseudo-terminal of COLS x ROWS."""

    def __init__(self, db: Path, state: Path) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the app
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            env = dict(
                os.environ,
                TERM="xterm-256color",
                COLORTERM="truecolor",
                LANG="C.UTF-8",
                XDG_STATE_HOME=str(state),
            )
            os.execvpe(sys.executable, [sys.executable, "-m", "tui", "--db", str(db)], env)
        self.pid, self.fd = pid, fd
        self.screen = b""

    def read_until(self, needle: bytes, timeout: float = 30.0) -> float:
        """Read until ``needle`` appears; the time it arrived."""
        deadline = time.perf_counter() + timeout
        while needle not in self.screen:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{needle!r} not seen")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                self.screen += os.read(self.fd, 1 << 20)
        return time.perf_counter()

    def drain(self) -> None:
        """Swallow pending output (e.g. from earlier keys)."""
        while select.select([self.fd], [], [], QUIET)[0]:
            os.read(self.fd, 1 << 20)

    def key(self, data: bytes) -> float:
        """Type ``data``; seconds until the last byte of the repaint it caused."""
        self.drain()
        sent = time.perf_counter()
        os.write(self.fd, data)
        last = None
        wait = 5.0  # the first output may take a while; after it, QUIET ends the burst
        while True:
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                break
            os.read(self.fd, 1 << 20)
            last = time.perf_counter()
            wait = QUIET
        if last is None:
            raise TimeoutError(f"no repaint after {data!r}")
        return last - sent

    def close(self) -> None:
        """End the app."""
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def bench_size(n: int, runs: int, workdir: Path, suffix: str = ".json") -> dict[str, float]:
    """Medians in milliseconds for one database size (a JSON file, or SQLite by ``suffix``)."""
    db = workdir / f"db-{n}{suffix}"
    if not db.exists():
        open_store(db, user="bench").import_report(make_projects(n), source="bench")
    first_id = b"X01"
    starts, searches, latin, clears, pages, edits = [], [], [], [], [], []
    for run in range(runs):
        state = workdir / f"state-{n}-{run}"
        term = Terminal(db, state)
        starts.append(term.read_until(first_id) - term.started)
        time.sleep(SETTLE)  # the background preparation (search text, pinyin, 序时) done
        term.drain()
        for _ in range(3):
            pages.append(term.key(b"\x1b[6~"))  # PageDown
        term.key(b"/")
        for char in "农村":
            searches.append(term.key(char.encode()))
        for _ in range(2):
            term.key(b"\x7f")  # backspace back to an empty search: all rows
        for char in "nongcun":
            latin.append(term.key(char.encode()))
        for _ in range(7):
            term.key(b"\x7f")
        term.key(b"\x1b")
        term.key(b"/")
        term.key("项".encode())
        clears.append(term.key(b"\x7f"))
        term.key(b"\x1b")  # out of the search box: the table has the cursor (on X01)
        for n_edit in range(3):
            term.key(b"s")  # the status picker
            if n_edit % 2 == 0:
                term.key(b"3")  # 滞后: asks for a reason
                took = term.key(b"\r")  # none given: saved, repainted
            else:
                took = term.key(b"1")  # 推进正常: saved, repainted
            if n_edit:  # (the first save of a process also takes the day's backup)
                edits.append(took)
        term.close()
    return {
        "start": statistics.median(starts) * 1000,
        "search key": statistics.median(searches) * 1000,
        "pinyin key": statistics.median(latin) * 1000,
        "clear": statistics.median(clears) * 1000,
        "page": statistics.median(pages) * 1000,
        "status edit": statistics.median(edits) * 1000,
    }


def main() -> None:
    """Run the benchmark and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine", choices=("json", "sqlite"), default="json")
    args = parser.parse_args()
    compile_sources()  # (timed as installed: see bench/compiled.py)
    suffix = ".sqlite" if args.engine == "sqlite" else ".json"
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"terminal {COLS}x{ROWS}, {args.engine}, medians of {args.runs} runs, milliseconds")
        print(
            f"{'projects':>9} {'start':>9} {'search key':>11} {'pinyin key':>11} {'clear':>9} "
            f"{'page':>9} {'status edit':>12}"
        )
        for n in sizes:
            r = bench_size(n, args.runs, Path(tmp), suffix)
            print(
                f"{n:>9} {r['start']:>9.0f} {r['search key']:>11.1f} {r['pinyin key']:>11.1f} "
                f"{r['clear']:>9.1f} {r['page']:>9.1f} {r['status edit']:>12.1f}",
                flush=True,
            )
        print(
            "targets: 10,000 projects: search key and pinyin key <= 60, start <= 1000, page <= 20;"
            " 49-50 projects: start <= 700"
        )


if __name__ == "__main__":
    main()
