"""The database file: TinyDB's JSON layout, written atomically, read again only when changed.

This module and ``store.jsonfile`` are the only ones that know the file's layout.
"""

from __future__ import annotations

import json
import operator
import os
import re
import zlib
from collections.abc import Callable, Iterable
from itertools import repeat
from pathlib import Path
from typing import Any

from store.files import atomic_write_bytes, collector_paused
from store.interface import DatabaseError
from store.transactions import TransactionalStorage
from store.words import json_problem, say

Tables = dict[str, dict[str, Any]]

#: The first table of every file this storage writes: a random token, new at every write, so a
#: reader knows the file changed even when size, mtime and a recycled inode number all match.
STAMP_TABLE = "_stamp"
# The first table: a random token per write (a cheap "did the file change" for readers), and
# from writers that know them, a CRC-32 of every byte after the stamp and what a scan of those
# bytes would find. A file whose bytes still match the CRC was left as the store wrote it, so
# the scan (a third of the time it takes to open 10,000 projects) need not be done again.
# A writer that keeps its tables in the order readers want them first (the store's: the
# report, then the projects in report order) says so with "ordered": the first screen can
# then be read from the file's first bytes (``AtomicJSONStorage.head``).
_STAMP_RE = re.compile(
    rb'\A\{\n"_stamp": \{\n "1": \{"token": "([0-9a-f]{32})"'
    rb'(?:, "crc32": (\d{1,10}), "suspect": (true|false), "long_numbers": (true|false)'
    rb'(?:, "ordered": (true|false))?)?\}\n\}'
)
_HEAD_BYTES = 256
#: what ``head`` reads at first, and at most (doubling): a screenful of projects is ~40 KB
_HEAD_FIRST, _HEAD_MOST = 1 << 16, 1 << 22


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

# orjson parses a 10,000-project file about three times faster than json, and writes it about
# four times faster; it is a dependency, and json gives the same results without it.
_loads: Callable[[bytes], Any]
_fast_dumps: Callable[[Any], bytes] | None
try:
    from orjson import dumps as _fast_dumps
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads, _fast_dumps = json.loads, None


def encode_document(doc_id: str, doc: Any) -> bytes:
    """One document's line of the file, without its line break: b' "7": {...}'."""
    if _fast_dumps is not None:
        try:
            return b" " + _fast_dumps(doc_id) + b": " + _fast_dumps(doc)
        except TypeError:  # orjson refuses integers beyond 64 bits; json writes them exactly
            pass
    return f" {_dumps(doc_id)}: {_dumps(doc)}".encode()


def _table_chunks(tables: list[tuple[str, list[bytes]]], *, first: bool = True) -> list[bytes]:
    """The tables' part of a file, from the first table's name to its last closing brace."""
    chunks: list[bytes] = []
    for index, (name, lines) in enumerate(tables):
        if index or not first:
            chunks.append(b",")
        chunks.append(f"\n{_dumps(name)}: {{".encode())
        if lines:
            chunks.append(b"\n")
            chunks.append(b",\n".join(lines))
        chunks.append(b"\n}")
    return chunks


def _assemble(tables: list[tuple[str, list[bytes]]]) -> bytes:
    return b"".join([b"{", *_table_chunks(tables), b"\n}\n"])


def encode_tables(data: Tables) -> bytes:
    """Serialise TinyDB's tables as readable JSON: one document a line, Chinese kept as is."""
    return _assemble(
        [
            (
                name,
                [
                    _stamp_line(doc) if name == STAMP_TABLE else encode_document(key, doc)
                    for key, doc in table.items()
                ],
            )
            for name, table in data.items()
        ]
    )


_BLANK_RE = re.compile(rb"\s*\Z")
_TABLE_LINE_RE = re.compile(rb'("(?:[^"\\]|\\.)*"): \{')
_WITH_COMMA = repeat(b",")


