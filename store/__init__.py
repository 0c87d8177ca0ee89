"""The model, persistence on TinyDB, history and exports. Never imports Textual."""
