"""The bundled report (兰陵县 2023, 1-6 月), shipped inside the wheel as package data.

Read it with ``importlib.resources`` (``bundled_report()`` in ``tui.cli``), never by a path
relative to the source tree: installed, this folder is ``site-packages/data``.
"""

#: The report the first run imports.
BUNDLED_REPORT_NAME = "lanling-2023-h1.md"
