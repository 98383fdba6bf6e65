"""Account pages: register, confirm, log in (with the TOTP step), log out, reset, settings, admin.

Thin views: validate a form, call one service, render or redirect. Every state change is a
POST with a CSRF token; links in mail open a page whose button does the POST.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from dx_match.accounts import queries, services, tokens, totp
from dx_match.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    EmailOnlyForm,
    LoginForm,
    PasswordConfirmForm,
    RegisterForm,
    ResetPasswordForm,
    TotpForm,
)
from dx_match.accounts.login import fresh_session, load_user, start_session
from dx_match.accounts.permissions import (
    current_account,
    fresh_login_required,
    login_required,
    require_member,
    role_required,
)
from dx_match.i18n import ui_language
from dx_match.security import rate_limit, safe_next

bp = Blueprint("accounts", __name__)

#: Session key of a log-in waiting for its TOTP code, and how long it may wait.
PENDING_KEY = "totp_pending"
PENDING_SECONDS = 300


def _field_error(form: Any, problem: services.FieldProblem) -> None:
    """Show a service's rejection on the field it names (the form keeps what was typed)."""
    field = getattr(form, problem.field, None)
    if field is None:
        flash(str(problem.message), "error")
        return
    field.errors = [*field.errors, str(problem.message)]


def _after_login() -> ResponseReturnValue:
    if current_user.needs_totp_setup:
        return redirect(url_for("accounts.totp_setup"))
    return redirect(safe_next(request.args.get("next")) or url_for("accounts.settings"))