def _decode_lines(raw: bytes) -> tuple[Tables, dict[str, dict[str, bytes]]] | None:
    """Read a file in exactly the layout ``encode_tables`` writes, one document a line.

    Each document line must be ' "<digits>": ' and one JSON value filling the rest of the line
    (a comma after it but for a table's last). Such a line is, by construction, a correct
    encoding of its document and can be written back as it is. None when the layout differs
    in any way: the caller then parses the whole file.
    """
    lines = raw.split(b"\n")
    if len(lines) < 3 or lines[0] != b"{" or lines[-1] != b"" or lines[-2] != b"}":
        return None
    data: Tables = {}
    encoded: dict[str, dict[str, bytes]] = {}
    last = len(lines) - 2  # the file's closing "}"
    i = 1
    try:
        while i < last:
            m = _TABLE_LINE_RE.fullmatch(lines[i])
            if not m:
                return None
            name = _loads(m.group(1))
            if not isinstance(name, str) or name in data:
                return None
            start = i + 1
            # The table ends at the first "}" or "}," line (a document line starts with " ").
            end = min(_index(lines, b"}", start), _index(lines, b"},", start))
            docs = lines[start:end]
            table: dict[str, Any] = {}
            kept: dict[str, bytes] = {}
            if docs:
                if not all(map(bytes.endswith, docs[:-1], _WITH_COMMA)):
                    return None  # a document over several lines, or a hand-made layout
                pieces = [line[:-1] for line in docs[:-1]]
                pieces.append(docs[-1])
                for piece in pieces:
                    found = _document_line(piece)
                    if found is None or found[0] in table:
                        return None
                    doc_id, value = found
                    table[doc_id] = _loads(value)
                    kept[doc_id] = piece
            if (lines[end] == b"}") != (end + 1 == last):  # "}," between tables, "}" after
                return None
            data[name], encoded[name] = table, kept
            i = end + 1
    except (ValueError, IndexError):  # orjson's and json's decode errors are ValueErrors
        return None
    return data, encoded


def _document_line(piece: bytes) -> tuple[str, bytes] | None:
    """A document's line without its comma, ' "<digits>": <value>': its id and the value's
    bytes; None when it is not one."""
    colon = piece.find(b'": ', 2)
    key = piece[2:colon]
    if piece[:2] != b' "' or not key.isdigit():  # bytes.isdigit: ASCII only
        return None
    return key.decode("ascii"), piece[colon + 3 :]


def _index(lines: list[bytes], line: bytes, start: int) -> int:
    """Where ``line`` first is from ``start`` on; past the end when nowhere."""
    try:
        return lines.index(line, start)
    except ValueError:
        return len(lines)


def _decode_head(raw: bytes, count: int, target: str) -> tuple[Tables, bool] | None:
    """From the first bytes of a file of ``encode_tables``' layout: the tables before
    ``target`` whole and the first ``count`` documents of ``target``, and whether that is
    all there is to read: True once ``target`` has ``count`` documents, or the file ended;
    False when ``raw`` ended first. None when the layout differs (the caller then reads the
    whole file).
    """
    lines = raw.split(b"\n")
    complete = raw.endswith(b"\n}\n")
    if not complete:
        lines.pop()  # (a line cut by the end of what was read)
    if len(lines) < 2 or lines[0] != b"{":
        return None
    data: Tables = {}
    i, end = 1, len(lines)
    try:
        while i < end:
            m = _TABLE_LINE_RE.fullmatch(lines[i])
            if not m:
                return (data, True) if complete and lines[i] == b"}" else None
            name = _loads(m.group(1))
            if not isinstance(name, str) or name in data:
                return None
            table: dict[str, Any] = {}
            data[name] = table
            i += 1
            while i < end and lines[i] not in (b"}", b"},"):
                found = _document_line(lines[i].removesuffix(b","))
                if found is None:
                    return None
                table[found[0]] = _loads(found[1])
                if name == target and len(table) == count:
                    return data, True
                i += 1
            if i == end:
                return data, complete
            if name == target:
                return data, True  # (all of it: fewer than count)
            i += 1
    except (ValueError, IndexError):
        return None
    return data, complete


def decode_tables(raw: bytes, path: Path) -> Tables:
    """Parse the file's bytes, or raise DatabaseError naming the file and the line."""
    return _decode(raw, path)[0]


