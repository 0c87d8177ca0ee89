"""Reliability figures: killed writers and exports, writers at once, conflicting saves, the
file system's surprises (a symlinked database, a deleted lock file, FIFO targets), imports past
their limits, hostile text.

Prints, for this machine:
- crash trials: a writer process (edits, dated updates, imports with their backups) is killed
  with SIGKILL at a random moment; after each kill the file must open, pass `db check`, and
  hold exactly the acknowledged edits (or one more: the kill fell between the write and its
  acknowledgement). Backups must all pass the check too.
- concurrent writers: processes editing the same file at once (own projects, shared projects,
  dated updates); every edit must be in the file afterwards. Stock TinyDB under the same kind of
  load is measured for comparison.
- conflicting saves: two processes read the same revision and save at the same moment; one must
  be told of the conflict, never both succeed.
- killed exports: a process writing snapshots is killed at random moments; at the next run no
  temporary file is left, every snapshot file is in the index (rebuilt from the file when its
  writer died before recording it), and every acknowledged snapshot is recorded.
- a symlinked database: writers through the link and through the real path at once; every
  edit lands in the real file and the link stays a link.
- the lock file deleted: writers edit while this process deletes the lock file again and again;
  no acknowledged edit may be lost.
- a partial-column import: a status-only sheet changes 工作成效 of its project and nothing else.
- oversized xlsx: one 300 MB cell, a million rows, 25,000 rows: refused, within a bound of time
  and of the importing process's peak RSS (wait4's rusage of that child).
- export targets: `export -o` onto a FIFO, a device, a link to a FIFO: refused, nothing replaced.
- hostile payloads: markup, `[@click=...]`, OSC 52, CSI, C1, bidi (overrides, isolates, U+061C,
  U+200F), NUL, a 100,000-character string... planted raw in a database file, then shown
  through every screen, dialog and notification of the app (rendered in-process, and the real
  app's output bytes read from a pseudo-terminal), the command line's tables and JSON, `diff`
  of a hand-made snapshot (also `--json`), `snapshots` of a hostile index (also `--json`), and
  every export format.

    python bench/reliability.py [--quick] [--kills N] [--writers N] [--edits N]
                                [--conflicts N] [--export-kills N] [--link-edits N]
                                [--lock-edits N] [--seed N] [--engine json|sqlite|both]

The crash trials, concurrent writers, conflicting saves and the symlinked database run on the
store --engine names (the JSON file by default; SQLite by a database named .sqlite; both);
the deleted lock file is the JSON file's own (SQLite's lock is not a file).

Linux only (fork, SIGKILL, pseudo-terminals). Exit status 1 if any figure is not zero.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import os
import pty
import random
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import make_projects  # noqa: E402
from store.backup import list_backups  # noqa: E402
from store.documents import DocumentStore  # noqa: E402
from store.interface import ConflictError, LockLostError  # noqa: E402
from store.jsonfile import open_store  # noqa: E402
from store.migrate import check_any as check_database  # noqa: E402
from store.models import STATUSES, ParsedReport, ProjectRecord, Report, clean_text  # noqa: E402
from store.sqlitestore import SQLiteStore, is_sqlite_path  # noqa: E402

# Characters that must never reach a terminal from the data: C0 but tab and newline, DEL, C1,
# bidi embeddings, overrides and isolates, the Arabic letter mark and the right-to-left mark,
# the BOM, lone surrogates.
FORBIDDEN_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


#: The stores the engine-specific parts (kills, writers at once, conflicts, a link, a deleted
#: lock file) run on, by the database's name; the other parts use the JSON file.
ENGINES = {"json": "minsheng.json", "sqlite": "minsheng.sqlite"}


def _open(path: Path, **options: Any) -> DocumentStore:
    """The store of the database at ``path``: the JSON file, or SQLite by its suffix."""
    return open_store(path, **options)


def _next_status(status: str) -> str:
    return STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)] if status in STATUSES else "滞后"


def _seed_db(path: Path, n: int) -> DocumentStore:
    store = _open(path, user="bench")
    store.import_report(make_projects(n, seed=7), source="import:synthetic")
    return store


def _read_lines(fd: int, buffer: bytearray, timeout: float) -> list[str]:
    """Complete lines that arrived on ``fd`` within ``timeout`` seconds (the rest stays)."""
    if select.select([fd], [], [], timeout)[0]:
        chunk = os.read(fd, 65536)
        buffer.extend(chunk if chunk else b"")
    lines = []
    while b"\n" in buffer:
        line, _, rest = bytes(buffer).partition(b"\n")
        buffer[:] = rest
        lines.append(line.decode())
    return lines


def _fork(child: Callable[[], None]) -> int:
    """Run ``child`` in a forked process that never returns into the caller's code."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            child()
        except BaseException:  # noqa: BLE001 - reported through the exit status
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


# --- crash trials ----------------------------------------------------------------------------


@dataclass
class Model:
    """What the database must hold after a number of the crash writer's operations."""

    progress: dict[str, str]
    status: dict[str, str]
    updates: dict[str, list[str]]
    revision: dict[str, int]
    created: set[str] = field(default_factory=set)
    ops: int = 0

    @classmethod
    def of(cls, store: DocumentStore) -> Model:
        """The model of the database as it is."""
        projects = store.projects()
        return cls(
            progress={p.id: p.progress for p in projects},
            status={p.id: p.status for p in projects},
            updates={p.id: [u.text for u in p.updates] for p in projects},
            revision={p.id: p.revision for p in projects},
            created={p.id for p in projects if p.table == "新增"},
        )


def _crash_op(store: DocumentStore | None, model: Model | None, i: int, ids: list[str]) -> None:
    """Operation ``i`` of the crash writer: on the store (the writer) or on the model (the
    checker). Each operation records exactly one change in history."""
    pid = ids[i % len(ids)]
    kind = i % 5
    if kind in (0, 3):
        if store is not None:
            store.update_fields(pid, {"progress": f"op {i}"}, source="crash", note=f"op {i}")
        if model is not None:
            model.progress[pid] = f"op {i}"
            model.revision[pid] += 1
    elif kind == 1:
        if store is not None:
            new = _next_status(store.get(pid).status)
            store.set_status(pid, new, source="crash", note=f"op {i}")
        if model is not None:
            model.status[pid] = _next_status(model.status[pid])
            model.revision[pid] += 1
    elif kind == 2:
        if store is not None:
            store.add_update(pid, "2023-07", f"op {i}", source="crash")
        if model is not None:
            model.updates[pid].append(f"op {i}")
            model.revision[pid] += 1
    else:  # an import of one new project: keeps a backup first
        record = ProjectRecord(
            table="新增", number=i, fields={"name": f"新项目 {i}", "status": "未启动"}
        )
        if store is not None:
            store.import_report(ParsedReport(Report(), [record]), source=f"import:op-{i}")
        if model is not None:
            from store.models import project_id

            new_id = project_id("新增", i)
            model.created.add(new_id)
            model.progress[new_id], model.status[new_id] = "", "未启动"
            model.updates[new_id], model.revision[new_id] = [], 1
    if model is not None:
        model.ops += 1


def _crash_writer(store: DocumentStore, start: int, ids: list[str], ack_fd: int) -> None:
    if isinstance(store, SQLiteStore):  # a connection is not carried across fork: a new one
        store = SQLiteStore(store.path, user=store.user)
    os.write(ack_fd, b"ready\n")
    i = start
    while True:
        _crash_op(store, None, i, ids)
        os.write(ack_fd, f"{i}\n".encode())
        i += 1


def _differences(model: Model, store: DocumentStore) -> list[str]:
    now = Model.of(store)
    problems = []
    for name in ("progress", "status", "updates", "revision", "created"):
        if getattr(now, name) != getattr(model, name):
            problems.append(name)
    return problems


