"""Unbound Flask extensions; `create_app` binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from dx_match.db import Base, DxSession

db = SQLAlchemy(model_class=Base, session_options={"class_": DxSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Limits are declared on the views that need them; nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
