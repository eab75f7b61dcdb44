"""Signing in and out, one's own password, and the admins' page of accounts.

Passwords are checked by kb.accounts (Werkzeug scrypt hashes); sessions are Flask-Login's, in the signed
session cookie, which is replaced at sign-in. Failed sign-ins are rate-limited per address (Flask-Limiter).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from kb import accounts
from kb.accounts import MIN_PASSWORD, AccountError, Role

from .access import actor, requires, safe_target, user

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
LOGIN_LIMIT = "10 per minute;50 per hour"  # sign-in attempts per address
CHECKLIST_LIMIT = "20 per minute;200 per hour"  # checklists an anonymous address may start


class SignedIn:
    """A kb.accounts.User as Flask-Login wants it."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, account: accounts.User):
        self.account = account

    def get_id(self) -> str:
        return self.account.session_token

    def __getattr__(self, name):
        return getattr(self.account, name)


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    """The session's user, unless the account was removed or its password changed since."""
    name = token.split("\x1f", 1)[0]
    account = accounts.get_user(current_app.extensions["kb"].store, name)
    return SignedIn(account) if account and account.session_token == token else None


def init_app(app) -> None:
    """Sessions for signed-in users, and a limit on sign-in attempts (in the app's memory, or in Redis when the
    settings name one: then every instance counts the same attempts)."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    # Several instances share the limits through Redis; one instance keeps them in its memory.
    storage = app.extensions["kb"].settings.redis_url or "memory://"
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage, default_limits=[])
    # Only failed attempts count (a sign-in that succeeds redirects): advisors behind one address are not
    # locked out by each other's sign-ins.
    app.view_functions["auth.login"] = limiter.limit(
        LOGIN_LIMIT, methods=["POST"], deduct_when=lambda response: response.status_code != 302
    )(app.view_functions["auth.login"])
    # Checklists are created anonymously, and each is a row kept for good: bounded per address.
    for endpoint in ("checklist.create", "checklist.api_create"):
        app.view_functions[endpoint] = limiter.limit(
            CHECKLIST_LIMIT, methods=["POST"], exempt_when=lambda: user() is not None,
            deduct_when=lambda response: response.status_code in (201, 302),  # only checklists made count
        )(app.view_functions[endpoint])
    app.extensions["login_limiter"] = limiter


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    store = current_app.extensions["kb"].store
    if form.validate_on_submit():
        account = accounts.authenticate(store, form.username.data, form.password.data)
        if account:
            kept = session.get("checklists", [])
            session.clear()  # a fresh session: an id planted before sign-in is worth nothing after it
            session["checklists"] = kept
            login_user(SignedIn(account))
            return redirect(safe_target(request.args.get("next"), url_for("search.index")))
        flash(gettext("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form, no_accounts=not store.users()), 200


@bp.post("/logout")
def logout():
    account = user()
    if account is not None:
        accounts.sign_out(current_app.extensions["kb"].store, account.username)
    logout_user()
    kept = session.get("checklists", [])
    session.clear()
    session["checklists"] = kept
    return redirect(url_for("search.index"))


class PasswordForm(FlaskForm):
    current = PasswordField(lazy_gettext("Current password"), validators=[DataRequired()])
    new = PasswordField(lazy_gettext("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    repeat = PasswordField(lazy_gettext("New password again"),
                           validators=[EqualTo("new", message=lazy_gettext("The two passwords differ."))])


@bp.route("/account", methods=["GET", "POST"])
@requires("review")
def account():
    form = PasswordForm()
    store = current_app.extensions["kb"].store
    if form.validate_on_submit():
        if not accounts.authenticate(store, actor(), form.current.data):
            flash(gettext("The current password is wrong."), "error")
        else:
            try:
                accounts.set_password(store, actor(), form.new.data, actor=actor())
            except AccountError as exc:
                flash(str(exc), "error")
            else:
                login_user(SignedIn(accounts.get_user(store, actor())))  # this session goes on, the others end
                flash(gettext("Password changed."), "ok")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


class UserForm(FlaskForm):
    username = StringField(lazy_gettext("User name"), validators=[DataRequired(), Length(min=2, max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    role = StringField(lazy_gettext("Role"), validators=[AnyOf([r.value for r in Role])])


@bp.route("/users", methods=["GET", "POST"])
@requires("users")
def users():
    form = UserForm()
    store = current_app.extensions["kb"].store
    if form.validate_on_submit():
        try:
            accounts.add_user(store, form.username.data, form.password.data, form.role.data, actor=actor())
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(gettext("Account %(name)s created.", name=form.username.data), "ok")
            return redirect(url_for("auth.users"))
    return render_template("auth/users.html", form=form, users=accounts.users(store), roles=[r.value for r in Role])


@bp.post("/users/<username>/role")
@requires("users")
def set_role(username: str):
    return _change(username, lambda store: accounts.set_role(store, username, request.form.get("role", ""),
                                                             actor=actor()))


@bp.post("/users/<username>/remove")
@requires("users")
def remove(username: str):
    if username.lower() == actor().lower():
        abort(400, "You cannot remove your own account.")
    return _change(username, lambda store: accounts.remove_user(store, username, actor=actor()))


def _change(username: str, change):
    """An account change (recorded in the audit trail by kb.accounts); its error shown to the admin."""
    store = current_app.extensions["kb"].store
    if accounts.get_user(store, username) is None:
        abort(404)
    try:
        change(store)
    except AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("auth.users"))


@bp.app_context_processor
def who():
    return {"signed_in": user()}
