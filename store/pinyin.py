"""Pinyin readings for Latin search and for sorting Chinese as people expect.

pypinyin's data, read without importing pypinyin: its import loads every phrase it knows as
nested lists (about 45 MiB in every process). Here each character's reading is its first
reading with the tones taken off (what ``lazy_pinyin(char, style=NORMAL)`` gives, ü as v),
and the phrases are kept as a compact table: a phrase's readings only where they differ
from reading each character alone (银行 yinhang, not yinxing), none where they do not.
Both are read once per process, on first use (a worker's, after the first screen).
"""

from __future__ import annotations

import importlib.util
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import orjson

#: a phrase's key line in pypinyin's phrases_dict.json: "银行": [
_PHRASE_KEY = re.compile(r'^"([^"\n]+)": ', re.M)
_load_lock = threading.Lock()
_readings: dict[str, str] | None = None  # code point (as text) -> its readings, "xíng,háng"
_phrases: dict[str, tuple[str, ...]] | None = None  # phrase -> readings where they differ
_longest = 1


def _data_file(name: str) -> Path:
    """One of pypinyin's data files (found without importing the package)."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise ModuleNotFoundError("pypinyin")
    return Path(next(iter(spec.submodule_search_locations)), name)


@lru_cache(maxsize=8192)
def plain(reading: str) -> str:
    """A reading without its tone marks, ü written v, as pypinyin's NORMAL style writes it."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _load() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    global _readings, _phrases, _longest
    with _load_lock:
        if _readings is None or _phrases is None:
            readings: dict[str, str] = orjson.loads(_data_file("pinyin_dict.json").read_bytes())
            text = _data_file("phrases_dict.json").read_text(encoding="utf-8")
            decoder = orjson.loads
            phrases: dict[str, tuple[str, ...]] = {}
            last: re.Match[str] | None = None
            for m in (*_PHRASE_KEY.finditer(text), None):
                if last is not None:  # its value runs up to the next phrase (or the end)
                    phrase = last.group(1)
                    value = text[last.end() : m.start() if m else len(text)]
                    said = tuple(
                        plain(options[0])
                        for options in decoder(value.rstrip().rstrip(",}").rstrip())
                    )
                    alone = tuple(_alone(readings, c) for c in phrase)
                    phrases[phrase] = () if said == alone else said
                    _longest = max(_longest, len(phrase))
                last = m
            _readings, _phrases = readings, phrases
        return _readings, _phrases


def _alone(readings: dict[str, str], char: str) -> str:
    found = readings.get(str(ord(char)))
    return plain(found.split(",", 1)[0]) if found else char.lower()


@lru_cache(maxsize=65536)
def char_reading(char: str) -> str:
    """One character's reading alone (its first); anything without pinyin, lower-cased."""
    if not "\u3400" <= char <= "\u9fff" and char != "\u3007":
        return char.lower()
    return _alone(_load()[0], char)


@lru_cache(maxsize=4096)
def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials of each character, e.g. ('jiaoyuju', 'jyj').

    Read as phrases (the longest known phrase first, as pypinyin cuts), so that a character
    with several readings gets the one its word needs (银行 yinhang). Units repeat: this is
    for them; long texts are read a character at a time (``full_pinyin`` in store.query).
    """
    _readings_of, phrases = _load()
    syllables: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for size in range(min(_longest, n - i), 1, -1):
            said = phrases.get(text[i : i + size])
            if said is not None:
                syllables.extend(said or map(char_reading, text[i : i + size]))
                i += size
                break
        else:
            syllables.append(char_reading(text[i]))
            i += 1
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def release_pinyin_tables() -> None:
    """Let the tables go (about 25 MiB): the readings already asked for stay cached, and a
    character or unit not seen yet has them read again."""
    global _readings, _phrases
    with _load_lock:
        _readings = _phrases = None
