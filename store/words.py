"""Every message a user reads, in the report's own words: one place holds them.

Messages are ``str.format`` templates in ``MESSAGES``, named ``area.what``; ``say(key, **values)``
fills one in. The store, the importers and the app all read them from here (nothing of ours is
imported: the callers pass the values, field labels included, from ``store.vocabulary``). A new
message goes here, under its area; ``tests/store/test_words.py`` checks that none is written in
English and that each is used.

How an office writes numbers and dates (``count``, ``size``, ``day``, ``month``, ``months``,
``moment``): whole numbers as plain digits, with no separators (``1001``, ``131072``); a round
number of ten thousands or more in 万 or 亿 (``2万``, ``100万``, ``1.5万``), which says the same
number exactly; dates as ``2023年6月30日``, months as ``2023年8月``, a run of months as ``1-6月``.
A message joins a place and what is wrong there with a full-width colon: ``t.md 第12行：…``.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Iterable

MESSAGES: dict[str, str] = {
    # --- where something is: a file, its line, sheet, row and cell --------------------------
    "where.at": "{where}：{what}",
    "where.line": "{file} 第{line}行",
    "where.sheet": "{file} {sheet} 工作表",
    "where.sheet_row": "{sheet}第{row}行",
    "where.sheet_cell": "{sheet} {cell} 单元格",
    "where.column": "第{column}列",
    "where.column_label": "第{column}列（{label}）",
    "where.title": "标题",
    "where.cell": "单元格",
    # --- sizes ---------------------------------------------------------------------------------
    "size.bytes": "{n} 字节",
    # --- importers: reading a report file ------------------------------------------------------
    "import.no_header": "找不到表头（含“序号”和“项目名称”两列的一行）",
    "import.header_no_name": "表头没有“项目名称”（或“项目内容”）列",
    "import.too_many_rows": "超过 {limit} 行（一个文件的上限）",
    "import.row_too_wide": "这一行有 {cells} 个单元格，上限是 {limit} 列",
    "import.too_long": "{what}有 {length} 个字符，超过一个单元格的上限 {limit}",
    "import.title_differs": "标题写的是 {value}，前面的标题写的是 {earlier}",
    "import.title_months_differ": "标题的月份与前面的标题不同",
    "import.row_before_header": "这一行在表头之前，已忽略",
    "import.row_cells": "这一行有 {cells} 个单元格，表头有 {width} 个",
    "import.key_formula": (
        "{label}是没有保存计算结果的公式；请用 Excel 或 WPS 打开这个文件再保存一次，"
        "让它存下计算结果"
    ),
    "import.formula": "公式没有保存计算结果，这一格保持原样",
    "import.not_a_number": "{label} {value} 不是数字",
    "import.no_name": "{label} {number} 没有项目名称，已跳过这一行",
    "import.repeated": "{label} 再次出现（第一次在 {first}）",
    "import.merged_no_project": "这一行的序号与上方合并，但上方没有项目，已忽略",
    "import.continue_no_project": "这一行没有序号，前面也没有可接续的项目，已忽略",
    "import.more_warnings": "另有 {n} 条提示未列出",
    "import.empty": "文件是空的",
    "import.bad_utf16": "不是文本文件（UTF-16 编码有误）",
    "import.nul_bytes": "不是文本文件（含有 NUL 字节）",
    "import.not_utf8_or_gb": "不是文本文件（既不是 UTF-8 也不是 GB18030 编码）",
    "import.nul_chars": "不是文本文件（含有 NUL 字符）",
    "import.control_chars": "不是文本文件（含有控制字符）",
    "import.text_too_long": "文字超过 {limit} 个字符（上限）",
    "import.not_a_row": "这一行不是表格行（没有制表符），已忽略",
    "import.csv_cell_too_long": "有单元格超过 {limit} 个字符，一个单元格的上限是 {limit}",
    "import.bad_csv": "CSV 格式有误：{detail}",
    "import.quote_never_closed": '这一行开始的引号没有结束（缺少一个 "）',
    "import.quote_text_after": (
        "这一行开始的带引号单元格，结束引号之后还有文字（{after}）；"
        "缺少一个引号，或单元格里的引号没有写成两个"
    ),
    "import.quote_text_after_line": (
        "这一行开始的带引号单元格在第{line}行结束，结束引号之后还有文字（{after}）；"
        "缺少一个引号，或单元格里的引号没有写成两个"
    ),
    "import.file_too_big": "文件超过 {limit}（上限）",
    "import.not_xlsx": "不是可以读取的 .xlsx 工作簿（{detail}）",
    "import.unpacked_too_big": (
        "工作簿解压后要占 {total}（其中 {part} 一项就占 {part_size}），上限是 {limit}"
    ),
    "import.part_too_big": "其中的 {part} 解压后有 {size}，整体读取的部分上限是 {limit}",
    "import.too_many_elements": (
        "工作簿含有超过 {limit} 个 XML 元素（行、单元格、字符串、样式，空白的也算），已到上限"
    ),
    "import.row_too_many_cells": "{part} 中有一行超过 {limit} 个单元格，比一个工作表能有的还多",
    "import.too_many_objects": (
        "工作簿中行、单元格及其文字以外的 XML 元素（样式、合并单元格、名称等，"
        "其中有 {part} 的）超过 {limit} 个，已到上限"
    ),
    "import.too_many_attributes": "{part} 中有元素的属性超过 {limit} 个，已到上限",
    "import.tag_too_long": "{part} 中有长于 {limit} 的 XML 标签",
    "import.cannot_read": "无法读取文件（{detail}）",
    "import.wrong_encoding": (
        "不是 UTF-8 或 UTF-16 文本，按 GB18030 读取又{no_header}；"
        "Big5、Shift-JIS 等其他编码的文件须先另存为 UTF-8"
    ),
    # --- the store: saving, undoing, importing -------------------------------------------------
    "store.malformed_project": "项目文档 {key} 格式有误（{detail}）",
    "store.no_project": "没有编号为 {id} 的项目",
    "store.read_only": "{where}：以只读方式打开，不能修改",
    "store.read_only_because": "{where}：以只读方式打开（{reason}），不能修改",
    "store.not_written": "{where}：没有保存：数据库文件无法写入（{detail}）",
    "store.no_change": "历史记录中没有第{id}条更改",
    "store.change_not_of_project": "第{id}条更改（{field}）不属于哪个项目",
    "store.change_created": "第{id}条更改新建了项目 {project}，不能撤销",
    "store.change_cannot_undo": "第{id}条更改：{field} 不能撤销",
    "store.undo_note": "撤销第{id}条更改",
    "store.bad_period": "报告期 {period} 不在 1-12月之内",
    "store.indicator_unnamed": "指标须有名称或单位",
    "store.indicator_not_number": "指标的{what}须是 0 或更大的数，不能是 {value}",
    "store.indicator_target": "目标",
    "store.indicator_planned": "计划",
    "store.indicator_actual": "实际完成",
    "store.merge_same": "不能把 {old} 并入 {new}：须是两个不同的名称",
    "store.already_merged": "{new} 已经并入 {old}",
    "store.not_merged": "{old} 没有并入别的单位",
    "store.import_repeated": ("{where}：{table} 编号 {number} 在第{first}行也有，以后面的一行为准"),
    "store.import_status": "{where}：{id} {problem}",
    "store.no_backups": "{where}：这里不保留备份",
    "store.no_backups_to_restore": "{where}：这里不保留备份，无从恢复",
    "store.bad_update_month": "月份 {value} 不是 {first}-01 到 {last}-12 之间的 YYYY-MM",
    "store.update_empty": "进展须有内容",
    "store.not_editable": "{name} 不是可以修改的字段",
    "store.empty": "{label}不能为空",
    "store.not_one_of": "{label}须是 {choices} 之一，不能是 {value}",
    "store.bad_deadline": "{label} {value} 不是月份，应写作 2023-08 或 2023年8月",
    "store.conflict": "{project} 已被{who}修改；{had}现在是第{revision}版，请重新载入后再改",
    "store.conflict_by": " {by} 于 {at}{via} ",
    "store.conflict_via": "（{source}）",
    "store.conflict_other": "另一位编辑者",
    "store.conflict_had": "你打开时是第{revision}版，",
    "store.import_summary": "新增 {new}，有变化 {changed}，无变化 {unchanged}",
    "store.merge_note": "{old} 并入 {new}",
    "store.unmerge_note": "{old} 不再并入 {new}",
    # --- where changes come from (the history's source codes, as people read them) ----------
    "source.tui": "界面",
    "source.cli": "命令行",
    "source.undo": "撤销",
    "source.restore": "恢复备份",
    "source.import": "导入 {file}",
    # --- 工作成效 and 序时 ---------------------------------------------------------------------
    "status.negated": "{label} {raw}：{negation} 否定了 {word}，不读作{name}；保留原文",
    "status.unknown": "{label} {raw} 不是 {choices} 之一；保留原文",
    "schedule.ahead": "快于本期计划",
    "schedule.on_time": "符合本期计划",
    "schedule.slow": "略慢于本期计划",
    "schedule.late": "明显落后于本期计划",
    "schedule.done": "已完成：报告已完成，或各项目标都已达到",
    "schedule.bad_basis": "序时依据 {basis} 应为 {choices} 之一",
    "schedule.stored_order": (
        "序时阈值须从低到高：慢序时 {slow} ≤ 按序时 {on_time} ≤ 超序时 {ahead}"
    ),
    "schedule.stored_points": "序时百分点须不小于 0，且慢序时 {slow} ≤ 滞后 {late}",
    "schedule.stored_not_number": "序时设置 {name} 须是数字，不能是 {value}",
    "schedule.bad_thresholds": "序时阈值 {text} 应为三个数字，如 110,90,70",
    "schedule.three": "序时阈值应为三个数字，从高到低",
    "schedule.descending": "序时阈值 {shown} 应从高到低排列，如 110,90,70",
    "schedule.ratio_range": "序时阈值 {shown} 应在 0 到 {limit}（%）之间",
    "schedule.points_range": (
        "序时阈值 {shown} 应在 -100 到 100 之间，第一个不小于 0、第二个不大于 0，如 10,-10,-30"
    ),
    "schedule.unjudged": "无法判定：没有既有计划数又有完成数的指标",
    "indicator.no_period": "没有报告期：无法确定到期的计划",
    "indicator.level": "水平类指标没有分月计划：不按序时折算",
    "indicator.plan_after": "计划的第一个数量要到{month}月以后才到期",
    "indicator.share_plan_after": "计划的第一个比例要到{month}月以后才到期",
    "indicator.part_of": "{whole}的一部分，按它的计划到期（计划 {planned}，目标 {target}）",
    "indicator.share_of": "{whole}的一个比例，按它的计划到期（计划 {planned}，目标 {target}）",
    # --- checking the stored data --------------------------------------------------------------
    "check.unknown_table": "未知的表 {name}",
    "check.project_document": "项目文档 {id}",
    "check.project": "项目 {id}（文档 {document}）",
    "check.history_document": "历史记录文档 {id}",
    "check.id_not_a_number": "{where}：文档编号不是数字",
    "check.not_an_object": "{where}：不是 JSON 对象",
    "check.missing": "{where}：缺少 {keys}",
    "check.no_id": "{where}：没有编号",
    "check.id_reused": "{where}：文档 {other} 也用了这个编号",
    "check.bad_revision": "{where}：版本号 {value} 不是正整数",
    "check.bad_number": "{where}：序号 {value} 不是整数",
    "check.not_text": "{where}：{key} 不是文字",
    "check.control_chars": "{where}：{key} 含有控制字符或不可见字符",
    "check.bad_departments": "{where}：departments 不是文字列表",
    "check.bad_extra": "{where}：extra 不是文字表",
    "check.bad_progress_history": "{where}：progress_history 不是各期记录的列表",
    "check.progress_history_control": "{where}：progress_history 含有控制字符",
    "check.bad_indicator_edits": "{where}：indicator_edits 不是更正记录的列表",
    "check.bad_updates": "{where}：updates 不是列表",
    "check.update_incomplete": "{where}：第{n}条进展缺少 month、text、at 或 by",
    "check.update_control": "{where}：第{n}条进展含有控制字符",
    "check.history_bad_id": "{where}：编号不是正数",
    # --- the database file, its lock and backups -----------------------------------------------
    "db.not_writable": "{user} 不能写入 {path}",
    "db.folder_not_writable": "{user} 不能写入文件夹 {folder}",
    "db.lock_not_readable": "{user} 不能读取锁文件 {lock}",
    "db.network_fs": (
        "{path}：所在文件夹在 {kind} 上，这是网络文件系统，文件锁可能不起作用，"
        "两人同时保存可能丢失修改；请把数据库放在服务器本机的磁盘上，"
        "或用 --read-only 只读打开，或加上 --i-know-locks-may-fail"
    ),
    "db.broken": "{problem}；{hint}",
    "db.backup_failed": "{path}：没有保存：保存前的备份无法写入（{detail}）",
    "db.lock_lost": (
        "{path}：没有保存：保存时锁文件 {lock} 被删除了（可能另有人开始写入）；请再试一次"
    ),
    "db.not_restored": "{path}：没有恢复：{problem}",
    "db.not_utf8": "{path}：不是民生实事数据库（不是 UTF-8 文本）",
    "db.bad_json": "{where}：不是民生实事数据库（{detail}）",
    "db.bad_shape": "{path}：不是民生实事数据库（JSON 结构不对）",
    "os.no_space": "磁盘已满",
    "os.quota": "超出了磁盘配额",
    "os.no_permission": "没有权限",
    "os.no_such_file": "没有这个文件或文件夹",
    "os.read_only_fs": "所在的文件系统是只读的",
    "os.io_error": "读写出错（磁盘或网络故障）",
    "os.is_folder": "这是一个文件夹",
    "os.not_a_folder": "路径中有一段不是文件夹",
    "os.name_too_long": "文件名太长",
    "os.busy": "文件正被占用",
    "os.too_many_links": "符号链接绕成了圈",
    "os.address_in_use": "端口已被占用",
    "os.address_unavailable": "这台计算机没有这个地址",
    "json.expecting_value": "缺少一个值",
    "json.expecting_comma": "缺少逗号",
    "json.expecting_colon": "缺少冒号",
    "json.expecting_name": "缺少用双引号括起的键名",
    "json.unterminated_string": "字符串没有结束",
    "json.extra_data": "数据结束后还有多余的内容",
    "json.control_character": "字符串里有控制字符",
    "json.bad_escape": "字符串里有无效的转义",
    "db.opened_read_only": "{path}：以只读方式打开",
    "db.no_such_database": "{path}：没有这个数据库",
    "db.migrate_exists": "{path}：已经存在；db migrate 只写新的数据库，请换一个文件名",
    "db.migrate_same": "{target} 与 {source} 是同一个文件",
    "db.migrate_broken": "{path}：没有复制：{problem}（见 minsheng db check）",
    "db.migrate_differs": "{path}：没有生成：复制后读回的内容与原数据库不一致",
    "cli.migrated": "{target}：已从 {source} 复制 {projects} 个项目、{changes} 条修改记录",
    "db.duplicate_key": "同一个对象里键 {key} 出现了两次",
    "db.cannot_read": "{path}：无法读取（{detail}）",
    "db.no_good_backup": "文件没有改动；{folder} 中没有找到完好的备份",
    "db.good_backup": (
        "文件没有改动；最新的完好备份是 {backup}"
        "（恢复的命令：minsheng --db {db} db restore {name}）"
    ),
    "lock.other_thread": "{path}：本程序的另一个线程正在保存",
    "lock.timeout": "{path}：没有保存：{holder} 占用锁已超过 {seconds} 秒",
    "lock.someone": "另一个进程",
    "lock.holder": "{user}（进程 {pid}，计算机 {host}）",
    # --- the command line ------------------------------------------------------------------------
    "cli.not_seconds": "{value} 不是秒数",
    "cli.bad_months": "{value} 不是 1-12月之内的起止月份，应写作 1-7 这样",
    "cli.bad_date": "{value} 不是日期，应写作 YYYY-MM-DD，如 2023-07-31",
    "cli.no_database": (
        "{path}：没有这个数据库{folder}；请检查路径，或用 --create 新建"
        "（或用 minsheng import 文件 导入来新建）"
    ),
    "cli.no_database_read_only": "{path}：没有这个数据库{folder}，无从只读打开",
    "cli.no_folder": "（文件夹 {folder} 也不存在）",
    "cli.waiting": "{path}：{holder}正在保存，等它保存完（{limit}）",
    "cli.wait_limit": "{seconds} 秒后放弃",
    "cli.wait_forever": "按 Ctrl+C 放弃",
    "cli.first_run": "首次运行：已用附带的报告 {report} 新建 {path}（{n} 个项目）",
    "cli.new_by_import": "{path}：新建的数据库，由这次导入生成",
    "cli.no_such_file": "{path}：没有这个文件",
    "cli.not_a_file": "{path}：不是普通文件",
    "cli.period_contradicts": (
        "{path}：标题写的是 {title}，不是 --period 给的 {given}；请去掉 --period"
    ),
    "cli.no_period": (
        "{path}：没有标题写明表格是哪几个月的，数据库也还没有报告期；"
        "请用 --period 给出（如 --period 1-7）"
    ),
    "cli.period_taken": (
        "{path}：没有标题写明表格是哪几个月的，按数据库的报告期 {months} 读取"
        "（用 --period 可另行给出）"
    ),
    "cli.import_warning": "  提示：{text}",
    "cli.import_changed": "  有变化 {id}：{fields}",
    "cli.import_kept": "  保留了手工修改，没有用报告的值（加 --take-reported 则用报告的值）：",
    "cli.import_item": "    {id}：{fields}",
    "cli.import_differs": "  工作成效与报告不一致（本办 / 上报；用 minsheng show 编号 查看）：",
    "cli.import_differs_item": "    {id} {name}：{status} / {reported}",
    "cli.list_count": "{shown} / {total} 个项目",
    "cli.reported": "（上报：{status}）",
    "cli.progress_before": "{months}推进情况",
    "cli.not_updated": "（未更新）",
    "cli.update_label": "{month} 进展",
    "cli.update_text": "{text}（{by} {at}）",
    "cli.status_set": "{id} 工作成效：{status}",
    "cli.update_added": "{id}：已添加 {month} 的进展",
    "cli.schedule_summary": (
        "{n} 个项目，{behind} 个慢于序时；* 工作成效与序时不一致：{disagree} 个"
    ),
    "cli.units_done": "{done}：{n} 个项目",
    "cli.units_count": "{n} 个牵头单位",
    "cli.units_merged": "已合并（撤销：minsheng units unmerge 原名称）：",
    "cli.units_suggested": "可能是同一单位（合并：minsheng units merge 原名称 新名称）：",
    "cli.bad_period": "报告期 {value} 应写作起止月份，如 1-6 或 7-12",
    "cli.period": "报告期：{months}",
    "cli.period_unset": "未设定",
    "cli.restore_read_only": "db restore 要写入数据库，不能与 --read-only 同用",
    "cli.kept_current": "原来的文件另存在 {path}",
    "cli.restored": "{path}：已从 {backup} 恢复 {n} 个项目",
    "cli.db_ok": "{path}：完好：{projects} 个项目，{changes} 条更改记录",
    "cli.more_problems": "……另有 {n} 个问题未列出",
    "cli.backups": "{folder} 中有 {n} 个备份",
    "cli.backup_line": "  {name}  {size}  {state}",
    "cli.backup_ok": "完好",
    "cli.backup_broken": "已损坏",
    "cli.unknown_suffix": "{path}：从扩展名 .{suffix} 看不出格式；请用 --format 给出（{choices}）",
    "cli.no_suffix": "{path}：没有扩展名，看不出格式；请用 --format 给出（{choices}）",
    "cli.xlsx_terminal": "xlsx 工作簿不能输出到终端；请用 -o 文件 写到文件里",
    "cli.docx_terminal": "docx 文档不能输出到终端；请用 -o 文件 写到文件里",
    "cli.wrote": "已写出 {n} 个项目：{path}",
    "cli.wrote_bulletin": "已写出 {n} 个项目的通报：{path}",
    "cli.overflow": (
        "注意：{n} 个单元格的文字太长，打印时一行放不下，纸上会截掉末尾"
        "（文件里完整）：{where}{bigger}"
    ),
    "cli.overflow_a3": "；换 A3 纸（--paper A3）可少截一些",
    "cli.snapshot_taken": (
        "{path}：这个名称刚被另一个快照占用，什么也没有写入；请再运行一次 minsheng snapshot"
    ),
    "cli.snapshots": "{folder} 中有 {n} 个快照",
    "cli.no_snapshot": (
        "{folder} 中还没有全部项目的快照；请先用 minsheng snapshot 做一个，或写明要比较的两个文件"
    ),
    "cli.index_bad_name": (
        "{index}：记下的最新快照 {name} 不是这个文件夹里的文件；请写明要比较的两个文件"
    ),
    "cli.newest_is_link": "{path}：最新的快照是符号链接，不会自动读取；请写明要比较的两个文件",
    "cli.newest_not_regular": (
        "{path}：最新的快照不是普通文件，不会自动读取；请写明要比较的两个文件"
    ),
    "cli.serve_needs": "网页服务需要 textual-serve：{detail}",
    "cli.serve_network": (
        "注意：--host {host} 让其他电脑也能打开本服务。地址里的令牌就是钥匙，只发给使用人；"
        "跨网络使用请放在带 TLS 的反向代理之后（见 README）"
    ),
    "cli.serve_no_user": "未用 --user 指定使用人：网页上的修改都记在本账户名下",
    "cli.serve_title": "民生实事项目网页服务：{path}{read_only}",
    "cli.serve_read_only": "（只读）",
    "cli.serve_address": "  {name}：{address}",
    "cli.serve_open": "打开",
    "cli.serve_stop": "按 Ctrl+C 停止",
    "cli.web_user": "{name}（网页·{account}）",
    "cli.not_installed": "（未安装）",
    "crash.saved": "minsheng：意外出错（{kind}）；详细情况记在 {log}",
    "crash.not_saved": "minsheng：意外出错（{kind}）；详细情况没能写入日志",
    # --- the command line's --help: minsheng itself, then each command and its options --------
    # (cli.help.<command> is the command's line in the list of commands, cli.help.<command>.<option>
    # an option's; cli.help.shared.* and cli.help.filter.* are options several commands take)
    "cli.help.minsheng.description": "重点民生实事项目推进情况跟踪：查看、修改、导出项目。",
    "cli.help.minsheng.epilog": (
        "退出状态：0 完成；1 输入有误或被拒绝（原因写在标准错误输出）；2 用法有误；"
        "70 意外出错（详细情况记在只有本人能读的日志里）。"
    ),
    "cli.help.minsheng.version": "显示版本号，然后退出",
    "cli.help.minsheng.db": (
        "数据库文件，以 .sqlite 或 .sqlite3 结尾的是 SQLite，否则是 JSON"
        "（默认：$MINSHENG_DB，没有则为 ~/.local/share/minsheng/minsheng.json）"
    ),
    "cli.help.minsheng.read_only": "只查看和导出，不修改",
    "cli.help.minsheng.ascii": (
        "边框和符号用 ASCII（终端显示不了框线、箭头时），--no-ascii 不用；"
        "默认：语言环境不是 UTF-8 时使用"
    ),
    "cli.help.minsheng.theme": (
        "配色：16 为 16 色终端的配色（TERM=xterm、screen 时自动使用），或 Textual 配色的名字"
    ),
    "cli.help.minsheng.network_fs": "数据库在网络文件系统（NFS、SMB、sshfs）上也照样打开并写入",
    "cli.help.minsheng.create": (
        "在 --db 处新建数据库；不加时，不存在的文件会被拒绝（用 import 导入到新文件不必加）"
    ),
    "cli.help.minsheng.wait": (
        "别人正在保存、占用数据库时，等这么多秒后放弃（退出状态 1，说明是谁占用）；默认一直等"
    ),
    "cli.help.tui": "打开程序界面（不给命令时即是）",
    "cli.help.import": "导入报告文件（.md/.txt、.csv、.xlsx）",
    "cli.help.import.files": "要导入的报告文件",
    "cli.help.import.period": "文件的标题没有写明月份时，表格所属的起止月份（如 1-7）",
    "cli.help.import.take_reported": "上次导入以来手工修改过的字段，也用报告的值（记入修改记录）",
    "cli.help.import.clear_empty": "空单元格清空对应字段（默认：空单元格不改动字段）",
    "cli.help.list": "列出项目",
    "cli.help.schedule": "序时：各项目与本期计划相比的进度",
    "cli.help.schedule.thresholds": (
        "设定序时规则（记入修改记录，对用这份数据的所有人生效）：三个数从高到低；"
        "按比例（--basis ratio）是占计划的百分数，如 110,90,70；"
        "按百分点（points）是完成数比计划数高出目标的百分点，如 10,-10,-30"
    ),
    "cli.help.schedule.basis": (
        "设定指标的衡量方式：ratio 按比例（实际完成 / 计划），"
        "points 按落后于计划的目标百分点（银川的做法）"
    ),
    "cli.help.units": "牵头单位的名称及各自的项目数；合并名称",
    "cli.help.units.merge": "把单位 原名称 算作 新名称（撤销：unmerge 原名称）",
    "cli.help.units.merge.old": "并入别的单位的名称",
    "cli.help.units.merge.new": "并入后算作的单位名称",
    "cli.help.units.unmerge": "原名称 的项目恢复报告中的牵头单位",
    "cli.help.units.unmerge.old": "已并入别的单位的名称",
    "cli.help.show": "显示一个项目",
    "cli.help.set_status": "设定工作成效",
    "cli.help.set_status.note": "为什么改（记入修改记录）",
    "cli.help.note": "添加一条注明月份的进展",
    "cli.help.note.month": "进展所属的月份，写作 YYYY-MM",
    "cli.help.note.text": "进展的内容",
    "cli.help.period": "显示或设定报告期（报告所属的月份）",
    "cli.help.period.months": "起止月份，如 1-6 或 7-12",
    "cli.help.db": "检查数据库文件，用备份恢复，或换一种数据库",
    "cli.help.db.check": "检查文件是否完好，并列出备份",
    "cli.help.db.restore": "用一个备份作数据库（现在的文件另存保留）",
    "cli.help.db.restore.backup": "数据库旁 backups/ 中的文件名，或一个路径",
    "cli.help.db.migrate": "把数据库复制成另一种的新文件（.json 与 .sqlite 互换）",
    "cli.help.db.migrate.source": "要复制的数据库",
    "cli.help.db.migrate.target": "一个新文件：.sqlite/.sqlite3 为 SQLite，否则 JSON",
    "cli.help.history": "修改记录",
    "cli.help.history.id": "只看这个项目的（默认：全部）",
    "cli.help.export": "导出项目（md、xlsx、csv、json、html）",
    "cli.help.export.format": "格式（默认：按文件的扩展名，没有则为 json）",
    "cli.help.export.paper": "只用于 xlsx：打印用的纸张，横向（默认 A4；文字长的用 A3）",
    "cli.help.serve": "在网页浏览器里使用本程序（textual-serve），凭令牌打开",
    "cli.help.serve.host": (
        "监听的地址（默认 127.0.0.1：只有本机能打开；0.0.0.0：网络上的电脑都能打开）"
    ),
    "cli.help.serve.port": "端口号（默认 8000）",
    "cli.help.serve.user": "可以打开的人（可重复给出）：每人有自己的地址，修改记录记下其姓名",
    "cli.help.serve.public_url": (
        "前面有反向代理（TLS）时大家打开的地址，如 https://minsheng.example.gov.cn"
    ),
    "cli.help.bulletin": "通报：选出的项目的通报（docx、md、html）",
    "cli.help.bulletin.format": "格式（默认：按文件的扩展名，没有则为 md）",
    "cli.help.bulletin.date": "通报的日期（完成时限在其月份之前的算逾期）；默认：今天",
    "cli.help.snapshot": "把全部项目导出到 snapshots/ 中一个注明日期的文件",
    "cli.help.snapshot.format": "格式（默认 json）",
    "cli.help.snapshots": "列出记下的快照",
    "cli.help.diff": "两个快照（或数据库 db）之间的变化；不给时：最新的快照与数据库相比",
    "cli.help.diff.old": "快照（.json）、报告文件或 db；默认：全部项目的最新快照",
    "cli.help.diff.new": "快照（.json）、报告文件或 db；默认：db",
    "cli.help.shared.id": "项目编号",
    "cli.help.shared.json": "输出 JSON",
    "cli.help.shared.json_table": "输出 JSON，不输出表格",
    "cli.help.shared.output": "写到的文件；- 表示标准输出（默认）",
    "cli.help.shared.force": "覆盖已有的文件",
    "cli.help.shared.encoding": (
        "只用于 CSV：utf-8-sig（默认，供 Excel 打开）、utf-8 或 gb18030（供较旧的系统）"
    ),
    "cli.help.shared.expect_revision": (
        "项目不再是这个版本时拒绝修改（退出状态 1；版本见 show --json 的 revision）"
    ),
    "cli.help.filter.department": "牵头单位含有这些文字",
    "cli.help.filter.level": "项目等级（可重复给出）",
    "cli.help.filter.status": "工作成效（可重复给出）：{choices}",
    "cli.help.filter.search": "要查找的文字或拼音",
    "cli.help.filter.overdue": "只要已过完成时限的项目",
    "cli.help.filter.not_updated": "只要未更新的项目：推进情况与上期相同",
    "cli.help.filter.schedule": "序时（可重复给出）：{choices}",
    "cli.help.filter.sort": "排序（默认：id，按编号）",
    "cli.help.filter.reverse": "倒序",
    # --- the command line's --help: what an option's value is called (its metavar) ------------
    # (a project's 编号 and 工作成效 are the field registry's words)
    "cli.metavar.command": "命令",
    "cli.metavar.action": "操作",
    "cli.metavar.file": "文件",
    "cli.metavar.theme": "配色",
    "cli.metavar.seconds": "秒数",
    "cli.metavar.months": "月份",
    "cli.metavar.thresholds": "高,中,低",
    "cli.metavar.old_name": "原名称",
    "cli.metavar.new_name": "新名称",
    "cli.metavar.note": "说明",
    "cli.metavar.text": "内容",
    "cli.metavar.backup": "备份",
    "cli.metavar.source_db": "原数据库",
    "cli.metavar.target_db": "新数据库",
    "cli.metavar.host": "地址",
    "cli.metavar.port": "端口",
    "cli.metavar.user": "姓名",
    "cli.metavar.url": "网址",
    "cli.metavar.old": "旧",
    "cli.metavar.new": "新",
    "cli.metavar.revision": "版本",
    "cli.metavar.words": "文字",
    "cli.metavar.schedule": "序时",
    # --- the command line's tables and what they say of a selection ---------------------------
    # (a project's fields are headed with the field registry's words: store.vocabulary)
    "cli.show.table": "表",
    "cli.show.revision": "版本",
    "cli.show.months_as_given": "{first}-{last}月",
    "cli.history.number": "序号",
    "cli.history.at": "时间",
    "cli.history.field": "字段",
    "cli.history.by": "修改人",
    "cli.history.old": "原值",
    "cli.history.new": "新值",
    "cli.history.source": "来源",
    "cli.history.note": "备注",
    "cli.history.created": "新建",
    "cli.history.updates": "进展",
    "cli.history.period": "月份",
    "cli.history.extra": "其他列",
    "cli.snapshots.file": "文件",
    "cli.snapshots.at": "时间",
    "cli.snapshots.format": "格式",
    "cli.snapshots.projects": "项目",
    "cli.snapshots.scope": "范围",
    "cli.snapshots.by": "导出人",
    "cli.snapshots.all": "全部",
    "cli.snapshots.list": "列表",
    "cli.snapshots.deleted": "（已删除）",
    "cli.snapshots.rebuilt": "（补记）",
    "cli.schedule.class": "序时",
    "cli.schedule.ratio": "比例",
    "cli.schedule.worst": "最差指标",
    "cli.scope.values": "{label} {values}",
    "cli.scope.schedule": "序时",
    "cli.scope.department": "{label}含“{text}”",
    "cli.scope.search": "含“{text}”",
    "cli.scope.overdue": "已过完成时限",
    "cli.scope.not_updated": "推进情况未更新",
    # --- the app: words several screens share -------------------------------------------------
    "app.import_refused": "不能导入 {what}",
    "app.title": "民生实事项目推进情况",
    "app.welcome": "欢迎使用",
    "app.none": "（无）",
    "app.empty": "（空）",
    "app.save_failed": "保存失败",
    "app.updates": "进展更新",
    "app.schedule": "序时",
    "app.unfilled": "（未填）",
    "app.year": "{year} 年",
    "app.period": "（{period}）",
    "app.schedule_pending": "序时 正在计算，稍后再试",
    "app.not_updated": "未更新",
    # --- the app itself: its palette, notices, key help ---------------------------------------
    "app.palette.theme": "配色",
    "app.palette.theme_help": "更换界面的配色",
    "app.palette.maximize": "放大",
    "app.palette.maximize_help": "让有光标的部分占满屏幕",
    "app.palette.minimize": "还原",
    "app.palette.minimize_help": "放大的部分还原",
    "app.palette.screenshot": "截图",
    "app.palette.screenshot_help": "把当前画面存为 SVG 图片",
    "app.palette.search": "搜索命令{pending}",
    "app.palette.command": "{description}（{keys}）",
    "app.locale.not_utf8": (
        "语言环境不是 UTF-8（{locale}）：边框用 ASCII 画。"
        "中文要 UTF-8 终端才能显示（LANG=zh_CN.UTF-8）；终端能显示中文时用 --no-ascii"
    ),
    "app.locale.title": "语言环境",
    "app.locale.no_lang": "未设 LANG",
    "app.lock.waiting": "{who} 正在保存，你的修改等它完成后保存{pending}",
    "app.lock.title": "等待保存",
    "app.copy.tip": "把光标处的文字复制到本机剪贴板（经终端 OSC 52；tmux、screen 中要先开启转发）",
    "app.copy.month": "{month}\n{plan_label}：{plan}\n{progress_label}：{progress}",
    "app.copy.month_what": "{whose}{month}的计划和进展",
    "app.copy.nothing": "{what}没有文字可复制",
    "app.copy.done": "已复制{what}（{n} 个字符）到本机剪贴板",
    "app.copy.title": "复制",
    "app.theme.unknown": "没有名为 {name} 的配色，可用：{known}",
    "app.serve.no_token": "需要访问令牌：请用 minsheng serve 打印的完整地址打开。",
    "app.serve.bad_token": "访问令牌不对：请用 minsheng serve 打印的完整地址打开。",
    "app.serve.title": "民生实事项目",
    "app.help.title": "按键（? 或 F1 关闭）",
    # --- the project list (项目表) and its filter panes ---------------------------------------
    "app.facets.selected": "已选 {n}",
    "app.list.search": "/ 搜索项目的文字（也可用拼音，如 jyj）",
    "app.list.read_only_why": "，{reason}",
    "app.list.read_only": "只读模式：{where}（可浏览、搜索、导出；不能修改{why}）",
    "app.list.reading": "读取中{pending}",
    "app.list.heading": "重点民生实事项目",
    "app.list.empty_read_only": "数据库里还没有项目（只读打开，不能导入）。",
    "app.list.empty": "数据库里还没有项目。",
    "app.list.empty_bundled": "按 b 导入随附的报告（{name}），",
    "app.list.empty_import": "按 I 导入一个报表文件（.md .txt .csv .xlsx）。",
    "app.list.none_from_search": "没有符合条件的项目。按 Esc 回到项目表，再按 c 清除筛选和搜索",
    "app.list.chosen_n": "{label} {n} 项",
    "app.list.searched": "搜索: {text}",
    "app.list.overdue_only": "仅逾期",
    "app.list.overdue": "逾期 {n}",
    "app.list.not_updated_only": "仅未更新",
    "app.list.not_updated": "未更新 {n}",
    "app.list.all": "全部",
    "app.list.sorted": "排序: {label}{arrow}",
    "app.list.cleared": "已清除筛选和搜索",
    "app.list.sort_pending": "序时 正在计算，暂按编号排序",
    "app.list.copy_row": " {id} 一行（{heading}、最新进展，以制表符分隔）",
    "app.list.drilled": "总览：{label}，{n} 项（Esc 返回总览）",
    "app.list.none": "没有符合条件的项目。按 c 清除筛选和搜索",
    # --- the overview (总览) ------------------------------------------------------------------
    "app.overview.summary_compact": (
        "共{total}项 已完成{done}（{done_rate}） 已启动{started}（{started_rate}）"
        " 未启动{not_started} 逾期{overdue}"
    ),
    "app.overview.summary": (
        "共 {total} 项{sep}已完成 {done} 项（完成率 {done_rate}）"
        "{sep}已启动 {started} 项（开工率 {started_rate}）"
        "{sep}未启动 {not_started} 项{sep}逾期 {overdue} 项"
    ),
    "app.overview.total": "合计",
    "app.overview.share": "占比",
    "app.overview.all": "全部",
    "app.overview.title": "总览",
    "app.overview.reading": "读取中{pending}",
    "app.overview.heading": "重点民生实事项目总览",
    "app.overview.by_level": "分{level} {times} {mode}",
    "app.overview.computing": "序时计算中{pending}",
    "app.overview.by_unit": "分{unit} {times} {mode}（v 切换）",
    "app.overview.unit_order": "滞后多的在前 {separator} 有几个牵头单位的项目各计一次",
    "app.overview.no_projects": "{label}：没有项目",
    "app.overview.still_reading": "项目还在读取中，稍后再试",
    # --- the detail screen (项目详情) and its views -------------------------------------------
    "app.detail.view.grid": "月度对照",
    "app.detail.view.plan_progress": "计划/进展",
    "app.detail.view.info": "概况/目标",
    "app.detail.view.history": "修改记录",
    "app.detail.view.periods": "本期/上期",
    "app.detail.basis.plan": "月度计划",
    "app.detail.basis.plan_share": "计划进度",
    "app.detail.basis.time_elapsed": "序时进度",
    "app.detail.origin.text": "文本",
    "app.detail.origin.column": "表列",
    "app.detail.origin.edited": "已修正",
    "app.detail.target": "目标",
    "app.detail.planned": "序时计划",
    "app.detail.actual": "实际",
    "app.detail.history.created": "新建",
    "app.detail.history.period": "报告期",
    "app.detail.exact": "「{text}」",
    "app.detail.sources": "数字来源",
    "app.detail.column.name": "指标",
    "app.detail.column.unit": "单位",
    "app.detail.column.planned": "计划",
    "app.detail.column.ratio": "比例",
    "app.detail.column.origin": "来源",
    "app.detail.column.basis": "计划依据",
    "app.detail.month": "月份",
    "app.detail.reason_beside": "（原因：{reason}）",
    "app.detail.reason": "原因：{reason}",
    "app.detail.no_updates": "还没有进展更新。按 a 添加。",
    "app.detail.update": "{month}（{by} {at}）",
    "app.detail.no_history": "没有修改记录。",
    "app.detail.history.at": "时间",
    "app.detail.history.field": "字段",
    "app.detail.history.old": "原值",
    "app.detail.history.new": "新值",
    "app.detail.history.by": "修改人",
    "app.detail.history.who": "{by}（{source}）",
    "app.detail.worst": "  最差指标 {ratio}",
    "app.detail.basis": "\n依据 ",
    "app.detail.disagrees": "  {mark} 与计算的序时不一致，请核对",
    "app.detail.unjudged": "未判定",
    "app.detail.unnamed": "（无名）",
    "app.detail.no_indicators": "没有读出可计算序时的指标。",
    "app.detail.add_indicator": "按 + 新增一个指标。",
    "app.detail.indicator": "{name} （{unit}）",
    "app.detail.time_elapsed": "目标 {times} 序时进度（报告期月数 / 12）",
    "app.detail.not_in_text": "（文本中无）",
    "app.detail.corrected": "（修正值）",
    "app.detail.plan_month": "{month}月 {value}",
    "app.detail.reading.cumulative": "累计",
    "app.detail.reading.per_period": "分期相加",
    "app.detail.reading.single": "一次",
    "app.detail.plan_series": "计划序列（{how}）",
    "app.detail.note": "说明 {note}",
    "app.detail.unused": "未采用的数字",
    "app.detail.unmatched": "未匹配到指标",
    "app.detail.why": "  （{why}）",
    "app.detail.title": "{id} {name}",
    "app.detail.removed": "已删除",
    "app.detail.saved": "已保存",
    "app.detail.indicator_done": "指标 {name} {done}",
    "app.detail.last": "已是最后一个",
    "app.detail.first": "已是第一个",
    "app.grid.update": "〔更新〕",
    "app.grid.no_progress": "{warning}无对应进展",
    "app.grid.plan": "计划",
    "app.grid.progress": "进展",
    "app.grid.empty": "（没有月度计划，也没有推进情况）",
    "app.grid.period": "{mark}报告期 {period}",
    "app.periods.unknown": "月份未知",
    "app.periods.before": "上期",
    "app.periods.now": "本期",
    "app.periods.no_history": "没有导入的推进情况记录：导入新一期的报表后，这里对照两期。",
    "app.periods.no_before": "（无上期）",
    "app.periods.one": "只有一期（{period}）的推进情况",
    "app.periods.one_then": "：导入下一期的报表后，这里对照两期，标出新增的内容。",
    "app.periods.same": " 本期（{now}）的推进情况与上期（{before}）相同",
    "app.periods.added": "新增 ",
    "app.periods.places": "{n} 处",
    "app.periods.added_how": "（本期加粗下划线）{separator} 删去 ",
    "app.periods.dropped_how": "（上期删除线）",
    "app.periods.new_text": "新增：",
    "app.periods.edited": "导入后推进情况有修改：现在的文字见 2 计划/进展",
    # --- editing: a field, an update, 工作成效, a conflict ------------------------------------
    "app.conflict.keep_theirs": "t 保留对方",
    "app.conflict.overwrite": "o 用我的覆盖",
    "app.conflict.merge": "m 合并编辑",
    "app.conflict.back": "Esc 返回编辑",
    "app.conflict.theirs": "对方的版本（已保存）",
    "app.conflict.mine": "我的版本（未保存）",
    "app.edit.title": "编辑 {id} {name}",
    "app.edit.help": "Ctrl+S 保存  Esc 取消  Tab 切换",
    "app.edit.unsaved_field": "{label} 有未保存的修改：Ctrl+S 保存，或按 Esc 两次放弃",
    "app.edit.unsaved": "有未保存的修改：再按 Esc 放弃，Ctrl+S 保存",
    "app.update.title": "添加进展 {id} {name}",
    "app.update.month": "月份",
    "app.update.placeholder": "这个月的进展：做了什么、到了哪一步",
    "app.status.current": "（当前）",
    "app.status.reason_placeholder": "原因（可不填）",
    "app.status.help": "{up_down} 选择  Enter 确定  1-{n} / 首字母  Esc 取消",
    "app.status.reason": "改为 {status} 的原因：",
    "app.status.reason_help": "Enter 确定（可不填）  Esc 重新选择",
    "app.edit.nothing_to_undo": "没有可撤销的修改",
    "app.edit.undone": "已撤销",
    "app.edit.update_added": "{month} 进展已添加",
    "app.edit.status_set": "{label} {arrow} {status}{reason}",
    "app.edit.reason_kept": "，原因已记录",
    "app.edit.saved": "{label} 已保存",
    "app.conflict.changed_by": (
        "{by} {at} 修改了{field}（{source}）{separator} 现为第 {theirs} 版，"
        "你的编辑基于第 {mine} 版"
    ),
    "app.conflict.changed": "已被他人修改 {separator} 现为第 {theirs} 版，你的编辑基于第 {mine} 版",
    "app.conflict.title": "保存冲突：{id} {name} {separator} {field}",
    "app.conflict.merged": "合并编辑：对方的版本在前，你的在后",
    "app.conflict.kept_theirs": "{id} 保留了对方的版本，你的修改未保存",
    "app.conflict.save_conflict": "保存冲突",
    # --- 序时: an indicator, the rule ---------------------------------------------------------
    "app.indicator.target": "目标",
    "app.indicator.planned": "序时计划",
    "app.indicator.actual": "实际完成",
    "app.indicator.add": "新增指标",
    "app.indicator.correct": "修正指标",
    "app.indicator.name": "指标名称",
    "app.indicator.name_placeholder": "如 就业困难人员就业",
    "app.indicator.unit": "单位",
    "app.indicator.unit_placeholder": "如 人、处、%",
    "app.indicator.read": "按文本：{value}",
    "app.indicator.no_value": "无",
    "app.indicator.note": "备注",
    "app.indicator.remove": "删除此指标（不计入序时）",
    "app.indicator.help": "空白：按文本读出的数  Ctrl+S 保存  Esc 取消",
    "app.indicator.unnamed": "指标需要名称或单位",
    "app.indicator.not_number": "{label} 应为 0 或更大的数字",
    "app.indicator.no_number": "新增指标至少需要一个数字",
    "app.rule.ratio_ahead": "超序时 ≥ %",
    "app.rule.ratio_on_time": "按序时 ≥ %",
    "app.rule.ratio_slow": "慢序时 ≥ %",
    "app.rule.points_ahead": "超序时 ≥ 点",
    "app.rule.points_on_time": "按序时 > 点",
    "app.rule.points_slow": "慢序时 ≥ 点",
    "app.rule.ratio_help": "实际 / 序时计划，从高到低，如 110、90、70；更低为滞后",
    "app.rule.points_help": (
        "实际比计划高(+)或低(-)目标的百分点，如 10、-10、-30（银川）；更低为滞后"
    ),
    "app.rule.title": "序时规则（所有人共用，改动记入修改记录）",
    "app.rule.basis": "按{basis}",
    "app.rule.help": "Tab 下一项  依据：{left_right} 再按空格  Ctrl+S 保存  Esc 取消",
    "app.rule.not_number": "{label} 应为数字",
    "app.rule.saved": "序时规则已保存",
    # --- export and 通报 ----------------------------------------------------------------------
    "app.export.list": "当前列表",
    "app.export.title": "导出",
    "app.export.done": "已导出 {count} 个项目到 {path}",
    "app.bulletin.title": "写通报",
    "app.bulletin.done": "已写出 {count} 个项目的通报：{path}",
    "app.export.no_permission": "没有写入权限",
    "app.export.quota": "磁盘配额已满",
    "app.export.read_only_fs": "只读的文件系统",
    "app.export.no_folder": "文件夹不存在：{folder}",
    "app.export.failed_because": "导出失败：{detail}",
    "app.export.format": "格式",
    "app.export.path": "路径",
    "app.export.path_placeholder": "文件路径",
    "app.export.scope": "范围",
    "app.export.all": "全部",
    "app.export.list_n": "当前列表（{n} 个项目）",
    "app.export.help": "Ctrl+S {title}  Esc 取消  Tab 切换",
    "app.export.all_n": "全部（{n} 个项目）",
    "app.export.no_path": "请填写要写入的文件路径",
    "app.export.busy": "正在导出{pending}",
    "app.export.exists": "文件已存在：{name}。再按 Ctrl+S 覆盖，或修改路径。",
    "app.export.failed": "导出失败",
    # --- import and its review ----------------------------------------------------------------
    "app.import.intro": "要导入的报表文件（.md .txt .csv .xlsx）",
    "app.import.file": "文件",
    "app.import.file_placeholder": "文件路径，如 兰陵县1-7月.xlsx",
    "app.import.months": "月份",
    "app.import.months_placeholder": "如 1-7",
    "app.import.help": "Enter 导入  Esc 取消",
    "app.import.title": "导入报表",
    "app.import.no_path": "请填写要导入的文件路径",
    "app.import.bad_suffix": "不能导入 {name}：只能导入 .md、.txt、.csv、.xlsx 文件",
    "app.import.reading": "正在读取 {name}{pending}",
    "app.import.no_file": "找不到文件：{name}（在 {where}）",
    "app.import.is_folder": "是一个文件夹",
    "app.import.not_regular": "不是普通文件",
    "app.import.cannot_read": "不能读取 {name}：{detail}",
    "app.import.ask_months": "表格标题没有写月份：请填写这张表的报告期（如 1-7），回车导入",
    "app.import.bad_months": "{value}不是月份范围：请写成 起-止，如 1-7",
    "app.import.importing": "正在导入 {name}（{period}）{pending}",
    "app.import.failed": "导入失败：{detail}",
    "app.import.wait": "正在导入，完成后显示导入结果{pending}",
    "app.review.extra": "其他列",
    "app.review.month": "月份",
    "app.review.period": "（{period}）",
    "app.review.header": "导入完成：{name}{period}",
    "app.review.counts": "新增 {new}{sep}有变化 {changed}{sep}无变化 {unchanged}",
    "app.review.not_updated": "{sep}未更新 {n}（列表中按 u 只看未更新）",
    "app.review.to_check": "工作成效与报告不一致 {differs} 个{sep}保留了手工修改 {kept} 个",
    "app.review.check_each": "：请逐个核对（Enter 打开）",
    "app.review.table": "需要核对的项目",
    "app.review.none": "没有需要核对的项目：各项目的工作成效与报告一致，没有手工修改被保留。",
    "app.review.titled": "{title}（{n}）",
    "app.review.changed": "有变化的项目",
    "app.review.warnings": "导入提示",
    "app.review.number": "编号",
    "app.review.reported": "报告",
    "app.review.kept": "保留的手工修改",
    # --- snapshots and comparing them ---------------------------------------------------------
    "app.snapshots.current": "当前",
    "app.snapshots.all": "全部",
    "app.snapshots.list": "列表",
    "app.snapshots.not_in_folder": "索引中的{name}不是快照文件夹里的文件，不读取",
    "app.snapshots.deleted": "文件已删除",
    "app.snapshots.link": "是符号链接，不读取；请在命令行用 minsheng diff 指明文件",
    "app.snapshots.not_regular": "不是普通文件，不读取",
    "app.snapshots.this_kind": "这种",
    "app.snapshots.unreadable_format": "{kind} 格式的快照不能比较（可比较 json、md、xlsx、csv）",
    "app.snapshots.cannot_read": "不能读取（{detail}）",
    "app.snapshots.compared": "比较：{old} {arrow} {new}",
    "app.snapshots.counts": (
        "有变化 {changed} {sep} 无变化 {unchanged} {sep} 新增 {added} {sep} 移除 {removed} {sep"
        "} 推进情况无变化 {progress_unchanged}"
    ),
    "app.snapshots.table": "快照",
    "app.snapshots.diff": "变化",
    "app.snapshots.reading": "快照与比较：正在读取…",
    "app.snapshots.help": "空格 选择两行（或一个快照和{current}）比较；Tab 到下方查看变化",
    "app.snapshots.header": "快照与比较：{n} 个快照，在数据库旁的 snapshots 文件夹",
    "app.snapshots.bad_index": "不能读取快照索引：{detail}",
    "app.snapshots.none": "还没有快照：在命令行用 minsheng snapshot 做一个",
    "app.snapshots.database": "（数据库）",
    "app.snapshots.file_deleted": "（已删除）",
    "app.snapshots.rebuilt": "（补记）",
    "app.snapshots.at": "时间",
    "app.snapshots.file": "文件",
    "app.snapshots.format": "格式",
    "app.snapshots.projects": "项目",
    "app.snapshots.scope": "范围",
    "app.snapshots.by": "导出人",
    "app.snapshots.old": "旧",
    "app.snapshots.new": "新",
    "app.snapshots.picked": "选",
    "app.snapshots.deleted_no_compare": "文件已删除，不能比较",
    "app.snapshots.pick_one_more": "再选一行比较（空格 选择）",
    "app.snapshots.pick_two": "空格 选择两行比较",
    "app.snapshots.comparing": "正在比较 {old} {arrow} {new}{pending}",
    "app.snapshots.read_failed": "不能读取：{detail}",
    "app.snapshots.compared_counts": (
        "旧 {arrow} 新：有变化 {changed}，新增 {added}，移除 {removed}（Tab 到下方查看）"
    ),
    # --- exports and snapshots -----------------------------------------------------------------
    "export.bad_encoding": "CSV 编码 {encoding} 不是 {choices} 之一",
    "export.cannot_encode": "有文字无法用 {encoding} 编码写出：{detail}",
    "export.bad_paper": "没有 {paper} 这种纸张，可选 {choices}",
    "export.bad_format": "没有 {fmt} 这种格式，可选 {choices}",
    "export.kind_fifo": "命名管道（FIFO）",
    "export.kind_char": "字符设备",
    "export.kind_block": "块设备",
    "export.kind_socket": "套接字",
    "export.kind_folder": "文件夹",
    "export.kind_other": "特殊文件",
    "export.no_folder": "{path}：文件夹 {folder} 不存在",
    "export.dangling_link": "{path}：是指向 {target} 的符号链接，而那里没有文件；什么也没有写入",
    "export.is_folder": "{path}：是文件夹",
    "export.not_regular": (
        "{path}：是{kind}，不是普通文件；什么也没有写入（请给出文件的路径，或用 - 表示标准输出）"
    ),
    "export.exists": "{path}：已经存在（加 --force 覆盖）",
    "diff.compared": "比较：{old} → {new}",
    "diff.counts": (
        "有变化 {changed}，无变化 {unchanged}，新增 {added}，移除 {removed}，"
        "推进情况无变化 {progress_unchanged}"
    ),
    "diff.changed": "有变化的项目（{n}）",
    "diff.added": "新增的项目（{n}）",
    "diff.removed": "移除的项目（{n}）",
    "diff.progress_unchanged": "推进情况无变化的项目（{n}）",
    "diff.empty": "（空）",
    "snapshot.bad_index": "{path}：无法读取快照索引（{detail}）",
    "snapshot.not_json": "{path}：不是 JSON 快照（{detail}）",
    "snapshot.not_utf8": "不是 UTF-8 文本",
    "snapshot.bad_shape": "{path}：不是 JSON 快照（项目或报告的结构不对）",
    "snapshot.no_projects": '{path}：不是 JSON 快照（没有 "projects" 列表）',
}


def say(key: str, /, **values: object) -> str:
    """The message ``key`` with its placeholders filled in."""
    return MESSAGES[key].format(**values)


def at(where: str, what: str) -> str:
    """A place and what is wrong there: 't.md 第12行：…'."""
    return say("where.at", where=where, what=what)


def count(n: int) -> str:
    """A whole number as an office writes it: '1001', '131072'; a round one of ten thousands or
    more in 万 or 亿: '2万', '100万', '1.5万', '3亿' (always exactly the number)."""
    if n < 0:
        return "-" + count(-n)
    for unit, name in ((100_000_000, "亿"), (10_000, "万")):
        if n >= unit and n % (unit // 10) == 0:
            whole, rest = divmod(n, unit)
            return f"{whole}.{rest * 10 // unit}{name}" if rest else f"{whole}{name}"
    return str(n)


def size(n: int) -> str:
    """A size in bytes: '64 MiB', '286.1 MiB', '1000 字节'."""
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if n >= unit:
            return f"{n // unit} {name}" if n % unit == 0 else f"{n / unit:.1f} {name}"
    return say("size.bytes", n=n)


def seconds(value: float) -> str:
    """Seconds as a plain number: '5', '0.5'."""
    return f"{value:g}"


def day(value: dt.date) -> str:
    """'2023年6月30日'."""
    return f"{value.year}年{value.month}月{value.day}日"


def month(year: int, number: int) -> str:
    """'2023年8月'."""
    return f"{year}年{number}月"


def months(first: int, last: int) -> str:
    """A run of months in one year: '1-6月', or '7月' alone."""
    return f"{first}月" if first == last else f"{first}-{last}月"


def moment(iso: str) -> str:
    """A stored time ('2023-07-01T09:30:00+08:00') as '2023年7月1日 09:30' in the reader's time
    zone (people on one server may write from different ones); as given when it is not one."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"{day(when)} {when:%H:%M}"


