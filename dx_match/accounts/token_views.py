"""`/account/tokens`: create (the secret shown once, on the answer to the POST), list, revoke.

Registered on the accounts blueprint (imported at the end of accounts/views.py).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from dx_match.accounts import api_tokens
from dx_match.accounts.forms import ApiTokenForm, ConfirmForm
from dx_match.accounts.models import User
from dx_match.accounts.permissions import current_account, login_required
from dx_match.accounts.views import bp
from dx_match.errors import ValidationFailed


def _form(user: User, **kwargs: Any) -> ApiTokenForm:
    form = ApiTokenForm(**kwargs)
    form.scopes.choices = [
        SelectChoice(scope, f"{scope} — {api_tokens.SCOPES[scope]}")
        for scope in api_tokens.allowed_scopes(user.role)
    ]
    return form


def _page(
    user: User, form: ApiTokenForm, status: int = 200, new: api_tokens.NewToken | None = None
) -> ResponseReturnValue:
    tokens = api_tokens.tokens_of(user)
    states = {token.id: api_tokens.state(token) for token in tokens}
    page = render_template(
        "accounts/tokens.html",
        form=form,
        tokens=tokens,
        states=states,
        new=new,
        revoke_form=ConfirmForm(formdata=None),
    )
    return page, status


@bp.get("/account/tokens")
@login_required
def tokens() -> ResponseReturnValue:
    """Your personal API tokens and the form for a new one."""
    user = current_account()
    assert user is not None
    return _page(user, _form(user, formdata=None))


@bp.post("/account/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    """Make a token; the answer shows its secret this once (never stored, never redirected)."""
    user = current_account()
    assert user is not None
    form = _form(user)
    if form.validate_on_submit():
        try:
            new = api_tokens.create(user, form.name.data, form.scopes.data, form.lifetime_days())
        except ValidationFailed as exc:
            form.name.errors = [*form.name.errors, *exc.problems]
        else:
            return _page(user, _form(user, formdata=None), new=new)
    return _page(user, form, 422)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of your tokens at once (someone else's is not found)."""
    user = current_account()
    if not ConfirmForm().validate_on_submit() or user is None:
        abort(400)
    token = api_tokens.revoke(user, token_id)
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("accounts.tokens"))
