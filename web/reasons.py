"""Why a file was not ingested, in the user's language: ingest says it in English (the CLI's and the logs'
language), and the upload report shows it through this table. Each known reason is a pattern of the English
text whose named parts (sizes, limits, a library's own message) go into the translated sentence; a reason
not in the table is shown as ingest said it."""
from __future__ import annotations

import re

from flask_babel import gettext


def _(message: str) -> str:
    """Marks a message for the catalogues (pybabel extracts `_`); it is translated when shown."""
    return message


_REASONS = [(re.compile(pattern, re.S), text) for pattern, text in (
    (r"the file is empty \(0 bytes\)", _("the file is empty (0 bytes)")),
    (r"the file is (?P<mb>\S+) MB, over the (?P<limit>\S+) MB limit \(setting max_file_mb\)",
     _("the file is %(mb)s MB, over the %(limit)s MB limit (setting max_file_mb)")),
    (r"no text found in the file", _("no text found in the file")),
    (r"unsupported file type (?P<kind>\S+); supported: (?P<kinds>.+)",
     _("unsupported file type %(kind)s; supported: %(kinds)s")),
    (r"not a DOCX file \(it is not a Word document package\); check the file type",
     _("not a DOCX file (it is not a Word document package); check the file type")),
    (r"this is an encrypted \(password-protected\) Word file or an old binary \.doc; .*",
     _("this is an encrypted (password-protected) Word file or an old binary .doc; remove the password or save "
       "it as .docx")),
    (r"the DOCX expands to over (?P<mb>\S+) MB \(setting max_uncompressed_mb\); refused",
     _("the DOCX expands to over %(mb)s MB (setting max_uncompressed_mb); refused")),
    (r"the DOCX file (?:is damaged|cannot be read|could not be parsed) \((?P<detail>.*)\)",
     _("the DOCX file is damaged and cannot be read (%(detail)s)")),
    (r"not a PDF file \(no %PDF header\); check the file type", _("not a PDF file; check the file type")),
    (r"the PDF is encrypted \(password-protected\); save an unprotected copy",
     _("the PDF is encrypted (password-protected); save an unprotected copy")),
    (r"the PDF(?: file)? (?:is damaged and cannot be read|could not be read) \((?P<detail>.*)\)",
     _("the PDF is damaged and cannot be read (%(detail)s)")),
    (r"the PDF's page tree refers to itself in a loop.*",
     _("the PDF's page tree refers to itself in a loop (a damaged or hostile file); refused")),
    (r"the PDF has (?P<count>\d+) pages \(limit (?P<limit>\d+), setting max_pages\); split it",
     _("the PDF has %(count)s pages (limit %(limit)s, setting max_pages); split it")),
    (r"the PDF's text cannot be read: its fonts have no Unicode mapping.*",
     _("the PDF's text cannot be read: its fonts have no Unicode mapping; export it again from the source "
       "document, or run OCR on it")),
    (r"the PDF has no text layer \(a scanned image\?\).*",
     _("the PDF has no text layer (a scanned image?) and no text could be read from it")),
    (r"the PDF has (?P<count>\d+) scanned pages, over the OCR limit of (?P<limit>\d+).*",
     _("the PDF has %(count)s scanned pages, over the OCR limit of %(limit)s (setting max_ocr_pages); split it")),
    (r"the text file is binary or in an unknown encoding", _("the text file is binary or in an unknown encoding")),
    (r"this is a binary file, not text; check the file type", _("this is a binary file, not text; check the file type")),
    (r"the HTML page nests its elements over (?P<depth>\d+) levels deep.*",
     _("the HTML page nests its elements over %(depth)s levels deep (setting max_depth); refused")),
    (r"reading the file took over (?P<seconds>\S+) s \(setting read_seconds\).*",
     _("reading the file took over %(seconds)s s (setting read_seconds); it may be damaged or built to stall a "
       "reader")),
    (r"the file needs more than (?P<mb>\d+) MB of memory to read.*",
     _("the file needs more than %(mb)s MB of memory to read (setting read_memory_mb); refused")),
    (r"the reader stopped on this file.*", _("the reader stopped on this file; it may be damaged")),
)]


def reason(text: str) -> str:
    """A reason ingest gave, in the interface language when it is a known one."""
    for pattern, translated in _REASONS:
        found = pattern.fullmatch(text)
        if found:
            return gettext(translated, **found.groupdict())
    return text
