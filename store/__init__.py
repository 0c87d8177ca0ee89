"""The model, persistence on TinyDB, history and exports. Never imports Textual."""

import os

# openpyxl parses and writes with lxml whenever lxml is installed, and python-docx (the 通报)
# brings it. The xlsx importer's limits and the exports' escaping were built and tested on
# openpyxl's standard-library path; keep it on that path whatever else is installed.
os.environ.setdefault("OPENPYXL_LXML", "False")
