"""Unbound Flask extensions; `create_app` binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from dx_match.db import Base, DxSession

db = SQLAlchemy(model_class=Base, session_options={"class_": DxSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
babel = Babel()
