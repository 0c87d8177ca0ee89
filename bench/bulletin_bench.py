"""How long the 通报 of many projects takes: computing it, and writing it as docx, md and html.

    .venv/bin/python bench/bulletin_bench.py [--sizes 1000,10000] [--repeat 3]

For each size, two reports are imported into a JSON store in a temporary folder:

- synthetic: bench/synthetic.py's ``make_projects`` (the bundled report's text lengths, random
  text with few quantities: most projects 未判定, short 附件);
- bundled:   the bundled report's 49 projects repeated, each copy's texts made unique (real
  plans and progress full of quantities: about a third of the projects in the 附件 tables).

It prints the median of several runs of:

- compute: ``compute_bulletin`` over all projects, 序时 included ("cold": the indicator cache
  cleared first, as after an import; "warm": again on the same texts, as after `schedule`);
- md, html, docx: ``bulletin_bytes`` of that bulletin, and the file's size.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store`, `importers` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.schedule_bench import _letters
from bench.synthetic import make_projects
from importers.report import read_report
from store.bulletin import BULLETIN_FORMATS, bulletin_bytes, compute_bulletin
from store.jsonfile import open_store
from store.models import ParsedReport, ProjectRecord
from store.schedule import clear_cache

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "lanling-2023-h1.md"
DAY = date(2023, 7, 1)


def synthetic(n: int) -> ParsedReport:
    """n projects shaped like the bundled report (bench/synthetic.py)."""
    return make_projects(n)


def bundled(n: int) -> ParsedReport:
    """The bundled report's rows repeated to n, numbered on, each copy's texts unique."""
    parsed = read_report(BUNDLED)
    seed = parsed.records
    records = []
    numbers: dict[str, int] = {}
    for index in range(n):
        base = seed[index % len(seed)]
        number = numbers[base.table] = numbers.get(base.table, 0) + 1
        tag = "（" + _letters(index) + "）"  # no digit: reads no quantity, makes the text new
        fields = dict(base.fields)
        for key in ("target", "plan", "progress"):
            fields[key] = fields.get(key, "") + tag
        records.append(ProjectRecord(base.table, number, fields, dict(base.extra), index + 6))
    return ParsedReport(report=parsed.report, records=records, columns=parsed.columns)


def _median(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench(maker: Callable[[int], ParsedReport], n: int, repeat: int, folder: Path) -> None:
    """Print one line for ``n`` projects of one report."""
    store = open_store(folder / f"{maker.__name__}-{n}.json")
    store.import_report(maker(n), source="import:bench")
    projects = store.projects()

    def compute_cold() -> object:
        clear_cache()
        return compute_bulletin(store, projects, DAY)

    cold = _median(compute_cold, repeat)
    warm = _median(lambda: compute_bulletin(store, projects, DAY), repeat)
    bulletin = compute_bulletin(store, projects, DAY)
    line = f"{maker.__name__:<10} {n:>8,} {cold:>8.2f}s {warm:>8.2f}s"
    for fmt in BULLETIN_FORMATS:
        seconds = _median(partial(bulletin_bytes, fmt, bulletin), repeat)
        size = len(bulletin_bytes(fmt, bulletin))
        line += f" {seconds:>8.2f}s {size / 1e6:>6.2f}MB"
    rows = len(bulletin.behind) + len(bulletin.on_plan)
    print(line + f" {rows:>7,}")
    clear_cache()


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    formats = "".join(f" {name:>9} {'size':>7}" for name in BULLETIN_FORMATS)
    print(f"{'report':<10} {'projects':>8} {'cold':>9} {'warm':>9}{formats} {'附件rows':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for maker in (synthetic, bundled):
            for size in sizes:
                bench(maker, size, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
