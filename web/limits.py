"""What a request may ask, and what every answer carries: body sizes per route (refused before they are
read), the query's length and encoding, whole-number parameters in their range, JSON errors on the API,
the headers that keep pages out of frames and advisors' pages out of caches, and the back-pressure in front of
searches (a bounded queue: a 503 with Retry-After when it is full, not latency without limit)."""
from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote_to_bytes

from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from kb.config import Settings
from kb.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, QueryTooLong, check_query

SMALL_BODY = 256 * 1024  # a form or a JSON body; only uploads may send more
UPLOAD_ENDPOINTS = frozenset({"upload.start"})


# Control characters and the two XML non-characters: nothing a query means, and no DOCX can hold them.
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


def query_arg(name: str = "q") -> str:
    """The query parameter, stripped, control characters as spaces; a 400 in the user's language when it is
    too long or not UTF-8."""
    query = _NOT_TEXT.sub(" ", request.args.get(name, "")).strip()
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


def choice_arg(name: str, choices) -> str | None:
    """A parameter that names one of `choices` (None when not given), else a 400 that lists them (for the
    API: the pages' filters offer only their choices)."""
    value = request.args.get(name) or None  # an empty parameter (a form's "any") chooses nothing
    if value is not None and value not in choices:
        abort(400, description=gettext("%(name)s must be one of: %(choices)s.", name=name,
                                       choices=", ".join(choices)))
    return value


_JSON_TYPES = {str: "a string", int: "a whole number", bool: "true or false", dict: "an object", list: "an array"}


def json_fields(body: dict, **types: type) -> None:
    """A 400 that names the first of the JSON object's fields that is there and not of its type (null is no
    string; true is no number)."""
    for name, kind in types.items():
        if name not in body:
            continue
        value = body[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            abort(400, description=f"{name} must be {_JSON_TYPES[kind]}.")


class SearchGate:
    """At most `slots` searches run at once and at most `queue` more wait for a slot, each for at most
    `wait_s`: a search that finds the queue full is refused at once, one that waits past `wait_s` then (a 503
    with Retry-After), so a flood of clients gets quick refusals instead of answers that come later and later."""

    def __init__(self, slots: int, queue: int, wait_s: float):
        self.slots, self.queue, self.wait_s = slots, queue, wait_s
        self._running = threading.BoundedSemaphore(slots)
        self._admitted = threading.BoundedSemaphore(slots + queue)
        self._count_lock = threading.Lock()
        self.admitted = 0  # searches running or waiting now

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchGate:
        slots = settings.search_slots or 2 * (os.cpu_count() or 1)
        return cls(max(1, slots), max(0, settings.search_queue), max(0.0, settings.search_wait_seconds))

    @property
    def capacity(self) -> int:
        """Searches running or waiting at most: the web server needs more threads than this."""
        return self.slots + self.queue

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a search slot for the block, or raise ServiceUnavailable when none comes in time."""
        if not self._admitted.acquire(blocking=False):
            raise _busy(self.wait_s)
        self._count(+1)
        try:
            if not self._running.acquire(timeout=self.wait_s):
                raise _busy(self.wait_s)
            try:
                yield
            finally:
                self._running.release()
        finally:
            self._count(-1)
            self._admitted.release()

    def _count(self, change: int) -> None:
        with self._count_lock:
            self.admitted += change


def _busy(wait_s: float) -> ServiceUnavailable:
    return ServiceUnavailable(description=gettext("Many searches are running right now. Please try again in a "
                                                  "few seconds."), retry_after=max(1, math.ceil(wait_s)))


def search_slot():
    """The app's search gate's slot (a context manager): wrap the work of a search in it."""
    return current_app.extensions["search_gate"].slot()


def init_app(app, settings: Settings) -> None:
    """Call before anything else reads requests (CSRFProtect reads the form): the body limit comes first."""
    secure = settings.secure_cookies
    app.extensions["search_gate"] = SearchGate.from_settings(settings)

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
