"""The core of the urban good-practice knowledge base: records, store, embeddings, index, search."""
import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