@bp.route("/account/register", methods=["GET", "POST"])
@rate_limit("register")
def register() -> ResponseReturnValue:
    """Create an account; a confirmation link is mailed."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(
                email=form.email.data,
                password=form.password.data,
                role=form.role.data,
                display_name=form.display_name.data,
                organisation_name=form.organisation_name.data or "",
                locale=ui_language(),
            )
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            return render_template("accounts/check_mail.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    """GET shows a button; POST confirms the address in the token."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email(token)
        except tokens.TokenInvalid:
            return render_template("accounts/bad_link.html"), 400
        flash(_("Your e-mail address is confirmed. You can log in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/confirm.html", form=form, heading=_("Confirm your e-mail address")
    )


@bp.post("/account/confirm/resend")
@rate_limit("password_reset")
def resend_confirmation() -> ResponseReturnValue:
    """Mail a new confirmation link (same answer whether or not the address is known)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        return render_template("accounts/check_mail.html", email=form.email.data)
    return render_template("accounts/resend.html", form=form), 422


@bp.route("/account/login", methods=["GET", "POST"])
@rate_limit("login")
def login() -> ResponseReturnValue:
    """E-mail and password; then the TOTP step when the account has a second factor."""
    form = LoginForm()
    resend = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountNotConfirmed:
            form.email.errors = [_("Confirm your e-mail address first: we sent you a link.")]
            resend = EmailOnlyForm(formdata=None, email=form.email.data)
        except services.AccountDisabled:
            form.email.errors = [_("This account has been disabled.")]
        except services.LoginFailed:
            form.password.errors = [_("The e-mail address or the password is not right.")]
        else:
            if user.totp_secret:
                fresh_session()
                session[PENDING_KEY] = {
                    "id": user.get_id(),
                    "remember": form.remember.data,
                    "at": time.time(),
                }
                return redirect(url_for("accounts.login_totp", next=request.args.get("next")))
            start_session(user, remember=form.remember.data)
            services.record_login(user)
            return _after_login()
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form, resend=resend), status


@bp.route("/account/login/code", methods=["GET", "POST"])
@rate_limit("login")
def login_totp() -> ResponseReturnValue:
    """The second step of a log-in: a code from the authenticator app."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("accounts.login"))
    user = load_user(str(pending.get("id", "")))
    if user is None:
        return redirect(url_for("accounts.login"))
    form = TotpForm()
    if form.validate_on_submit():
        if services.check_totp(user, form.code.data):
            start_session(user, remember=bool(pending.get("remember")))
            services.record_login(user)
            return _after_login()
        form.code.errors = [_("This code is not valid. Check the time on your device.")]
    status = 422 if form.errors else 200
    return render_template("accounts/login_totp.html", form=form), status


@bp.post("/account/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Log out everywhere: the session token rotates, so copied cookies stop working too."""
    user = current_account()
    if not ConfirmForm().validate_on_submit() or user is None:
        abort(400)
    services.end_all_sessions(user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("catalog.home"))


@bp.route("/account/forgot", methods=["GET", "POST"])
@rate_limit("password_reset")
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link (same answer whether or not the address has an account)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/check_mail.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@rate_limit("password_reset")
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from a reset link (single use, expires after an hour)."""
    try:
        services.user_for_reset_token(token)
    except tokens.TokenInvalid as exc:
        expired = isinstance(exc, tokens.TokenExpired)
        return render_template("accounts/bad_link.html", expired=expired), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            logout_user()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


def _settings_page(status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The settings page with any forms that have errors kept as the user left them."""
    user = current_account()
    return (
        render_template(
            "accounts/settings.html",
            user=user,
            email_form=forms.get("email_form") or ChangeEmailForm(formdata=None),
            password_form=forms.get("password_form") or ChangePasswordForm(formdata=None),
            totp_form=forms.get("totp_form") or PasswordConfirmForm(formdata=None),
            logout_form=ConfirmForm(formdata=None),
        ),
        status,
    )


@bp.get("/account/")
@login_required
def settings() -> ResponseReturnValue:
    """The account page: address, password, second factor, organisation."""
    return _settings_page()


@bp.post("/account/email")
@fresh_login_required
def change_email() -> ResponseReturnValue:
    """Start an address change: a confirmation link goes to the new address."""
    form = ChangeEmailForm()
    user = current_account()
    assert user is not None
    if form.validate_on_submit():
        try:
            services.request_email_change(user, form.password.data, form.new_email.data)
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            return render_template("accounts/check_mail.html", email=form.new_email.data)
    return _settings_page(422, email_form=form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str) -> ResponseReturnValue:
    """GET shows a button; POST switches the account to the new address."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email_change(token)
        except (tokens.TokenInvalid, services.FieldProblem):
            return render_template("accounts/bad_link.html"), 400
        flash(_("Your new e-mail address is confirmed."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template(
        "accounts/confirm.html", form=form, heading=_("Confirm your new e-mail address")
    )


@bp.post("/account/password")
@fresh_login_required
def change_password() -> ResponseReturnValue:
    """Change the password; every other session ends, this one continues on a new session."""
    form = ChangePasswordForm()
    user = current_account()
    assert user is not None
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            start_session(user, remember=False)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(422, password_form=form)


@bp.route("/account/totp", methods=["GET", "POST"])
@fresh_login_required
def totp_setup() -> ResponseReturnValue:
    """Set up the second factor: scan the QR code (or type the key), then enter a code."""
    user = current_account()
    assert user is not None
    secret = session.get("totp_setup_secret")
    if not isinstance(secret, str):
        secret = totp.new_secret()
        session["totp_setup_secret"] = secret
    form = TotpForm()
    if form.validate_on_submit():
        try:
            services.enable_totp(user, secret, form.code.data)
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            session.pop("totp_setup_secret", None)
            flash(_("Two-step verification is on."), "success")
            return redirect(url_for("accounts.settings"))
    uri = totp.provisioning_uri(secret, user.email)
    return (
        render_template(
            "accounts/totp_setup.html",
            form=form,
            secret=secret,
            uri=uri,
            qr=totp.qr_svg(uri),
            required=user.needs_totp_setup,
        ),
        422 if form.errors else 200,
    )


@bp.post("/account/totp/disable")
@fresh_login_required
def totp_disable() -> ResponseReturnValue:
    """Turn the second factor off (SME, vendor and trainer accounts only)."""
    form = PasswordConfirmForm()
    user = current_account()
    assert user is not None
    if form.validate_on_submit():
        try:
            services.disable_totp(user, form.password.data)
        except services.FieldProblem as problem:
            _field_error(form, problem)
        else:
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(422, totp_form=form)


@bp.get("/organisations/<int:organisation_id>")
@login_required
def organisation(organisation_id: int) -> ResponseReturnValue:
    """An organisation and its members: for its members and admins only (404 for others)."""
    require_member(current_account(), organisation_id, "organisation")
    found = queries.organisation_with_members(organisation_id)
    if found is None:
        abort(404)
    return render_template("accounts/organisation.html", organisation=found)


@bp.get("/admin/users")
@role_required("admin")
def admin_users() -> ResponseReturnValue:
    """Every account, with a button to disable or enable it."""
    search = request.args.get("q", "")[:200]
    return render_template(
        "accounts/admin_users.html",
        users=queries.users_page(search),
        search=search,
        form=ConfirmForm(formdata=None),
    )


@bp.post("/admin/users/<int:user_id>/active")
@role_required("admin")
def admin_set_active(user_id: int) -> ResponseReturnValue:
    """Disable (ending every session) or re-enable an account."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    user = services.set_active(current_account(), user_id, active)
    if active:
        flash(_("%(email)s can log in again.", email=user.email), "success")
    else:
        flash(_("%(email)s is disabled and logged out everywhere.", email=user.email), "success")
    return redirect(url_for("accounts.admin_users"))


# The token pages add their routes to `bp` (kept in a module of their own).
from dx_match.accounts import token_views  # noqa: E402, F401
