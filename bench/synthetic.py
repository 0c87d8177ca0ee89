"""Synthetic reports shaped like the bundled 2023 兰陵县 report, of any size.

`make_projects(n, seed)` returns what an importer would: a ParsedReport with ``n`` records over
two tables (县级 and 省市级), three levels, 20 departments and all four statuses (each written
in one of its reported wordings). Text lengths are drawn from the bundled report's own lengths,
field by field, so the JSON has the bundled report's size per project.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.models import ParsedReport, ProjectRecord, Report

# Characters per cell in data/lanling-2023-h1.md (49 rows), measured once.
SEED_LENGTHS: dict[str, tuple[int, ...]] = {
    "name": (17, 10, 7, 14, 10, 13, 19, 12, 12, 11, 13, 10, 11, 17, 10, 8, 12, 12, 8, 11,
             8, 8, 8, 10, 15, 12, 9, 10, 16, 12, 10, 11, 8, 12, 16, 14, 10, 15, 9, 14, 10,
             8, 14, 9, 8, 8, 10, 10, 8),
    "overview": (347, 61, 280, 139, 147, 134, 67, 110, 227, 73, 101, 107, 64, 139, 227, 37,
                 120, 38, 54, 65, 50, 38, 29, 81, 101, 97, 57, 48, 75, 31, 60, 34, 71, 104,
                 37, 94, 53, 54, 14, 246, 35, 59, 54, 77, 49, 14, 63, 34, 18),
    "target": (130, 88, 190, 263, 142, 82, 144, 102, 105, 50, 40, 91, 33, 62, 105, 52, 43,
               18, 52, 78, 39, 21, 29, 73, 40, 99, 29, 51, 31, 89, 64, 33, 46, 46, 35, 60, 72,
               105, 46, 106, 32, 56, 54, 67, 59, 15, 63, 61, 86),
    "plan": (511, 349, 313, 408, 147, 144, 291, 563, 179, 73, 189, 212, 869, 308, 168, 196,
             236, 268, 245, 133, 174, 78, 114, 188, 188, 312, 223, 63, 551, 19, 158, 174, 63,
             104, 52, 108, 79, 266, 592, 52, 105, 111, 228, 182, 159, 56, 54, 194, 310),
    "progress": (322, 48, 81, 320, 75, 264, 188, 179, 185, 5, 163, 332, 388, 218, 187, 170,
                 126, 45, 84, 148, 55, 36, 36, 475, 42, 347, 70, 181, 57, 86, 58, 67, 46, 35,
                 51, 103, 35, 66, 289, 35, 34, 74, 114, 18, 38, 20, 67, 144, 146),
}  # fmt: skip

DEPARTMENTS: tuple[str, ...] = (
    "县教育体育局",
    "县卫健局",
    "县人力资源社会保障局",
    "县民政局",
    "县医保局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县文化和旅游局",
    "县市场监管局",
    "县生态环境局",
    "县财政局",
    "县残联",
    "县妇联",
    "县退役军人事务局",
    "县综合行政执法局",
    "县发展和改革局",
    "县自然资源局",
    "兰陵城市建设发展有限公司（县住房和城乡建设局）",
)
# Each status in the wordings reports use; the store normalises them.
STATUS_WORDINGS: tuple[tuple[str, ...], ...] = (
    ("推进正常", "正常推进", "推进正常"),
    ("已完成", "工作完成"),
    ("滞后", "进度滞后"),
    ("未启动", "尚未启动"),
)
STATUS_WEIGHTS = (70, 15, 10, 5)
TABLES = ("县级", "省市级")
YEAR = 2023

_HAN = (
    "民生实事项目推进建设完成工作服务群众县乡镇村社区学校医院道路供水污水治理改造提升"
    "新建维修补助资金保障标准落实开展组织实施计划目标任务年度月份全面加快质量安全养老"
    "托育就业培训康复救助健康文化体育设施公园广场照明绿化清洁取暖充电农田水利河道排查"
)
_PUNCT = "，，，。；、"


def _text(rng: random.Random, length: int) -> str:
    """Chinese-looking text of exactly ``length`` characters: clauses, digits, punctuation."""
    out: list[str] = []
    size = 0
    while size < length:
        clause = "".join(rng.choices(_HAN, k=rng.randint(6, 18)))
        if rng.random() < 0.3:
            clause += str(rng.randint(1, 9999))
        clause += rng.choice(_PUNCT)
        out.append(clause)
        size += len(clause)
    text = "".join(out)[:length]
    return text if length < 2 else text[:-1] + "。"


def _plan(rng: random.Random, length: int) -> str:
    """A monthly plan: '1 月：…' items, ``length`` characters in all."""
    if length < 40:
        return _text(rng, length)
    items = []
    months = min(12, max(1, length // 40))
    per = length // months
    for month in range(1, months + 1):
        head = f"{month} 月："
        items.append(head + _text(rng, max(2, per - len(head) - 1)))
    return " ".join(items)[:length]


def make_projects(n: int, seed: int = 0) -> ParsedReport:
    """A report of ``n`` projects; the same ``seed`` gives the same report."""
    rng = random.Random(seed)
    county = max(1, n // 5) if n > 1 else n
    records: list[ProjectRecord] = []
    for index in range(n):
        table = TABLES[0] if index < county else TABLES[1]
        number = index + 1 if table == TABLES[0] else index - county + 1
        row = rng.randrange(len(SEED_LENGTHS["name"]))  # one seed row's lengths, kept together
        lengths = {name: values[row] for name, values in SEED_LENGTHS.items()}
        if table == TABLES[0]:
            level = "县级"
        else:
            level = "市级" if rng.random() < 13 / 39 else "省级"
        status = rng.choices(STATUS_WORDINGS, weights=STATUS_WEIGHTS)[0]
        month = rng.randint(4, 12)
        deadline = rng.choice((f"{YEAR}年{month}月", f"{YEAR} 年 {month} 月"))
        fields = {
            "name": _text(rng, lengths["name"] - 2) + "项目",
            "overview": _text(rng, lengths["overview"]),
            "target": _text(rng, lengths["target"]),
            "plan": _plan(rng, lengths["plan"]),
            "progress": _text(rng, lengths["progress"]),
            "status": rng.choice(status),
            "deadline": deadline,
            "department": DEPARTMENTS[index % len(DEPARTMENTS)],
            "level": level,
        }
        records.append(ProjectRecord(table=table, number=number, fields=fields, line=index + 6))
    report = Report(
        region="兰陵县",
        year=YEAR,
        period_from=1,
        period_to=6,
        titles={
            t: f"兰陵县 {YEAR} 年度重点民生实事项目推进情况表（1-6 月份）（{t}）" for t in TABLES
        },
    )
    return ParsedReport(report=report, records=records)


if __name__ == "__main__":
    parsed = make_projects(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    for rec in parsed.records[:3]:
        print(rec.table, rec.number, {k: v[:30] for k, v in rec.fields.items()})
    print(len(parsed.records), "records")
