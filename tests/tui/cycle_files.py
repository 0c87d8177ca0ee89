"""The next month's report as the office would get it: the bundled table retitled 1-7 月份,
with one project's progress extended and another's reported 工作成效 changed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"
#: what X01 reports in July beyond its June text
JULY_PROGRESS = "7月，完成全部场地施工。"


def write_july_report(folder: Path, *, title: bool = True) -> Path:
    """A copy of the bundled report for 1-7 月份 in ``folder``: X01 (县级 1) progress extended,
    X02 (县级 2) reported 已完成; without ``title`` its titles say no months."""
    lines = BUNDLED.read_text(encoding="utf-8").split("\n")
    table = ""
    out = []
    for line in lines:
        if line.startswith("#"):
            table = "县级" if "（县级）" in line else "省市级"
            line = line.replace("（1-6 月份）", "（1-7 月份）" if title else "")
        cells = line.split("\t")
        if table == "县级" and cells[0] == "1":
            cells[5] += JULY_PROGRESS
        elif table == "县级" and cells[0] == "2":
            cells[6] = "已完成"
        out.append("\t".join(cells))
    path = folder / ("lanling-2023-m07.md" if title else "lanling-2023-m07-notitle.md")
    path.write_text("\n".join(out), encoding="utf-8")
    return path
