"""How much one imported file may hold, for every format, in one place.

A file over a limit is refused whole, with a message naming the file and the line, row or cell;
nothing of it is imported. The readers look the values up here at each call, so the README can
quote them and a test can lower them.

The sizes leave room for twice our own export of 10,000 projects (bench/synthetic.py: 15 MB as
csv or md; as xlsx 7.5 MB, 20 MB unpacked, 300,000 XML elements). A county's report has some
fifty projects.
"""

from __future__ import annotations

# --- every format ---

#: The file as stored, in bytes, whatever its format (read no further than this).
MAX_FILE_BYTES = 32 * 1024 * 1024

#: Non-blank rows (lines of a text file, rows of a sheet) in one file, over all its tables,
#: titles and headers included.
MAX_ROWS = 20_000

#: Cells in one row, up to its last non-blank one.
MAX_COLUMNS = 256

#: One cell, in characters: 128 Ki, the field limit Python's csv module has by default.
MAX_CELL_CHARS = 131_072

#: Warnings listed for one file; any beyond are counted in one last warning.
MAX_WARNINGS = 1_000

# --- .xlsx: checked from the zip directory and a streamed count of the XML, before openpyxl
# --- reads any of it (so a zip bomb costs nothing)

#: The workbook unpacked: all its parts together, in bytes.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

#: One part that openpyxl reads whole (styles, workbook, relationships ...), unpacked, in
#: bytes. Worksheets and shared strings are read as a stream: only MAX_UNPACKED_BYTES bounds them.
MAX_XML_PART_BYTES = 4 * 1024 * 1024

#: XML elements in all parts together: rows, cells and strings, blank ones too (each costs
#: openpyxl time and memory even when empty).
MAX_XML_ELEMENTS = 1_000_000

#: XML elements besides rows, cells and their text (styles, merged ranges, validations, names
#: ...), in all parts together: openpyxl builds an object for each (800,000 empty styles took
#: it 29 s and 500 MB; 980,000 merged ranges 11 s and 690 MB).
MAX_OBJECT_ELEMENTS = 100_000

#: Attributes of one XML element (the format's elements have at most about 20; 2.4 million on
#: one cell took openpyxl 52 s and 1.4 GB).
MAX_XML_ATTRIBUTES = 64

#: Cells one sheet row may hold: the format's own limit (column XFD), not ours.
XLSX_MAX_ROW_CELLS = 16_384
