"""Splitting a practice into passages of about N words, on sentence boundaries, each carrying the title."""
from __future__ import annotations

import re

from .models import Practice

_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+|\n+")


def split_passages(practice: Practice, words: int = 120) -> list[str]:
    """Passages for embedding: the title leads each one so that a passage keeps its context."""
    sentences = [s.strip() for s in _SENTENCE_END.split(practice.body) if s.strip()]
    passages: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and count + n > words:
            passages.append(" ".join(current))
            current, count = [], 0
        if n > words * 2:  # one huge "sentence" (a table, a list without stops): cut it by words
            tokens = sentence.split()
            for i in range(0, len(tokens), words):
                passages.append(" ".join(tokens[i : i + words]))
            continue
        current.append(sentence)
        count += n
    if current:
        passages.append(" ".join(current))
    head = practice.title.strip()
    out = [f"{head}. {p}" if head and not p.startswith(head) else p for p in passages]
    # A short passage of the title and summary alone: what the practice is, without the detail.
    if practice.summary and len(out) > 1:
        out.insert(0, f"{head}. {practice.summary}")
    return out or [head]
