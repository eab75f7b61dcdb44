"""Imported by the fork server that starts the reading workers (ingest/worker.py), never by anything else:
the gazetteer and the language detector are loaded there once, and every worker forked from it has them
without loading them again (shared, copy-on-write)."""
from kb.language import detect_language
from kb.places import gazetteer

gazetteer()
detect_language("Ogród społeczny na osiedlu prowadzą mieszkańcy.")
