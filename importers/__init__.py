"""Readers of outside formats into plain records. Pure: no Textual, no TinyDB, no printing."""