def crash_trials(
    trials: int, workdir: Path, seed: int, max_delay: float = 0.04, engine: str = "json"
) -> dict[str, Any]:
    """SIGKILL a writer at random moments; count files that break or lose acknowledged edits."""
    rng = random.Random(seed)
    db = workdir / f"crash-{engine}" / ENGINES[engine]
    store = _seed_db(db, 30)
    ids = [p.id for p in store.projects()]
    model = Model.of(store)
    baseline_history = len(store.history())
    unreadable = wrong = mid_write = backup_kills = 0
    started = time.perf_counter()
    for _trial in range(trials):
        read_fd, write_fd = os.pipe()
        first = model.ops
        pid = _fork(partial(_crash_writer, store, first, ids, write_fd))
        os.close(write_fd)
        buffer = bytearray()
        acked = model.ops
        lines: list[str] = []
        while "ready" not in lines:
            lines += _read_lines(read_fd, buffer, 5.0)
        time.sleep(rng.uniform(0.0, max_delay))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):  # the writer is gone: read to the end
            buffer.extend(chunk)
        os.close(read_fd)
        lines += bytes(buffer).decode().split("\n")[:-1]  # an unfinished line is no ack
        numbers = [int(x) for x in lines if x.isdigit()]
        if numbers:
            acked = numbers[-1] + 1  # operations acknowledged so far
        mid_write += any(p.name.endswith(".tmp") for p in db.parent.iterdir())
        backups = db.parent / "backups"
        backup_kills += backups.is_dir() and any(p.name.endswith(".tmp") for p in backups.iterdir())
        try:
            if not is_sqlite_path(db):
                json.loads(db.read_bytes())
            fresh = _open(db, user="checker")
            applied = baseline_history + model.ops
            done = model.ops + len(fresh.history()) - applied
        except Exception:  # noqa: BLE001 - counted
            unreadable += 1
            break
        if not check_database(db).ok:
            unreadable += 1
        if done not in (acked, acked + 1):
            wrong += 1
            break
        while model.ops < done:
            _crash_op(None, model, model.ops, ids)
        if _differences(model, fresh):
            wrong += 1
            break
        store = fresh
    broken_backups = sum(not check_database(b).ok for b in list_backups(db))
    # The next run (one ordinary save in a new process's store) removes what the kills left.
    _open(db, user="next").update_fields(ids[0], {"progress": "next run"}, source="crash")
    backups = db.parent / "backups"
    folders = [db.parent, backups] if backups.is_dir() else [db.parent]
    temp_left = sum(p.name.endswith(".tmp") for folder in folders for p in folder.iterdir())
    return {
        "trials": trials,
        "unreadable": unreadable,
        "wrong": wrong,
        "mid_write": mid_write,
        "backup_kills": backup_kills,
        "edits": model.ops,
        "backups": len(list_backups(db)),
        "broken_backups": broken_backups,
        "temp_left": temp_left,
        "seconds": time.perf_counter() - started,
    }


# --- concurrent writers ----------------------------------------------------------------------


def _concurrent_worker(db: Path, worker: int, workers: int, edits: int, go_fd: int) -> None:
    store = _open(db, user=f"w{worker}")
    ids = [p.id for p in store.projects()]
    own = ids[worker::workers]
    rng = random.Random(worker)
    os.read(go_fd, 1)
    for j in range(edits):
        tag = f"w{worker} e{j}"
        kind = j % 3
        if kind == 0:
            store.add_update(rng.choice(ids), "2023-07", tag, source="bench")
        elif kind == 1:
            store.update_fields(own[j % len(own)], {"progress": tag}, source="bench", note=tag)
        else:  # the same four projects for every worker: real contention
            store.update_fields(ids[j % 4], {"target": tag}, source="bench", note=tag)


def concurrent_writers(
    workers: int, edits: int, workdir: Path, engine: str = "json"
) -> dict[str, Any]:
    """``workers`` processes x ``edits`` mixed edits at once; count edits missing afterwards."""
    db = workdir / f"concurrent-{engine}" / ENGINES[engine]
    _seed_db(db, 40)
    go_read, go_write = os.pipe()
    pids = [
        _fork(partial(_concurrent_worker, db, w, workers, edits, go_read)) for w in range(workers)
    ]
    time.sleep(0.3)
    started = time.perf_counter()
    os.write(go_write, b"g" * workers)
    failed = sum(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0 for pid in pids)
    seconds = time.perf_counter() - started
    os.close(go_read)
    os.close(go_write)
    store = _open(db, user="checker")
    projects = store.projects()
    history = store.history()
    notes = {c.note for c in history if c.note}
    update_texts = [u.text for p in projects for u in p.updates]
    lost = 0
    for worker in range(workers):
        own = [p.id for p in projects][worker::workers]
        last_progress: dict[str, str] = {}
        for j in range(edits):
            tag = f"w{worker} e{j}"
            if j % 3 == 0:
                lost += update_texts.count(tag) != 1
            else:
                lost += tag not in notes
                if j % 3 == 1:
                    last_progress[own[j % len(own)]] = tag
        by_id = {p.id: p for p in projects}
        lost += sum(by_id[pid].progress != tag for pid, tag in last_progress.items())
    ids = [c.id for c in history]
    return {
        "workers": workers,
        "edits": workers * edits,
        "lost": lost,
        "failed": failed,
        "duplicate_history_ids": len(ids) - len(set(ids)),
        "ok": check_database(db).ok,
        "seconds": seconds,
    }


def _stock_tinydb_worker(path: Path, worker: int, edits: int, go_fd: int) -> None:
    from tinydb import TinyDB

    os.read(go_fd, 1)
    errors = 0
    for j in range(edits):
        try:
            with TinyDB(path) as db:
                db.insert({"worker": worker, "edit": j})
        except Exception:  # noqa: BLE001 - a half-written file, as stock TinyDB leaves it
            errors += 1
    os._exit(min(errors, 255))


def stock_tinydb(workers: int, edits: int, workdir: Path) -> dict[str, Any]:
    """The same kind of load on stock TinyDB (JSONStorage, no lock), for comparison."""
    from tinydb import TinyDB

    path = workdir / "stock" / "db.json"
    path.parent.mkdir(parents=True)
    TinyDB(path).close()
    go_read, go_write = os.pipe()
    pids = [_fork(partial(_stock_tinydb_worker, path, w, edits, go_read)) for w in range(workers)]
    time.sleep(0.2)
    os.write(go_write, b"g" * workers)
    errors = sum(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids)
    os.close(go_read)
    os.close(go_write)
    try:
        with TinyDB(path) as db:
            kept = len(db.all())
        readable = True
    except Exception:  # noqa: BLE001 - the file itself is broken
        kept, readable = 0, False
    return {
        "edits": workers * edits,
        "lost": workers * edits - kept,
        "errors": errors,
        "readable": readable,
    }


# --- conflicting saves -----------------------------------------------------------------------


def _conflict_worker(db: Path, name: str, commands: int, answers: int, pid_: str) -> None:
    store = _open(db, user=name)
    buffer = bytearray()
    while True:
        for line in _read_lines(commands, buffer, 10.0):
            if line == "read":
                revision = store.get(pid_).revision
                os.write(answers, f"rev {revision}\n".encode())
            elif line.startswith("save"):
                round_ = line.split()[1]
                try:
                    store.update_fields(
                        pid_,
                        {"progress": f"{name} {round_}"},
                        source="bench",
                        expected_revision=revision,
                    )
                    os.write(answers, b"saved\n")
                except ConflictError:
                    os.write(answers, b"conflict\n")
            elif line == "quit":
                return


