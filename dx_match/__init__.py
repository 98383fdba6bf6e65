"""dx_match: a marketplace that matches SMEs with digital tools, subsidies and courses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from dx_match import config as config_module

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = REPO_ROOT / "templates"
MIGRATIONS = REPO_ROOT / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error pages."""
    settings = config_module.from_environment()
    if config:
        settings.update(config)
    app = Flask(
        __name__,
        instance_path=settings["DX_INSTANCE_PATH"],
        template_folder=str(TEMPLATES),
        static_folder="static",
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from dx_match import errors, i18n, models, templating
    from dx_match.catalog.views import bp as catalog_bp
    from dx_match.cli import register_commands
    from dx_match.extensions import babel, csrf, db, migrate
    from dx_match.search.views import bp as search_bp

    assert models.__all__  # all tables registered before the engine is used
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.babel_locale)
    templating.init_app(app)
    errors.register_handlers(app)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(search_bp)
    register_commands(app)
    return app