def os_problem(exc: BaseException) -> str:
    """What the system says went wrong with a file ('No space left on device'), in Chinese for
    the common cases, else as the system says it."""
    known = {
        errno.ENOSPC: say("os.no_space"),
        errno.EDQUOT: say("os.quota"),
        errno.EACCES: say("os.no_permission"),
        errno.EPERM: say("os.no_permission"),
        errno.ENOENT: say("os.no_such_file"),
        errno.EROFS: say("os.read_only_fs"),
        errno.EIO: say("os.io_error"),
        errno.EISDIR: say("os.is_folder"),
        errno.ENOTDIR: say("os.not_a_folder"),
        errno.ENAMETOOLONG: say("os.name_too_long"),
        errno.EBUSY: say("os.busy"),
        errno.ELOOP: say("os.too_many_links"),
        errno.EADDRINUSE: say("os.address_in_use"),
        errno.EADDRNOTAVAIL: say("os.address_unavailable"),
    }
    if isinstance(exc, OSError) and exc.errno is not None:
        return known.get(exc.errno) or exc.strerror or os.strerror(exc.errno)
    return str(exc)


def json_problem(detail: str) -> str:
    """What Python's JSON reader says is wrong ('Expecting value'), as people read it; an
    unknown complaint as written."""
    known = (
        ("Expecting value", say("json.expecting_value")),
        ("Expecting ',' delimiter", say("json.expecting_comma")),
        ("Expecting ':' delimiter", say("json.expecting_colon")),
        ("Expecting property name", say("json.expecting_name")),
        ("Unterminated string", say("json.unterminated_string")),
        ("Extra data", say("json.extra_data")),
        ("Invalid control character", say("json.control_character")),
        ("Invalid \\escape", say("json.bad_escape")),
        ("Invalid \\uXXXX escape", say("json.bad_escape")),
    )
    return next((said for start, said in known if detail.startswith(start)), detail)