def conflicting_saves(rounds: int, workdir: Path, engine: str = "json") -> dict[str, Any]:
    """Two processes save the same project from the same revision at once, ``rounds`` times."""
    db = workdir / f"conflicts-{engine}" / ENGINES[engine]
    _seed_db(db, 5)
    target = "X01"
    pipes = []
    pids = []
    for name in ("A", "B"):
        c_read, c_write = os.pipe()
        a_read, a_write = os.pipe()
        pids.append(_fork(partial(_conflict_worker, db, name, c_read, a_write, target)))
        pipes.append((c_write, a_read, bytearray()))

    def ask(line: str) -> list[str]:
        for c_write, _a, _b in pipes:
            os.write(c_write, f"{line}\n".encode())
        answers = []
        for _c, a_read, buffer in pipes:
            got: list[str] = []
            while not got:
                got = _read_lines(a_read, buffer, 10.0)
            answers.append(got[0])
        return answers

    refused = overwritten = both_refused = wrong_value = stale_reads = 0
    started = time.perf_counter()
    for n in range(rounds):
        revisions = ask("read")
        stale_reads += revisions[0] != revisions[1]
        results = ask(f"save {n}")
        saved = [name for name, r in zip("AB", results, strict=True) if r == "saved"]
        refused += results.count("conflict")
        if len(saved) == 2:
            overwritten += 1
        elif not saved:
            both_refused += 1
        else:
            now = _open(db, user="checker").get(target).progress
            wrong_value += now != f"{saved[0]} {n}"
    seconds = time.perf_counter() - started
    for c_write, a_read, _b in pipes:
        os.write(c_write, b"quit\n")
        os.close(c_write)
        os.close(a_read)
    for pid in pids:
        os.waitpid(pid, 0)
    return {
        "rounds": rounds,
        "refused": refused,
        "overwritten": overwritten,
        "both_refused": both_refused,
        "wrong_value": wrong_value,
        "stale_reads": stale_reads,
        "seconds": seconds,
    }


# --- the database through a symbolic link ---------------------------------------------------


def _tagged_worker(db: Path, worker: int, edits: int, go_fd: int, ack_fd: int) -> None:
    """Edits tagged ``w<worker> e<j>`` (own projects' progress, shared projects' targets, dated
    updates); each tag is written to ``ack_fd`` once its save has returned."""
    store = _open(db, user=f"w{worker}")
    ids = [p.id for p in store.projects()]
    rng = random.Random(worker)
    os.read(go_fd, 1)
    for j in range(edits):
        tag = f"w{worker} e{j}"
        kind = j % 3
        try:
            if kind == 0:
                store.add_update(rng.choice(ids), "2023-07", tag, source="bench")
            elif kind == 1:
                own = ids[worker + len(ids) // 2 :: 8]  # (8 > workers: never another's)
                store.update_fields(own[j % len(own)], {"progress": tag}, source="bench", note=tag)
            else:  # the same four projects for every worker: real contention
                store.update_fields(ids[j % 4], {"target": tag}, source="bench", note=tag)
        except LockLostError:  # told "nothing was saved; try again": not acknowledged
            os.write(ack_fd, f"refused {tag}\n".encode())
            continue
        os.write(ack_fd, f"{tag}\n".encode())


def _run_tagged(
    paths: list[Path], edits: int, step: Callable[[], None] | None = None
) -> tuple[list[str], int, float]:
    """One tagged worker per path, all at once; ``step`` is called again and again in this
    process while they run. The acknowledged tags, how many workers failed, the seconds."""
    go_read, go_write = os.pipe()
    ack_read, ack_write = os.pipe()
    pids = [
        _fork(partial(_tagged_worker, p, w, edits, go_read, ack_write)) for w, p in enumerate(paths)
    ]
    os.close(ack_write)
    time.sleep(0.3)
    started = time.perf_counter()
    os.write(go_write, b"g" * len(paths))
    acked = bytearray()
    while True:  # to the end of the acknowledgements: every worker has exited
        if step is not None:
            step()
        if select.select([ack_read], [], [], 0.0 if step is not None else None)[0]:
            chunk = os.read(ack_read, 65536)
            if not chunk:
                break
            acked.extend(chunk)
    failed = sum(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0 for pid in pids)
    seconds = time.perf_counter() - started
    for fd in (go_read, go_write, ack_read):
        os.close(fd)
    lines = acked.decode().split("\n")[:-1]
    return lines, failed, seconds


def _tags_lost(db: Path, acked: list[str]) -> int:
    """Acknowledged tagged edits that the database does not hold (refused ones aside)."""
    store = _open(db, user="checker", read_only=True)
    notes = {c.note for c in store.history() if c.note}
    updates = [u.text for p in store.projects() for u in p.updates]
    lost = 0
    for tag in acked:
        if tag.startswith("refused "):
            continue
        j = int(tag.split(" e")[1])
        lost += (updates.count(tag) != 1) if j % 3 == 0 else (tag not in notes)
    return lost


def symlinked_database(edits: int, workdir: Path, engine: str = "json") -> dict[str, Any]:
    """Writers through a symbolic link and through the real path at once: every edit must
    land in the real file, and the link must stay a link to it."""
    folder = workdir / f"symlink-{engine}"
    real = folder / "data" / ENGINES[engine]
    _seed_db(real, 40)
    link = folder / ENGINES[engine]
    link.symlink_to(real)
    acked, failed, seconds = _run_tagged([link, link, real], edits)
    link_kept = link.is_symlink() and os.readlink(link) == str(real)
    stray = [p.name for p in folder.iterdir() if p.name != "data" and p != link]
    return {
        "edits": sum(not tag.startswith("refused ") for tag in acked),
        "lost": _tags_lost(real, acked),
        "failed": failed,
        "link_replaced": int(not link_kept),
        "stray_files": len(stray),  # a lock or temporary file of the link's own: a split
        "ok": check_database(real).ok,
        "seconds": seconds,
    }


# --- the lock file deleted while writers run -------------------------------------------------


def lock_file_deleted(workers: int, edits: int, workdir: Path) -> dict[str, Any]:
    """``workers`` processes make ``edits`` tagged edits each while this process deletes the
    lock file again and again (a bounded loop: until they are done, 120 s at most); every
    acknowledged edit must be in the file."""
    db = workdir / "lock-deleted" / "minsheng.json"
    _seed_db(db, 40)
    lock = db.with_name(db.name + ".lock")
    deleted = 0
    stop_at = time.monotonic() + 120.0
    rng = random.Random(11)

    def delete_lock_file() -> None:
        nonlocal deleted
        if time.monotonic() < stop_at:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
                deleted += 1
        time.sleep(rng.uniform(0.0, 0.004))

    acked, failed, seconds = _run_tagged([db] * workers, edits, step=delete_lock_file)
    refused = sum(tag.startswith("refused ") for tag in acked)
    return {
        "workers": workers,
        "edits": len(acked) - refused,
        "planned": workers * edits,
        "refused": refused,
        "lost": _tags_lost(db, acked),
        "failed": failed,
        "deletions": deleted,
        "ok": check_database(db).ok,
        "seconds": seconds,
    }


# --- a partial-column import -----------------------------------------------------------------

#: What a status-only sheet may change in the project it names.
STATUS_FIELDS = {"status", "status_raw", "status_reported", "revision"}


def partial_import(workdir: Path) -> dict[str, Any]:
    """A status-only sheet (表, 序号, 项目名称, 工作成效), as csv and as xlsx, imported with
    the command line: only 工作成效 of the project it names may change."""
    from openpyxl import Workbook

    from tui.cli import run

    folder = workdir / "partial"
    db = folder / "minsheng.json"
    store = _seed_db(db, 30)
    wrong = imports = refused = 0
    changed: set[str] = set()
    for fmt, pid in (("csv", "X01"), ("xlsx", "X02")):
        project = store.get(pid)
        status = _next_status(project.status)
        rows: list[list[str | int]] = [
            ["表", "序号", "项目名称", "工作成效"],
            [project.table, project.number, project.name, status],
        ]
        path = folder / f"status.{fmt}"
        if fmt == "csv":
            text = "".join(",".join(str(cell) for cell in row) + "\n" for row in rows)
            path.write_text(text, encoding="utf-8")
        else:
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            for row in rows:
                sheet.append(row)
            book.save(path)
        before = {p.id: p.to_dict() for p in _open(db, read_only=True).projects()}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status_code = run(["--db", str(db), "import", str(path)])
        imports += 1
        refused += status_code != 0
        after = {p.id: p.to_dict() for p in _open(db, read_only=True).projects()}
        for key in before.keys() | after.keys():
            a, b = before.get(key, {}), after.get(key, {})
            fields = {f for f in a.keys() | b.keys() if a.get(f) != b.get(f)}
            allowed = STATUS_FIELDS if key == pid else set()
            wrong += len(fields - allowed)
            changed |= {f"{key}.{f}" for f in fields}
        wrong += after[pid]["status"] != status  # the status itself did change
    return {"imports": imports, "refused": refused, "wrong_fields": wrong, "changed": changed}


# --- oversized workbooks ---------------------------------------------------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="县级" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/sharedStrings.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>项目</t></si></sst>'
    ),
}


