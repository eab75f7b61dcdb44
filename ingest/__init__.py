"""Turning DOCX, PDF and saved web pages into practice records for the knowledge base."""
from .blocks import ExtractionError
from .pipeline import IngestReport, ingest_paths

__all__ = ["ExtractionError", "IngestReport", "ingest_paths"]
