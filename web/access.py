"""Who is asking and what they may see: the signed-in user (Flask-Login), permission checks for views,
and the rule that anonymous visitors see approved practices only."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from kb.accounts import User, may
from kb.knowledge import KnowledgeBase
from kb.models import Practice, Status


def knowledge() -> KnowledgeBase:
    """The app's knowledge base service."""
    return current_app.extensions["kb"]


def user() -> User | None:
    """The signed-in user, or None for an anonymous visitor."""
    return current_user if getattr(current_user, "is_authenticated", False) else None


def allowed(action: str) -> bool:
    return may(user(), action)


def requires(action: str):
    """A view only users whose role may do `action` reach: others are sent to sign in (403 if signed in)."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if user() is None:
                if request.method == "GET":
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(401)
            if not allowed(action):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def visible_status() -> str | None:
    """The status filter search must apply: approved only, unless the user may see drafts."""
    return None if allowed("see_drafts") else str(Status.APPROVED)


def is_visible(practice: Practice | None) -> bool:
    return practice is not None and (practice.status == Status.APPROVED or allowed("see_drafts"))


def visible_practice(practice_id: str) -> Practice:
    """The practice, or 404 when it does not exist or this visitor may not see it."""
    practice = knowledge().get(practice_id)
    if not is_visible(practice):
        abort(404)
    return practice


def safe_target(target: str | None, default: str = "/") -> str:
    """A path on this site to go back to, or `default`: no scheme or host, no control characters or
    backslashes (browsers and Werkzeug drop or rewrite them, which can turn '/\t/evil' into '//evil')."""
    if not target or not target.startswith("/") or any(c < " " or c in "\\\x7f" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


def actor() -> str:
    """The name the audit trail records for the signed-in user."""
    return user().username