def _decode(
    raw: bytes, path: Path, scan: _Scan | None = None
) -> tuple[Tables, dict[str, dict[str, bytes]]]:
    if _BLANK_RE.match(raw):  # (raw.strip() would copy a large file just to look at it)
        return {}, {}
    scan = scan or _Scan.of_file(raw)
    # orjson reads integers beyond 64 bits as floats; json keeps them exact
    fast = None if _loads is not json.loads and scan.long_numbers else _decode_lines(raw)
    if fast is not None:
        data, encoded = fast
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DatabaseError(say("db.not_utf8", path=path)) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            where = say("where.line", file=path, line=exc.lineno)
            raise DatabaseError(
                say("db.bad_json", where=where, detail=json_problem(exc.msg))
            ) from exc
        encoded = {}
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise DatabaseError(say("db.bad_shape", path=path))
    data.pop(STAMP_TABLE, None)
    encoded.pop(STAMP_TABLE, None)
    return data, encoded


# In a file's bytes: control, bidi and surrogate characters as JSON writes them (escaped or
# not). The store never writes them, so a find means someone else did; the cheap test on the
# whole file spares the per-field cleaning of every clean file. False alarms only cost time.
# Each test is one pass over the bytes that C does at memory speed: a translation, or a
# search for a literal start (one alternation without one is many times slower).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_SCAN_TABLE = bytes(
    0x01 if b in _CONTROL_BYTES else 0x30 if 0x30 <= b <= 0x39 else b for b in range(256)
)  # control bytes -> 0x01, digits -> "0"
_LONG_NUMBER = b"0" * 19  # the shortest integer that may not fit in 64 bits
_SUSPECT_ESCAPES = re.compile(
    rb"\\(?:[bfr]|u(?:00[0189]|007[fF]|20(?:2[a-eA-E]|6[6-9])|[dD][89abAB]))"
)
_SUSPECT_SEQUENCES = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls in UTF-8
    re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),  # bidi embeddings, isolates
    re.compile(rb"\xef\xbb\xbf"),  # byte order mark
)


class _Scan:
    """What one look at a file's bytes tells before parsing them."""

    def __init__(self, suspect: bool, long_numbers: bool) -> None:
        #: control, bidi or surrogate characters may be in there
        self.suspect = suspect
        #: integers of 19 digits or more: only Python's json reads them exactly
        self.long_numbers = long_numbers

    @classmethod
    def of(cls, raw: bytes) -> _Scan:
        """Look at every byte."""
        translated = raw.translate(_SCAN_TABLE)
        return cls(
            suspect=(
                b"\x01" in translated
                or (b"\\" in raw and _SUSPECT_ESCAPES.search(raw) is not None)
                or any(pattern.search(raw) for pattern in _SUSPECT_SEQUENCES)
            ),
            long_numbers=_LONG_NUMBER in translated,
        )

    @classmethod
    def of_file(cls, raw: bytes) -> _Scan:
        """What the stamp says, when the bytes after it are as the store wrote them; else look."""
        m = _STAMP_RE.match(raw)
        if m and m.group(2) and zlib.crc32(memoryview(raw)[m.end() :]) == int(m.group(2)):
            return cls(suspect=m.group(3) == b"true", long_numbers=m.group(4) == b"true")
        return cls.of(raw)


FileKey = tuple[int, int, int, int, bytes | None]


def _file_key(st: os.stat_result, head: bytes) -> FileKey:
    m = _STAMP_RE.match(head)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, m.group(1) if m else None)


