"""A download's format and labels as the request asks for them, and the file sent back: for sheets,
catalogues and comparisons alike."""
from __future__ import annotations

import io

from flask import abort, request, send_file
from flask_babel import get_locale

from kb.export import FORMATS, LABEL_LANGUAGES, MEDIA_TYPES


def choice() -> tuple[str, str]:
    """The format asked for and the labels' language (the interface language unless chosen)."""
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        abort(400, f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    labels = request.args.get("labels") or str(get_locale())
    return fmt, labels if labels in LABEL_LANGUAGES else "en"


def download(data: bytes, fmt: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
