"""Readers of outside formats into plain records. Pure: no Textual, no TinyDB, no printing."""

from importers.report import (
    clean_cell,
    decode_text,
    parse_csv_text,
    parse_report_text,
    parse_xlsx_bytes,
    read_report,
)

__all__ = [
    "clean_cell",
    "decode_text",
    "parse_csv_text",
    "parse_report_text",
    "parse_xlsx_bytes",
    "read_report",
]