def _write_xlsx(path: Path, rows: Any) -> None:
    """A minimal workbook whose one sheet holds the report's header row, then the XML of
    ``rows`` (byte chunks), streamed: the file is never whole in memory."""
    from xml.sax.saxutils import escape

    from store.export import report_headers

    header = "".join(
        f'<c t="inlineStr"><is><t>{escape(h)}</t></is></c>' for h in report_headers("县级")
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="'
                b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            part.write(f"<row>{header}</row>".encode())
            for chunk in rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")


def _one_big_cell(megabytes: int) -> Any:
    yield b'<row><c><v>1</v></c><c t="inlineStr"><is><t>'
    block = ("长" * (1 << 20)).encode()  # 3 MiB
    for _ in range(megabytes * (1 << 20) // len(block)):
        yield block
    yield b"</t></is></c></row>"


def _many_rows(count: int) -> Any:
    for start in range(1, count + 1, 10_000):
        stop = min(start + 10_000, count + 1)
        yield "".join(
            f'<row><c><v>{n}</v></c><c t="s"><v>0</v></c></row>' for n in range(start, stop)
        ).encode()


#: What a refused import may cost, at most: wall time and the importing process's peak RSS.
IMPORT_SECONDS_BOUND = 20.0
IMPORT_RSS_BOUND_MB = 256


#: A small process that runs a command and writes the command's exit status and peak RSS
#: (KiB) into a file. The command's own peak is then clean: a process made by fork or vfork
#: keeps its parent's peak RSS through exec, so measured straight from this (large) process
#: it would count this process's pages too.
_MEASURE = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_pid, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def _measured_import(db: Path, path: Path) -> tuple[int, float, float, str]:
    """`minsheng import` of ``path`` in a child process: its exit status, seconds, peak RSS
    in MiB (wait4's rusage of that one process) and what it said."""
    err, result = path.with_suffix(".err"), path.with_suffix(".rusage")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "tui", "--db", str(db), "import", str(path)]
    started = time.perf_counter()
    pid = os.posix_spawn(
        sys.executable,
        [sys.executable, "-I", "-S", "-c", _MEASURE, str(result), *argv],
        env,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
    )
    os.waitpid(pid, 0)
    seconds = time.perf_counter() - started
    status, maxrss = (int(x) for x in result.read_text().split())
    said = clean_text(err.read_text(encoding="utf-8", errors="replace"), single_line=True)
    return status, seconds, maxrss / 1024, said


def oversized_xlsx(workdir: Path) -> dict[str, Any]:
    """Workbooks past the import limits: one 300 MB cell, a million rows, and 25,000 rows
    (under the XML bounds, over the row limit). Each must be refused, within the time and
    memory bounds, and leave the database as it was."""
    folder = workdir / "oversized"
    db = folder / "minsheng.json"
    _seed_db(db, 10)
    before = db.read_bytes()
    cases: list[dict[str, Any]] = []
    for name, rows in (
        ("one 300 MB cell", _one_big_cell(300)),
        ("1,000,000 rows", _many_rows(1_000_000)),
        ("25,000 rows", _many_rows(25_000)),
    ):
        path = folder / f"{name.split()[0].replace(',', '')}-{len(cases)}.xlsx"
        _write_xlsx(path, rows)
        status, seconds, rss, said = _measured_import(db, path)
        cases.append(
            {
                "case": name,
                "size": path.stat().st_size,
                "accepted": int(status == 0),
                "crashed": int(status not in (0, 1)),
                "seconds": seconds,
                "rss_mb": rss,
                "over_time": int(seconds > IMPORT_SECONDS_BOUND),
                "over_memory": int(rss > IMPORT_RSS_BOUND_MB),
                "said": said.removeprefix("minsheng: ").replace(str(path), path.name),
            }
        )
        path.unlink()
    return {"cases": cases, "db_changed": int(db.read_bytes() != before)}


# --- export targets that are not regular files -----------------------------------------------


def export_targets(workdir: Path) -> dict[str, Any]:
    """`export -o` onto a FIFO (and, as root, a character device made here): refused with a
    message naming the path, exit 1, the FIFO or device still there, nothing else written."""
    import stat

    from tui.cli import run

    folder = workdir / "targets"
    db = folder / "data" / "minsheng.json"
    _seed_db(db, 5)
    out = folder / "out"
    out.mkdir()
    targets = []
    os.mkfifo(out / "pipe.json")
    targets.append(out / "pipe.json")
    with contextlib.suppress(PermissionError, OSError):  # only root may make a device node
        os.mknod(out / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        targets.append(out / "null")
    (out / "to-pipe.json").symlink_to(out / "pipe.json")
    targets.append(out / "to-pipe.json")
    before = {p.name: os.lstat(p) for p in out.iterdir()}
    tried = refused = unnamed = replaced = 0
    for target in targets:
        for force in ([], ["--force"]):
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                status = run(["--db", str(db), "export", "-o", str(target), *force])
            tried += 1
            refused += status == 1
            lines = err.getvalue().strip().split("\n")
            unnamed += len(lines) != 1 or str(target) not in lines[0]
    after = {p.name: os.lstat(p) for p in out.iterdir()}
    for name, st in before.items():
        now = after.get(name)
        same = now is not None and (now.st_ino, now.st_mode) == (st.st_ino, st.st_mode)
        replaced += not same
    return {
        "targets": [p.name for p in targets],
        "tried": tried,
        "written": tried - refused,
        "unnamed": unnamed,
        "replaced": replaced,
        "new_files": len(after.keys() - before.keys()),
    }


# --- killed exports --------------------------------------------------------------------------


def _snapshot_writer(store: DocumentStore, ack_fd: int) -> None:
    from store.snapshots import write_snapshot

    os.write(ack_fd, b"ready\n")
    formats = ("json", "csv", "md", "xlsx", "html")
    i = 0
    while True:
        path, _entry = write_snapshot(store, formats[i % len(formats)])
        os.write(ack_fd, f"{path.name}\n".encode())
        i += 1


def killed_exports(kills: int, workdir: Path, seed: int) -> dict[str, Any]:
    """SIGKILL a process writing snapshots at random moments; at the next run (a listing)
    no temporary file may be left, every file must be in the index, every acknowledged
    snapshot recorded as written, and every snapshot must read."""
    import openpyxl  # noqa: F401 - loaded here once, not in every writer

    from store.snapshots import list_snapshots, read_snapshot_json, region_slug, snapshot_dir

    rng = random.Random(seed)
    db = workdir / "exports" / "minsheng.json"
    store = _seed_db(db, 20)
    region_slug(store.report().region)  # its dictionary too
    folder = snapshot_dir(store.home)
    folder.mkdir()
    acked: list[str] = []
    mid_write = 0
    started = time.perf_counter()
    for _kill in range(kills):
        read_fd, write_fd = os.pipe()
        pid = _fork(partial(_snapshot_writer, store, write_fd))
        os.close(write_fd)
        buffer = bytearray()
        lines: list[str] = []
        while "ready" not in lines:
            lines += _read_lines(read_fd, buffer, 5.0)
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer.extend(chunk)
        os.close(read_fd)
        lines += bytes(buffer).decode().split("\n")[:-1]
        acked += [line for line in lines if line != "ready"]
        mid_write += any(p.name.endswith(".tmp") for p in folder.iterdir())
    listed = list_snapshots(store.home)  # the next run
    entries = {e.file: e for e, _there in listed}
    files = [
        p for p in folder.iterdir() if not p.name.startswith(".") and "index.json" not in p.name
    ]
    unreadable = 0
    for path in files:
        if path.suffix == ".json":
            try:
                read_snapshot_json(path)
            except Exception:  # noqa: BLE001 - counted
                unreadable += 1
    return {
        "kills": kills,
        "acked": len(acked),
        "mid_write": mid_write,
        "temp_left": sum(p.name.endswith(".tmp") for p in folder.iterdir()),
        "unrecorded": sum(p.name not in entries for p in files),
        "gone": sum(not there for _e, there in listed),
        "acked_not_recorded": sum(a not in entries or entries[a].rebuilt for a in acked),
        "rebuilt": sum(e.rebuilt for e in entries.values()),
        "unreadable": unreadable,
        "seconds": time.perf_counter() - started,
    }


# --- hostile payloads ------------------------------------------------------------------------

#: (kind, text): "{m}" is replaced by a marker unique to the payload. Control payloads put the
#: control sequence right before the marker, so the sequence reaching the terminal shows as
#: its bytes followed by the marker's.
PAYLOADS: list[tuple[str, str]] = [
    ("markup", "{m}[bold]粗体[/bold]"),
    ("markup", "{m}[@click=app.quit]点我退出[/]"),
    ("markup", "{m}[@click=app.bell]响铃[/]"),
    ("markup", "{m}[@click=screen.dismiss]关闭[/]"),
    ("markup", "{m}[link=https://example.invalid]链接[/link]"),
    ("markup", "{m}[red on white]颜色[/]"),
    ("markup", "{m}[/]"),
    ("markup", "{m}[b"),
    ("markup", "{m}$accent $text $primary"),
    ("markup", "{m}[$accent]变量[/]"),
    ("markup", "{m}:warning: :smile:"),
    ("markup", "{m}\\[转义]"),
    ("markup", "{m}[on $error]x[/]"),
    ("escape", "\x1b]52;c;U0VDUkVU\x07{m}"),  # OSC 52: write the clipboard
    ("escape", "\x1b[2J{m}"),  # CSI: clear the screen
    ("escape", "\x1b[31m{m}"),
    ("escape", "\x1b[?1049l{m}"),  # leave the alternate screen
    ("escape", "\x1b]0;pwned\x07{m}"),  # window title
    ("escape", "\x1bP+q544e\x1b\\{m}"),  # DCS
    ("escape", "\x1b]8;;https://example.invalid\x1b\\{m}"),  # hyperlink
    ("escape", "\x9b2J{m}"),  # C1 CSI
    ("escape", "\x9d0;pwned\x9c{m}"),  # C1 OSC
    ("escape", "\x85{m}"),  # NEL
    ("escape", "\u202e{m}"),  # right-to-left override
    ("escape", "\u2066{m}\u2069"),  # isolate
    ("escape", "\x00{m}"),
    ("escape", "\x07{m}"),
    ("escape", "\x08\x08{m}"),
    ("escape", "\x7f{m}"),
    ("escape", "\ufeff{m}"),
    ("escape", "\ud800{m}"),  # a lone surrogate
    ("escape", "\r{m}"),
    ("zero-width", "\u200b{m}\u200d"),  # kept in long text, taken out of names
    ("formula", '=HYPERLINK("http://example.invalid","{m}")'),
    ("formula", "+{m}"),
    ("formula", "-{m}"),
    ("formula", "@SUM({m})"),
    ("html", "<script>alert('{m}')</script>"),
    ("html", "<img src=x onerror=alert(1)>{m}"),
    ("md", "| {m} | 列 |\t制表"),
    ("long", "{m}" + "长" * 100_000),
    ("escape", "\u061c{m}"),  # Arabic letter mark (bidi)
    ("escape", "\u200f{m}"),  # right-to-left mark (bidi)
]


#: The payloads whose projects the short form opens one by one (it shows them all in lists,
#: on the command line and in exports): the actions, OSC 52, CSI, C1, bidi, NUL, the long one.
QUICK_PAYLOADS = (1, 13, 20, 23, 40)


def marker(index: int) -> str:
    """The marker of payload ``index``: letters that appear nowhere else."""
    return f"QZ{index:02d}X"


def payload_texts() -> list[tuple[str, str, str]]:
    """(kind, marker, text) of every payload."""
    return [
        (kind, marker(i), text.replace("{m}", marker(i))) for i, (kind, text) in enumerate(PAYLOADS)
    ]


def plant_payloads(db: Path) -> list[str]:
    """A database file holding every payload raw (as if another program wrote it), in every
    text a project has; the ids of the projects holding them, in payload order."""
    store = _seed_db(db, len(PAYLOADS) + 4)
    store.add_update("X01", "2023-07", "准备", source="bench")
    data = json.loads(db.read_text(encoding="utf-8"))
    docs = data["projects"]
    ids = []
    order = sorted(docs, key=int)
    for (kind, mark, text), doc_id in zip(payload_texts(), order, strict=False):
        doc = docs[doc_id]
        short = text if kind != "long" else mark
        doc["name"] = f"{short} 项目"
        doc["department"] = short
        doc["departments"] = [short]
        doc["status_raw"] = short
        doc["deadline_raw"] = short
        doc["plan"] = f"1-6月：{text}\n7月：{short}"
        doc["progress"] = f"{text}\n第二行 {short}"
        doc["overview"] = text
        doc["target"] = short
        doc["extra"] = {"备注": text, short: "值"}
        doc["updates"] = [{"month": "2023-07", "text": text, "at": short, "by": short}]
        ids.append(doc["id"])
        history = data.setdefault("history", {})
        next_id = str(max(int(k) for k in history) + 1)
        history[next_id] = {
            "project": doc["id"],
            "field": "progress",
            "old": short,
            "new": text,
            "at": "2023-07-01T10:00:00+08:00",
            "by": short,
            "source": short,
            "note": short,
        }
    report = next(d for d in data["meta"].values() if d.get("key") == "report")
    report["value"]["region"] = "\x1b]52;c;UkVHSU9O\x07兰陵县[bold]QZRGX[/bold]"
    # ensure_ascii: a lone surrogate can only be written escaped
    db.write_text(json.dumps(data, ensure_ascii=True), encoding="ascii")
    return ids


@dataclass
class HostileTally:
    """Counts across every display path."""

    paths: set[str] = field(default_factory=set)
    markup: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    escapes: list[str] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)
    #: formulas in the title and header rows of csv/xlsx (column names come from imports)
    header_formulas: list[str] = field(default_factory=list)
    markers_seen: set[str] = field(default_factory=set)
    pty_bytes: int = 0

    def check_text(self, path: str, text: str, *, screen: bool = True) -> None:
        """A display path's text: no forbidden characters; markup payloads shown literally."""
        self.paths.add(path)
        for bad in FORBIDDEN_RE.findall(text):
            self.escapes.append(f"{path}: U+{ord(bad):04X}")
        for kind, mark, raw in payload_texts():
            if mark not in text:
                continue
            self.markers_seen.add(mark)
            if kind != "markup":
                continue
            literal = clean_text(raw, single_line=True)[: len(mark) + 4]
            for found in re.finditer(re.escape(mark), text):
                shown = text[found.start() : found.start() + len(literal)]
                # (a line wrapped inside the payload ends in the padding of its column)
                padded = shown != shown.rstrip(" ") and not literal.startswith(shown)
                cut = len(shown) < len(literal) or "…" in shown or "\n" in shown or padded
                # (a cut may pad with a space where a wide character did not fit)
                start = shown.split("…")[0].split("\n")[0].rstrip(" ")
                if shown != literal and not (cut and literal.startswith(start)):
                    self.markup.append(f"{path}: {mark} shown as {shown!r}")


def _screen_text(app: Any, tally: HostileTally, path: str) -> str:
    """Check every segment of the current screen; return its text, a line per screen row."""
    strips = app.screen._compositor.render_strips()
    lines = []
    for strip in strips:
        parts = []
        for segment in strip:
            parts.append(segment.text)
            meta = segment.style.meta if segment.style else {}
            action = str(meta.get("@click", "")) if meta else ""
            if action and any(word in action for word in ("quit", "bell", "dismiss")):
                tally.actions.append(f"{path}: a cell carries the action {action!r}")
        lines.append("".join(parts))
    text = "\n".join(lines)
    tally.check_text(path, text)
    return text


async def _click_markers(pilot: Any, text: str, tally: HostileTally, path: str) -> None:
    """Click where the `@click` payloads show: nothing must happen."""
    for kind, mark, raw in payload_texts():
        if kind != "markup" or "@click" not in raw:
            continue
        for y, line in enumerate(text.split("\n")):
            x = line.find(mark)
            if x >= 0:
                from rich.cells import cell_len

                await pilot.click(offset=(cell_len(line[:x]) + len(mark) + 1, y))
                await pilot.pause()
                break


async def _hostile_in_app(
    db: Path, ids: list[str], tally: HostileTally, workdir: Path, full: bool = True
) -> None:
    from textual.widgets import TextArea

    from tui.app import make_app
    from tui.dialogs.conflict_dialog import ConflictDialog

    store = _open(db, user="bench")
    app = make_app(store, state_path=workdir / "view.json")
    fired: list[str] = []

    async def quit_fired(*args: Any, **kwargs: Any) -> None:
        fired.append("quit")

    app.action_quit = quit_fired  # type: ignore[method-assign]
    app.bell = lambda: fired.append("bell")  # type: ignore[method-assign]

    async def settle(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    from tui.widgets.project_table import ProjectTable

    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        await settle(pilot)
        text = _screen_text(app, tally, "list + filter panes")
        await _click_markers(pilot, text, tally, "list")
        screen = app.screen
        table = screen.query_one(ProjectTable)
        rows = [p.id for p in table.rows]
        for pid in ids:
            if app.screen is not screen:
                await pilot.press("escape")
                await settle(pilot)
            table.cursor = rows.index(pid)
            await pilot.press("enter")
            await settle(pilot)
            for view in ("1", "2", "3", "4"):
                await pilot.press(view)
                await settle(pilot)
                text = _screen_text(app, tally, f"detail view {view}")
                if view == "1":
                    await _click_markers(pilot, text, tally, "detail")
            await pilot.press("escape")
            await settle(pilot)
        for key, name in (("e", "edit dialog"), ("s", "status picker"), ("a", "update dialog")):
            for pid in (ids if full else ids[:-1])[:: 2 if key == "e" else 4]:
                table.cursor = rows.index(pid)
                await pilot.press(key)
                await settle(pilot)
                text = _screen_text(app, tally, name)
                for area in app.screen.query(TextArea):
                    tally.check_text(name + " text", area.text)
                await pilot.press("escape")
                await settle(pilot)
        texts = [raw for kind, _m, raw in payload_texts() if kind != "long"]
        for raw in texts:
            app.notify(raw, title=raw)
        await pilot.pause(0.2)
        _screen_text(app, tally, "notifications")
        longest = next(raw for kind, _m, raw in payload_texts() if kind == "long")
        for title in (" ".join(texts[:20]), " ".join(texts[20:])):
            app.push_screen(
                ConflictDialog(
                    title=title,
                    who=title,
                    theirs="\n".join(texts),
                    mine=longest if full else longest[:2000],
                )
            )
            await settle(pilot)
            _screen_text(app, tally, "conflict dialog")
            await pilot.press("escape")
            await settle(pilot)
        tally.actions += [f"app: {f} fired" for f in fired if f == "quit"]
        tally.actions += ["app: a click rang the bell"] if "bell" in fired else []


def _hostile_cli(db: Path, ids: list[str], tally: HostileTally, full: bool = True) -> None:
    from tui.cli import run

    commands = [["list"], ["list", "--json"], ["history"], ["history", "--json"]]
    for pid in ids if full else [ids[i] for i in QUICK_PAYLOADS]:
        commands += [["show", pid], ["show", pid, "--json"]]
    for command in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = run(["--db", str(db), *command])
        path = "cli " + " ".join(c for c in command if c not in ids)
        if status != 0:
            tally.escapes.append(f"{path}: exit {status}: {err.getvalue()[:200]}")
        text = out.getvalue()
        if "--json" in command:
            tally.check_text(path, "\n".join(json_strings(json.loads(text))))
        else:
            tally.check_text(path, text + err.getvalue())


#: The hand-made snapshot's name: the clipboard escape and an override, as a file may be named.
HOSTILE_SNAPSHOT = "\x1b]52;c;U05BUA==\x07QZSNX\u202e\u200f.json"


def plant_snapshots(db: Path) -> Path:
    """A hand-made snapshot beside the planted database (every other project under a hostile
    id, the rest with hostile 工作成效 and progress), and an index whose every field holds a
    payload; the snapshot's path."""
    from store.export import export_json
    from store.snapshots import snapshot_dir

    store = _open(db, user="bench", read_only=True)
    data = json.loads(export_json(store.report(), store.projects()))
    texts = [text for kind, _m, text in payload_texts() if kind != "long"]
    for n, project in enumerate(data["projects"]):
        text = texts[n % len(texts)]
        if n % 2 == 0:
            project["id"] = text  # gone from the database's side, and its project new
        else:
            project["status"] = project["status_raw"] = text
            project["progress"] = f"{text} 旧的进展"
            project["updates"] = [{"month": text, "text": text, "at": text, "by": text}]
    folder = snapshot_dir(store.home)
    folder.mkdir(exist_ok=True)
    path = folder / HOSTILE_SNAPSHOT
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="ascii")
    entries = []
    for text in texts:
        name = text[:80]
        with contextlib.suppress(UnicodeEncodeError):
            name.encode("utf-8")  # (a lone surrogate cannot be a file name, nor / or NUL)
            if "/" in name or "\x00" in name:
                continue
            entries.append(
                {"file": name + ".json", "format": text, "at": text, "by": text, "projects": 1,
                 "scope": text, "region": text, "year": 2023, "period": {"from": 1, "to": 6}}
            )  # fmt: skip
    entries.append(
        {"file": HOSTILE_SNAPSHOT, "format": "json", "at": "2023-07-01T10:00:00+08:00",
         "by": texts[13], "projects": len(data["projects"]), "scope": "all"}
    )  # fmt: skip
    index = json.dumps({"snapshots": entries}, ensure_ascii=True)
    (folder / "index.json").write_text(index, encoding="ascii")
    return path


def _hostile_snapshots(db: Path, tally: HostileTally) -> None:
    """`diff` of the hand-made snapshot (named, and as the newest), `diff --json`, and
    `snapshots` (table and --json) of its hostile index."""
    from tui.cli import run

    snapshot = plant_snapshots(db)
    commands = {
        "cli diff SNAPSHOT.json": ["diff", str(snapshot), "db"],
        "cli diff SNAPSHOT.json --json": ["diff", str(snapshot), "db", "--json"],
        "cli diff (the newest snapshot)": ["diff"],
        "cli snapshots": ["snapshots"],
        "cli snapshots --json": ["snapshots", "--json"],
    }
    for path, command in commands.items():
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = run(["--db", str(db), *command])
        if status != 0:
            tally.escapes.append(f"{path}: exit {status}: {err.getvalue()[:200]!r}")
        text = out.getvalue()
        if "--json" in command and status == 0:
            tally.check_text(path, "\n".join(json_strings(json.loads(text))) + err.getvalue())
        else:
            tally.check_text(path, text + err.getvalue())


def json_strings(value: Any) -> list[str]:
    """Every string in a JSON value (keys too): what a reader sees of it (tests use it too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    return []


def _hostile_exports(db: Path, tally: HostileTally) -> None:
    from store.export import EXPORT_FORMATS, export_bytes

    store = _open(db, user="bench", read_only=True)
    report, projects = store.report(), store.projects()
    markers = {mark for _k, mark, _t in payload_texts()}
    for fmt in EXPORT_FORMATS:
        path = f"export {fmt}"
        tally.paths.add(path)
        try:
            data = export_bytes(fmt, report, projects)
        except Exception as exc:  # noqa: BLE001 - counted
            tally.escapes.append(f"{path}: failed: {type(exc).__name__}: {exc}")
            continue
        if fmt == "xlsx":
            _check_xlsx(data, tally, markers)
            continue
        text = data.decode("utf-8-sig")
        if fmt == "json":
            tally.check_text(path, "\n".join(json_strings(json.loads(text))))
        else:
            tally.check_text(path, text.replace("\r\n", "\n"))
        if fmt in ("md", "html") and re.search(r"<(script|img)\b", text):
            tally.markup.append(f"{path}: raw HTML from the data")
        if fmt == "csv":
            csv.field_size_limit(sys.maxsize)
            reader = csv.reader(io.StringIO(text))
            for row in reader:
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@")) and any(m in cell for m in markers):
                        found = tally.header_formulas if reader.line_num <= 2 else tally.formulas
                        found.append(f"{path}: row {reader.line_num}: {cell[:30]!r}")


def _check_xlsx(data: bytes, tally: HostileTally, markers: set[str]) -> None:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )
    # One spelling whichever writer openpyxl used: with lxml installed it writes characters
    # as numeric references (&#20848;), the standard library as themselves.
    xml = re.sub(
        r"&#(x[0-9a-fA-F]+|[0-9]+);",
        lambda m: chr(int(m[1][1:], 16) if m[1][0] == "x" else int(m[1])),
        xml,
    )
    tally.check_text("export xlsx (xml)", xml)
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    found = tally.header_formulas if cell.row <= 2 else tally.formulas
                    found.append(
                        f"export xlsx: {sheet.title}!{cell.coordinate} {str(value)[:30]!r}"
                    )
                if isinstance(value, str):
                    tally.check_text("export xlsx", value)


class PtyApp:
    """The real app (`python -m tui`) in a pseudo-terminal; every byte it writes is kept."""

    def __init__(self, db: Path, state: Path, cols: int = 200, rows: int = 50) -> None:
        import fcntl
        import termios

        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child becomes the app
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            env = dict(
                os.environ,
                TERM="xterm-256color",
                COLORTERM="truecolor",
                LANG="C.UTF-8",
                XDG_STATE_HOME=str(state),
                PYTHONPATH=str(ROOT),
            )
            os.execvpe(sys.executable, [sys.executable, "-m", "tui", "--db", str(db)], env)
        self.pid, self.fd = pid, fd
        self.output = bytearray()

    def read(self, seconds: float) -> None:
        """Keep reading for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 1 << 20)
                except OSError:
                    return
                if not chunk:
                    return
                self.output.extend(chunk)

    def read_until(self, needle: bytes, timeout: float) -> None:
        """Read until ``needle`` has arrived (or ``timeout`` seconds have passed)."""
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            self.read(0.1)

    def keys(self, data: bytes, settle: float = 0.4) -> None:
        """Type ``data`` and read what it causes."""
        os.write(self.fd, data)
        self.read(settle)

    def close(self) -> int:
        """Quit with q; the exit status."""
        with contextlib.suppress(OSError):
            os.write(self.fd, b"\x1b")
            self.read(0.3)
            os.write(self.fd, b"\x11")  # ctrl+q: quit from wherever the focus is
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.read(0.2)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return -9


