"""dx_match: a marketplace that matches SMEs with digital tools, subsidies and courses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from dx_match import config as config_module
from dx_match.db import check_sqlite_pragmas

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = REPO_ROOT / "templates"
MIGRATIONS = REPO_ROOT / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error pages."""
    config = config or {}
    # DX_* strings given here act like environment variables, so derived defaults follow them
    # (DX_INSTANCE_PATH moves the default SQLite database too); other keys override directly.
    as_environment = {k: v for k, v in config.items() if k.startswith("DX_") and isinstance(v, str)}
    settings = config_module.from_environment({**os.environ, **as_environment})
    settings.update({k: v for k, v in config.items() if k not in as_environment})
    app = Flask(
        __name__,
        instance_path=settings["DX_INSTANCE_PATH"],
        template_folder=str(TEMPLATES),
        static_folder="static",
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from dx_match import errors, i18n, models, routing, security, templating
    from dx_match.accounts import login as accounts_login
    from dx_match.cli import register_commands
    from dx_match.extensions import babel, csrf, db, migrate
    from dx_match.pagecache import cache as pagecache

    assert models.__all__  # all tables registered before the engine is used
    db.init_app(app)
    with app.app_context():
        check_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.babel_locale)
    templating.init_app(app)
    errors.register_handlers(app)
    routing.init_app(app)  # before any route: ids in URLs within the columns' range
    _register_views(app)
    accounts_login.init_app(app)
    security.init_app(app)  # after the blueprints: it limits some of them as a whole
    pagecache.init_app(app)  # last: its hooks run after the log-in check and the rate limits
    register_commands(app)
    if app.config["DX_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["DX_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _register_views(app: Flask) -> None:
    """Every blueprint and view package, in the order their routes should win."""
    from dx_match import api
    from dx_match.accounts.views import bp as accounts_bp
    from dx_match.advisory import views as advisory_views
    from dx_match.audit.views import bp as audit_bp
    from dx_match.catalog.views import bp as catalog_bp
    from dx_match.health import bp as health_bp
    from dx_match.inquiries import views as inquiries_views
    from dx_match.listings.admin_views import bp as catalog_admin_bp
    from dx_match.listings.views import bp as listings_bp
    from dx_match.notify.views import bp as notify_bp
    from dx_match.reviews import views as reviews_views
    from dx_match.search.views import bp as search_bp
    from dx_match.survey import views as survey_views
    from dx_match.trust import views as trust_views

    app.register_blueprint(catalog_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(accounts_bp)
    survey_views.init_app(app)
    inquiries_views.init_app(app)
    advisory_views.init_app(app)
    reviews_views.init_app(app)
    app.register_blueprint(listings_bp)
    app.register_blueprint(catalog_admin_bp)
    app.register_blueprint(audit_bp)
    trust_views.init_app(app)
    app.register_blueprint(notify_bp)
    api.init_app(app)
