"""What a request may ask, and what every answer carries: body sizes per route (refused before they are
read), the query's length and encoding, whole-number parameters in their range, JSON errors on the API,
and the headers that keep pages out of frames and advisors' pages out of caches."""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import abort, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from kb.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, QueryTooLong, check_query

SMALL_BODY = 256 * 1024  # a form or a JSON body; only uploads may send more
UPLOAD_ENDPOINTS = frozenset({"upload.start"})


def query_arg(name: str = "q") -> str:
    """The query parameter, stripped; a 400 in the user's language when it is too long or not UTF-8."""
    query = request.args.get(name, "").strip()
    try:  # Werkzeug keeps bytes that are not UTF-8 as they came ("%FF"): the raw query string says
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description=gettext("The query is not valid UTF-8 text."))
    try:
        return check_query(query)
    except QueryTooLong:
        abort(400, description=gettext(
            "The query is too long (%(chars)d characters, %(words)d words). Keep its key words: at most "
            "%(max_chars)d characters and %(max_words)d words.", chars=len(query), words=len(query.split()),
            max_chars=MAX_QUERY_CHARS, max_words=MAX_QUERY_WORDS))


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter between low and high, else a 400 that says so."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        abort(400, description=gettext("%(name)s must be a whole number from %(low)d to %(high)d.",
                                       name=name, low=low, high=high))
    return value


def init_app(app, secure: bool = False) -> None:
    """Call before anything else reads requests (CSRFProtect reads the form): the body limit comes first."""

    @app.before_request
    def limit_body():
        # Werkzeug refuses a body over the limit from its Content-Length, before reading it.
        if request.endpoint not in UPLOAD_ENDPOINTS:
            request.max_content_length = SMALL_BODY

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404 and not _api():
            return render_template("404.html"), 404
        if _api():
            response = jsonify(error=error.description or error.name)
        else:
            response = app.make_response((render_template("error.html", error=error), error.code))
        response.status_code = error.code or 500
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception):  # HTTPExceptions go to http_error, the more specific handler
        app.logger.exception("Unhandled error on %s", request.path)
        if _api():
            return jsonify(error="internal error; the request was not completed"), 500
        return render_template("error.html", error=None), 500

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        from .access import user

        if user() is not None:  # an advisor's pages hold drafts and accounts: no cache keeps them
            headers["Cache-Control"] = "no-store"
        return response


def _api() -> bool:
    return request.path.startswith("/api/")