def _hostile_pty(db: Path, ids: list[str], tally: HostileTally, workdir: Path, full: bool) -> None:
    term = PtyApp(db, workdir / "state")
    term.read_until(marker(0).encode(), 20.0)
    term.read(0.5)
    keys: list[bytes] = [b"f", b"f"]
    visits = range(len(ids)) if full else QUICK_PAYLOADS[:3:2]
    for position in visits:
        keys += [b"\x1b[H"] + [b"\x1b[B"] * position + [b"\r", b"2", b"3", b"4", b"1", b"\x1b"]
    keys += [b"\x1b[H", b"e", b"\x1b", b"s", b"\x1b", b"a", b"\x1b"]
    keys += [b"/", b"QZ", b"\r", b"c"]
    for key in keys:
        term.keys(key, 0.3 if key in (b"\r", b"e", b"a", b"s") else 0.08)
    term.read(0.5)
    status = term.close()
    out = bytes(term.output)
    tally.pty_bytes = len(out)
    tally.paths.add("terminal output (pty)")
    if status != 0:
        tally.escapes.append(f"pty: the app exited with {status}")
    for kind, mark, raw in payload_texts():
        if mark.encode() in out:
            tally.markers_seen.add(mark)
        if kind not in ("escape",) or raw.startswith("\r"):
            continue  # \r: the app's own output has carriage returns
        control = raw.split(mark)[0]
        with contextlib.suppress(UnicodeEncodeError):
            if (control.encode("utf-8") + mark.encode()) in out:
                tally.escapes.append(f"pty: {control!r} reached the terminal before {mark}")
    # Sequences the app itself never writes: the clipboard (OSC 52), C1 controls, bidi.
    for needle in (
        b"\x1b]52",
        b"\xc2\x9b",
        b"\xc2\x9d",
        b"\xc2\x85",
        b"\xe2\x80\xae",
        b"\xe2\x81\xa6",
        b"\xd8\x9c",  # U+061C
        b"\xe2\x80\x8f",  # U+200F
    ):
        if needle in out:
            tally.escapes.append(f"pty: {needle!r} in the output")