class AtomicJSONStorage(TransactionalStorage):
    """A TinyDB storage of one JSON file, with transactions, that re-reads only when it changed.

    Outside a transaction ``read`` looks at the file (a stat and its first bytes) and parses it
    again only when another process replaced it; ``write`` replaces the file atomically.
    Inside one (``begin`` .. ``commit``, with the caller holding the file lock) TinyDB's reads
    and writes see the data in memory, and the file is written once, at commit; ``rollback``
    forgets what changed, so that the next read parses the untouched file again.

    Each document's encoded line is kept: a write re-encodes only the documents that differ
    from the ones read (TinyDB changes documents in place, so they are compared with shallow
    copies taken when the first transaction starts).
    """

    def __init__(
        self, path: str | Path, read_only: bool = False, *, lead: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.path = Path(os.path.realpath(path))
        self.read_only = read_only
        #: tables written first, after the stamp (small ones a first screen needs)
        self.lead = lead
        self.generation = 0  # bumps whenever the data seen by this process changes
        self._data: Tables | None = None
        self._lines: dict[str, dict[str, bytes]] = {}
        self._pristine: dict[str, dict[str, dict[str, Any]]] | None = None
        self._announced: dict[str, set[str] | None] | None = None
        self._key: FileKey | None = None
        self._in_transaction = False
        self._dirty = False
        #: the data read may hold control characters (readers clean what they show)
        self.suspect = False
        self._long_numbers = False  # and integers only Python's json reads exactly

    # --- reading -------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the file again if another process replaced it; True when something changed.

        Inside a transaction this does nothing: the transaction already saw the file as it is.
        """
        if self._in_transaction:
            return False
        try:
            handle = open(self.path, "rb")  # closed by the with-statement below
        except FileNotFoundError:
            if self._key is None and self._data is not None:
                return False
            self._set_data({}, {}, None)
            return True
        with handle:
            st = os.fstat(handle.fileno())
            key = _file_key(st, handle.read(_HEAD_BYTES))
            if key == self._key and self._data is not None:
                return False
            handle.seek(0)  # the same file, even if replaced since: one read, no copying
            raw = handle.read()
        scan = _Scan.of_file(raw)
        with collector_paused():
            data, encoded = _decode(raw, self.path, scan)
        self.suspect = scan.suspect
        self._long_numbers = scan.long_numbers
        m = _STAMP_RE.match(raw)
        self._set_data(data, encoded, key)
        self.ordered = bool(m and m.group(5) == b"true")
        return True

    def head(self, count: int, table: str) -> Tables | None:
        """The tables before ``table`` and the first ``count`` documents of ``table``, from
        the first bytes of the file alone, when its writer kept them in the order readers
        want them (``ordered``) and the file needs no cleaning; None otherwise (and when
        there is no file)."""
        try:
            handle = open(self.path, "rb")  # closed by the with-statement below
        except FileNotFoundError:
            return None
        with handle:
            raw = handle.read(_HEAD_FIRST)
            m = _STAMP_RE.match(raw)
            if not m or m.group(5) != b"true" or b"true" in (m.group(3), m.group(4)):
                return None  # (suspect text or long numbers: only the full read handles them)
            while True:
                found = _decode_head(raw, count, table)
                if found is None:
                    return None
                tables, done = found
                if done:
                    tables.pop(STAMP_TABLE, None)
                    return tables
                if len(raw) >= _HEAD_MOST:
                    return None
                more = handle.read(len(raw))
                if not more:
                    return None
                raw += more

    def _set_data(self, data: Tables, lines: dict[str, dict[str, bytes]], key: Any) -> None:
        self._data, self._lines, self._key = data, lines, key
        self._pristine = None
        self.generation += 1
        self.ordered = not data  # (nothing is in order; a file says so in its stamp)

    def read(self) -> Tables | None:
        """The current tables (TinyDB may change them in place before calling write)."""
        if not self._in_transaction:
            self.refresh()
        return self._data

    def tables(self) -> Tables:
        """The tables as they are now, for the store's reads (do not change them)."""
        return self.read() or {}

    # --- writing -------------------------------------------------------------------------
    def write(self, data: Tables) -> None:
        """Accept TinyDB's new state: on disk now, or at commit inside a transaction."""
        if self.read_only:
            raise DatabaseError(say("db.opened_read_only", path=self.path))
        self._data = data
        if self._in_transaction:
            self._dirty = True
        else:
            self._announced = None
            self._flush()

    def begin(self, *, broken_ok: bool = False, announced: bool = False) -> None:
        """Start a transaction: see the file as it is now and hold writes until commit.

        With ``broken_ok`` a file that cannot be parsed is taken as empty (a restore). With
        ``announced`` the caller promises to ``announce`` every existing document it changes
        (new ones need no word): then no copies are taken to find them.
        """
        if self._in_transaction:
            raise RuntimeError("a transaction is already open")
        try:
            self.refresh()
        except DatabaseError:
            if not broken_ok:
                raise
            self._set_data({}, {}, None)
        if self._data is None:
            self._data = {}
        self._announced = {} if announced else None
        if not announced:
            self._snapshot()
        self._in_transaction = True
        self._dirty = False

    def announce(self, table: str, keys: Iterable[str] | None = None) -> None:
        """Say that these documents of ``table`` (all of them, without ``keys``) will change
        in this transaction."""
        if self._announced is None:
            return  # compared with copies anyway
        if keys is None:
            self._announced[table] = None
            return
        known = self._announced.setdefault(table, set())
        if known is not None:  # (None: the whole table changes anyway)
            known.update(keys)

    def _snapshot(self) -> None:
        """Shallow copies of the documents read, to tell later which ones TinyDB changed."""
        if self._pristine is None and self._data is not None:
            self._pristine = {
                name: {key: dict(doc) for key, doc in self._data.get(name, {}).items()}
                for name in self._lines
            }

    def _write_out(self) -> None:
        self._flush()

    def _discard(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._data, self._key, self._lines, self._pristine = None, None, {}, None
        self.generation += 1

    def _flush(self) -> None:
        assert self._data is not None
        announced, pristine = self._announced, self._pristine
        tables: list[tuple[str, list[bytes]]] = []
        fresh: list[bytes] = []  # documents encoded now, not lines kept from the file read
        names = [n for n in self.lead if n in self._data]
        names += [n for n in self._data if n not in names and n != STAMP_TABLE]
        for name in names:
            docs = self._data[name]
            lines_of = self._lines.setdefault(name, {})
            keys = list(docs)
            lines: list[bytes | None] = list(map(lines_of.get, keys))
            if announced is not None:  # the caller named what changed
                touched = announced.get(name, set())
                if touched is None:
                    lines = [None] * len(keys)
                elif touched:
                    lines = [
                        None if k in touched else line for k, line in zip(keys, lines, strict=True)
                    ]
            elif pristine is not None:
                # A line is reused when the copy taken with it equals the document now
                # (compared in C, a whole table at a time).
                copies = pristine.get(name, {})
                same = map(operator.eq, map(copies.get, keys), map(docs.__getitem__, keys))
                lines = [line if ok else None for line, ok in zip(lines, same, strict=True)]
            else:  # TinyDB changed documents in place with nothing to compare: encode all
                lines = [None] * len(keys)
            for i in [i for i, line in enumerate(lines) if line is None]:
                key = keys[i]
                line = lines[i] = lines_of[key] = encode_document(key, docs[key])
                fresh.append(line)
                if pristine is not None and announced is None:
                    pristine.setdefault(name, {})[key] = dict(docs[key])
            tables.append((name, [line for line in lines if line is not None]))  # (all are)
        kept = sum(len(lines) for _name, lines in tables) > len(fresh)
        if announced is not None:
            self._pristine = None  # the copies no longer match: taken again when needed
        # What a scan of the new file would find, for the stamp: the new lines are looked at;
        # the kept ones were clean if the file read was (else everything is looked at again).
        rest = [*_table_chunks(tables, first=False), b"\n}\n"]
        if kept and (self.suspect or self._long_numbers):
            scan = _Scan.of(b"".join(rest))
        else:
            scan = _Scan.of(b"\n".join(fresh))
        suspect, long_numbers = scan.suspect, scan.long_numbers
        crc = 0
        for chunk in rest:
            crc = zlib.crc32(chunk, crc)
        stamp = {"token": os.urandom(16).hex(), "crc32": crc, "suspect": suspect,
                 "long_numbers": long_numbers, "ordered": self.ordered}  # fmt: skip
        head = _table_chunks([(STAMP_TABLE, [_stamp_line(stamp)])])
        payload = b"".join([b"{", *head, *rest])
        try:
            st = atomic_write_bytes(self.path, payload)
        except BaseException:
            self._forget()
            raise
        self._key = _file_key(st, payload[:_HEAD_BYTES])
        self.suspect, self._long_numbers = suspect, long_numbers
        self.generation += 1

    def close(self) -> None:
        """Nothing stays open between calls."""


def _stamp_line(stamp: dict[str, Any]) -> bytes:
    """The stamp's line, in the layout ``_STAMP_RE`` reads (json's separators)."""
    return f' "1": {_dumps(stamp)}'.encode()


def write_tables(path: Path, data: Tables, *, like: Path | None = None) -> None:
    """Write whole tables as a database file of this layout, atomically (with a fresh stamp)."""
    stamp = {STAMP_TABLE: {"1": {"token": os.urandom(16).hex()}}}
    atomic_write_bytes(path, encode_tables({**stamp, **data}), like=like)