#: How an undo's history note starts (stored as written, like the source codes: the app tells an
#: undo by it); ``history_note`` says it in Chinese.
UNDO_NOTE = "undo of change "


def history_note(note: str) -> str:
    """A history note as people read it: 'undo of change 21' -> '撤销第21条更改'; any other as
    written."""
    number = note.removeprefix(UNDO_NOTE)
    if note.startswith(UNDO_NOTE) and number.isdigit():
        return say("store.undo_note", id=number)
    return note


def quote(text: object) -> str:
    """A value inside a message, in Chinese quotation marks: '“2023-13”'."""
    return f"“{text}”"


def listing(items: Iterable[object]) -> str:
    """Choices or names one after another: '县级、市级、省级'."""
    return "、".join(str(item) for item in items)


def source(code: str) -> str:
    """A history source code as people read it: 'tui' -> '界面', 'import:t.md' -> '导入 t.md';
    any other as written (the codes themselves are stored and never change)."""
    kind, _, rest = code.partition(":")
    if kind == "import":
        return say("source.import", file=rest).strip()
    names = {
        "tui": say("source.tui"),
        "cli": say("source.cli"),
        "undo": say("source.undo"),
        "restore": say("source.restore"),
    }
    return f"{names[kind]} {rest}".strip() if kind in names else code
