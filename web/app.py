"""Flask app factory: one KnowledgeBase service shared by the blueprints."""
from __future__ import annotations

import secrets

from flask import Flask

from kb.config import Settings
from kb.knowledge import KnowledgeBase


def create_app(settings: Settings | None = None, kb: KnowledgeBase | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or secrets.token_hex(32))
    app.json.ensure_ascii = False  # "Żyrardów", not "\u017byrard\u00f3w"
    app.extensions["kb"] = kb or KnowledgeBase(settings)

    from flask_babel import Babel

    from . import export, search

    Babel(app, locale_selector=search.select_locale, default_translation_directories="translations")
    app.register_blueprint(search.bp)
    app.register_blueprint(export.bp)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
