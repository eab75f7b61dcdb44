"""Flask app factory: one KnowledgeBase service shared by the blueprints."""
from __future__ import annotations

import os
import secrets

from flask import Flask

from kb.config import Settings
from kb.knowledge import KnowledgeBase


def _stored_secret(settings: Settings) -> str:
    """A secret key kept in the data folder, so that sessions (the visitor's checklists) survive a restart."""
    path = settings.data_dir / ".secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 32:
        return key
    # Written whole to a temporary file and linked into place: a server starting at the same moment
    # either finds no key (and writes its own, which one of them wins) or a complete one.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32))
    try:
        os.link(tmp, path)  # fails if another process got there first: then its key is the key
    except FileExistsError:
        if len(path.read_text(encoding="ascii").strip()) < 32:
            os.replace(tmp, path)  # an empty or broken key from an older crash
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


class ConfigurationError(RuntimeError):
    """The settings cannot serve as they are; the message says what to set."""


def create_app(settings: Settings | None = None, kb: KnowledgeBase | None = None) -> Flask:
    settings = settings or Settings.from_env()
    if settings.database_url and not settings.secret_key:
        # Every instance must sign sessions with the same key, or a visitor's next request, served by another
        # instance, would find them signed out: a key kept in one instance's data folder will not do.
        raise ConfigurationError("KB_SECRET_KEY must be set when the knowledge base is in PostgreSQL "
                                 "(KB_DATABASE_URL): every instance signs sessions with it. Make one with "
                                 "`python -c 'import secrets; print(secrets.token_hex(32))'`.")
    app = Flask(__name__)
    if settings.proxy_hops:  # the client's address, scheme and host as the trusted proxies saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.config.update(
        SECRET_KEY=settings.secret_key or _stored_secret(settings), WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=int(settings.max_file_mb * 2**20 * 4) + 2**20,  # an upload of a few files at the limit
    )
    app.json.ensure_ascii = False  # "Żyrardów", not "\u017byrard\u00f3w"
    app.extensions["kb"] = kb or KnowledgeBase(settings)

    from flask_babel import Babel
    from flask_wtf.csrf import CSRFProtect

    from . import auth, browse, checklist, collections, curation, export, limits, maps, present, search, upload

    limits.init_app(app, settings)  # first: its body limit applies before any form is read
    Babel(app, locale_selector=present.select_locale, default_translation_directories="translations")
    for blueprint in (search.bp, browse.bp, export.bp, checklist.bp, auth.bp, curation.bp, collections.bp,
                      upload.bp, maps.bp):
        app.register_blueprint(blueprint)
    auth.init_app(app)
    # Every form that changes something carries a CSRF token. The JSON API takes JSON bodies only, which a
    # page on another site cannot send without the browser asking this server first (CORS), so it is exempt.
    csrf = CSRFProtect(app)
    for name in ("api_create", "api_update"):
        csrf.exempt(f"{checklist.__name__}.{name}")

    return app
