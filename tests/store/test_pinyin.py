"""Pinyin from pypinyin's data without pypinyin's phrase objects: the same readings."""

from __future__ import annotations

import subprocess
import sys

import orjson
from pypinyin import Style, lazy_pinyin

from bench.synthetic import DEPARTMENTS
from importers.report import read_report
from store.pinyin import _data_file, char_reading, pinyin_keys
from tests.tui.conftest import BUNDLED


def _pypinyin_keys(text: str) -> tuple[str, str]:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars.lower()))
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


def test_every_character_reads_as_pypinyin_reads_it_alone() -> None:
    table = orjson.loads(_data_file("pinyin_dict.json").read_bytes())
    # (the unified ideographs and extension A: what the reports are written in)
    chars = [c for c in map(chr, map(int, table)) if "\u3400" <= c <= "\u9fff" or c == "〇"]
    assert len(chars) > 25_000
    differ = [c for c in chars if char_reading(c) != lazy_pinyin(c, style=Style.NORMAL)[0]]
    assert differ == []
    assert char_reading("绿") == "lv" and char_reading("A") == "a"


def test_units_read_as_phrases_as_pypinyin_reads_them() -> None:
    units = {r.fields.get("department", "") for r in read_report(BUNDLED).records}
    units |= set(DEPARTMENTS) | {"中国农业银行兰陵县支行", "县行政审批服务局", "重庆市长寿区"}
    assert len(units) >= 25
    assert {u: pinyin_keys(u) for u in units} == {u: _pypinyin_keys(u) for u in units}
    assert pinyin_keys("中国银行") == ("zhongguoyinhang", "zgyh")  # (行 alone reads xing)
    assert char_reading("行") == "xing"


def test_reading_pinyin_does_not_load_pypinyin() -> None:
    code = (
        "import sys\n"
        "from store.query import ProjectIndex, ProjectQuery\n"
        "from bench.synthetic import make_projects\n"
        "from store.models import project_from_record\n"
        "parsed = make_projects(30)\n"
        "index = ProjectIndex([project_from_record(r, 2023) for r in parsed.records])\n"
        "assert index.evaluate(ProjectQuery(search='xian'))[0]\n"
        "print('pypinyin' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