def hostile_payloads(workdir: Path, *, full: bool = True, use_pty: bool = True) -> dict[str, Any]:
    """Every payload through every display path; count markup, actions and escape bytes."""
    db = workdir / "hostile" / "minsheng.json"
    ids = plant_payloads(db)
    before = db.read_bytes()
    tally = HostileTally()
    started = time.perf_counter()
    shown = ids if full else [ids[i] for i in QUICK_PAYLOADS]
    asyncio.run(_hostile_in_app(db, shown, tally, workdir, full))
    _hostile_cli(db, ids, tally, full)
    _hostile_snapshots(db, tally)
    _hostile_exports(db, tally)
    if use_pty:
        _hostile_pty(db, ids, tally, workdir, full)
    return {
        "payloads": len(PAYLOADS),
        "paths": sorted(tally.paths),
        "markup": tally.markup,
        "actions": tally.actions,
        "escapes": tally.escapes,
        "formulas": tally.formulas,
        "header_formulas": tally.header_formulas,
        "markers_seen": len(tally.markers_seen),
        "pty_bytes": tally.pty_bytes,
        "db_untouched": db.read_bytes() == before,
        "seconds": time.perf_counter() - started,
    }


# --- the report ------------------------------------------------------------------------------


def run_all(args: argparse.Namespace, out: Callable[[str], None] = print) -> int:
    """Run every part; print the figures; 0 when every failure count is zero."""
    workdir = Path(tempfile.mkdtemp(prefix="minsheng-reliability-"))
    failures = 0
    try:
        out(
            f"minsheng reliability: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
            f"{workdir}"
        )
        exports = killed_exports(args.export_kills, workdir, args.seed)
        failures += exports["temp_left"] + exports["unrecorded"] + exports["acked_not_recorded"]
        failures += exports["gone"] + exports["unreadable"]
        out(
            f"killed exports:     {exports['kills']} SIGKILLs of a snapshot writer "
            f"({exports['mid_write']} with a file write in flight, {exports['acked']} snapshots "
            f"acknowledged); at the next run {exports['temp_left']} temporary files left, "
            f"{exports['unrecorded']} files missing from the index ({exports['rebuilt']} "
            f"entries rebuilt from their files), {exports['acked_not_recorded']} acknowledged "
            f"snapshots not recorded, {exports['gone']} entries without a file, "
            f"{exports['unreadable']} unreadable  [{exports['seconds']:.1f} s]"
        )

        for engine in args.engines:
            crash = crash_trials(args.kills, workdir, args.seed, engine=engine)
            bad = (
                crash["unreadable"] + crash["wrong"] + crash["broken_backups"] + crash["temp_left"]
            )
            failures += bad
            mid = crash["mid_write"] if engine == "json" else "n/a (SQLite has no temporary file)"
            out(
                f"crash trials:       [{engine}] {crash['trials']} SIGKILLs of a writer at random "
                f"moments "
                f"({mid} with a database write in flight, {crash['backup_kills']} "
                f"with a backup write in flight; {crash['edits']} edits acknowledged)"
            )
            out(
                f"                    {crash['unreadable']} left an unreadable file, "
                f"{crash['wrong']} differ from the last acknowledged state, "
                f"{crash['broken_backups']} of {crash['backups']} backups broken, "
                f"{crash['temp_left']} temporary files left after the next run  "
                f"[{crash['seconds']:.1f} s]"
            )
            conc = concurrent_writers(args.writers, args.edits, workdir, engine=engine)
            failures += conc["lost"] + conc["failed"] + conc["duplicate_history_ids"]
            failures += not conc["ok"]
            out(
                f"concurrent writers: [{engine}] {conc['workers']} processes x {args.edits} mixed "
                f"edits = "
                f"{conc['edits']} edits, {conc['lost']} lost, {conc['failed']} writers failed, "
                f"db check {'ok' if conc['ok'] else 'FAILED'}  [{conc['seconds']:.1f} s]"
            )
            if engine == "json":
                stock = stock_tinydb(args.writers, max(20, args.edits // 2), workdir)
                out(
                    f"  stock TinyDB:     {args.writers} processes x "
                    f"{stock['edits'] // args.writers} "
                    f"inserts = {stock['edits']}: {stock['lost']} lost, {stock['errors']} failed "
                    f"reads, file {'readable' if stock['readable'] else 'BROKEN'} (for comparison)"
                )

            conflicts = conflicting_saves(args.conflicts, workdir, engine=engine)
            failures += conflicts["overwritten"] + conflicts["wrong_value"]
            failures += conflicts["both_refused"] + conflicts["stale_reads"]
            out(
                f"conflicting saves:  [{engine}] {conflicts['rounds']} pairs of saves from one "
                f"revision at "
                f"once: {conflicts['refused']} refused as conflicts, {conflicts['overwritten']} "
                f"silently overwritten, {conflicts['both_refused']} both refused  "
                f"[{conflicts['seconds']:.1f} s]"
            )

            linked = symlinked_database(args.link_edits, workdir, engine=engine)
            failures += linked["lost"] + linked["failed"] + linked["link_replaced"]
            failures += linked["stray_files"] + (not linked["ok"])
            out(
                f"symlinked database: [{engine}] 2 processes through the link and 1 through the "
                f"real path x "
                f"{args.link_edits} edits = {linked['edits']} acknowledged: {linked['lost']} lost, "
                f"{linked['failed']} writers failed, link replaced {linked['link_replaced']}, "
                f"{linked['stray_files']} files of the link's own, db check "
                f"{'ok' if linked['ok'] else 'FAILED'}  [{linked['seconds']:.1f} s]"
            )

            if engine == "json":  # (SQLite's lock is not a file that can be deleted)
                deleted = lock_file_deleted(args.writers, args.lock_edits, workdir)
                failures += deleted["lost"] + deleted["failed"] + (not deleted["ok"])
                out(
                    f"lock file deleted:  {deleted['workers']} processes x {args.lock_edits} edits "
                    f"while "
                    f"the lock file was deleted {deleted['deletions']} times: {deleted['edits']} "
                    f"acknowledged, {deleted['lost']} of them lost, {deleted['refused']} refused "
                    f"with "
                    f"'nothing was saved; try again', {deleted['failed']} writers failed, db check "
                    f"{'ok' if deleted['ok'] else 'FAILED'}  [{deleted['seconds']:.1f} s]"
                )

        partial = partial_import(workdir)
        failures += partial["wrong_fields"] + partial["refused"]
        out(
            f"partial import:     {partial['imports']} status-only sheets (csv, xlsx: 表, 序号, "
            f"项目名称, 工作成效): {partial['wrong_fields']} fields changed beyond 工作成效 of the "
            f"project named, {partial['refused']} refused"
        )

        big = oversized_xlsx(workdir)
        failures += big["db_changed"]
        for case in big["cases"]:
            failures += case["accepted"] + case["crashed"] + case["over_time"]
            failures += case["over_memory"]
            out(
                f"oversized xlsx:     {case['case']} ({case['size'] / 1e6:.1f} MB file): "
                f"{'ACCEPTED' if case['accepted'] else 'refused'} in {case['seconds']:.2f} s, "
                f"peak RSS {case['rss_mb']:.0f} MiB (bounds {IMPORT_SECONDS_BOUND:g} s, "
                f"{IMPORT_RSS_BOUND_MB} MiB): {case['said']}"
            )
        out(f"                    database changed by them: {big['db_changed']}")

        targets = export_targets(workdir)
        failures += targets["written"] + targets["unnamed"] + targets["replaced"]
        failures += targets["new_files"]
        out(
            f"export targets:     {targets['tried']} exports onto {', '.join(targets['targets'])} "
            f"(with and without --force): {targets['written']} written, {targets['replaced']} "
            f"targets replaced, {targets['new_files']} files created, {targets['unnamed']} "
            f"messages not one line naming the path"
        )

        hostile = hostile_payloads(workdir, full=not args.quick, use_pty=not args.no_pty)
        counts = {
            k: len(hostile[k])
            for k in ("markup", "actions", "escapes", "formulas", "header_formulas")
        }
        failures += sum(counts.values()) + (not hostile["db_untouched"])
        out(
            f"hostile payloads:   {hostile['payloads']} payloads x {len(hostile['paths'])} "
            f"display paths and export formats: {counts['markup']} rendered as markup, "
            f"{counts['actions']} fired an action, {counts['escapes']} put control bytes "
            f"out, {counts['formulas']} live spreadsheet formulas in data cells, "
            f"{counts['header_formulas']} in title/header rows  [{hostile['seconds']:.1f} s]"
        )
        out(
            f"                    {hostile['markers_seen']} of {hostile['payloads']} payloads "
            f"seen on screen; {hostile['pty_bytes']:,} bytes of terminal output read; "
            f"paths: {', '.join(hostile['paths'])}"
        )
        for kind in ("markup", "actions", "escapes", "formulas", "header_formulas"):
            for line in hostile[kind][:10]:
                out(f"  ! {line}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out("all figures zero" if not failures else f"{failures} FAILURES")
    return 0 if not failures else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options; --quick is the short form the test suite runs."""
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--quick", action="store_true", help="small counts (the test suite's)")
    parser.add_argument("--kills", type=int)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--edits", type=int)
    parser.add_argument("--conflicts", type=int)
    parser.add_argument("--export-kills", type=int, help="SIGKILLs of a snapshot writer")
    parser.add_argument("--link-edits", type=int, help="edits of each writer through a link")
    parser.add_argument("--lock-edits", type=int, help="edits of each writer, lock deleted")
    parser.add_argument("--seed", type=int, default=20230630)
    parser.add_argument("--no-pty", action="store_true", help="skip the pseudo-terminal run")
    parser.add_argument(
        "--engine", choices=("json", "sqlite", "both"), default="json",
        help="the store the kills, writers at once, conflicts and the link run on",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.engines = ["json", "sqlite"] if args.engine == "both" else [args.engine]
    quick = args.quick
    args.kills = args.kills if args.kills is not None else (40 if quick else 500)
    args.edits = args.edits if args.edits is not None else (30 if quick else 200)
    args.conflicts = args.conflicts if args.conflicts is not None else (20 if quick else 100)
    if args.export_kills is None:
        args.export_kills = 10 if quick else 120
    args.link_edits = args.link_edits if args.link_edits is not None else (10 if quick else 40)
    args.lock_edits = args.lock_edits if args.lock_edits is not None else (15 if quick else 60)
    return args


if __name__ == "__main__":
    sys.exit(run_all(parse_args()))
