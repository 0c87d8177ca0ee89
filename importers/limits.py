"""How much one imported file may hold, for every format, in one place.

A file over a limit is refused whole, with a message naming the file and the line, row or cell;
nothing of it is imported. The readers look the values up here at each call, so the README can
quote them and a test can lower them.
"""

from __future__ import annotations

#: The file as stored, in bytes, whatever its format (read no further than this).
MAX_FILE_BYTES = 16 * 1024 * 1024

#: An .xlsx workbook unpacked: all its parts together, in bytes. Checked from the zip directory
#: before anything is unpacked, so a zip bomb costs nothing.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

#: One .xlsx part that is read whole (styles, workbook, relationships ...), unpacked, in bytes.
#: Worksheets and shared strings are read as a stream and count only towards MAX_UNPACKED_BYTES.
MAX_XML_PART_BYTES = 4 * 1024 * 1024

#: One cell, in characters: 128 Ki, the field limit Python's csv module has by default.
MAX_CELL_CHARS = 131_072

#: Non-blank rows (lines of a text file, rows of a sheet) in one file, over all its tables.
MAX_ROWS = 10_000

#: Cells in one row, up to its last non-blank one.
MAX_COLUMNS = 256

#: Warnings listed for one file; any beyond are counted in one last warning.
MAX_WARNINGS = 1_000
