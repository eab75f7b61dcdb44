"""Where a practice stands: implemented (done, with results), ongoing (running now, since some year) or
planned (proposed, to be built): what the text says of it, in PL/UK/EN. A list of proposed solar plants is
a list of plans, not of practices carried out; city staff filter by this.
"""
from __future__ import annotations

import re

from kb.models import Stage

_CUES: dict[Stage, re.Pattern] = {
    Stage.PLANNED: re.compile(
        r"(?i)\b(?:plann?ed|proposed|proposal|will be (?:built|set up|introduced|launched|created|developed|opened)|"
        r"to be (?:built|introduced|launched|created|developed)|intends? to|plans? to|would be|feasibility|"
        r"by 20[3-9]\d|do (?:roku )?20[3-9]\d|до 20[3-9]\d|"  # a target year ahead: "carbon-neutral by 2030"
        r"zaplanowan\w*|planowan\w*|planuje\w*|proponowan\w*|propozycj\w*|wniosek|zostan(?:ie|ą) (?:zbudowan|utworzon|"
        r"wprowadzon|uruchomion|zrealizowan)\w*|powstanie|będzie (?:realizowan|budowan)\w*|"
        r"заплановано|запланован\w*|планується|плануєть?ся|пропонован\w*|пропозиці\w*|передбачається|"
        r"буде (?:збудован|створен|запроваджен|реалізован)\w*|будуть\s+\w+ен\w*|проєктн\w+ пропозиці\w*)"),
    Stage.ONGOING: re.compile(
        r"(?i)\b(?:ongoing|on-going|since (?:19|20)\d\d|currently|continues|continuing|is being|are being|"
        r"each year|every year|annual(?:ly)?|od (?:roku )?(?:19|20)\d\d|obecnie|nadal|trwa|co roku|corocznie|"
        r"jest realizowan\w*|prowadzon\w*|з (?:19|20)\d\d(?: року)?|триває|наразі|досі|продовжу\w*|щороку|"
        r"щорічн\w*|реалізується|діє)\b"),
    Stage.IMPLEMENTED: re.compile(
        r"(?i)\b(?:implemented|completed|was (?:built|opened|launched|introduced|created|set up|renovated)|"
        r"were (?:built|opened|installed|renovated|planted)|has been (?:built|opened|completed)|delivered|"
        r"resulted in|achieved|zrealizowan\w*|ukończon\w*|zakończon\w*|oddan\w* do użytku|otwart\w*|wdrożon\w*|"
        r"powstał\w*|wyremontowan\w*|zbudowan\w*|реалізован\w*|завершен\w*|відкрил\w*|відкрито|збудован\w*|"
        r"запрацюва\w*|облаштован\w*|відремонтован\w*|встановлен\w*)"),
}


def stage_of(title: str, body: str) -> Stage | None:
    """The stage the text says most often (the title counts three times); None when it says none."""
    counts = {stage: 3 * len(cue.findall(title)) + len(cue.findall(body)) for stage, cue in _CUES.items()}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else None
