"""Every model module, imported once so the metadata (and Alembic) sees all tables."""

from dx_match.accounts import models as accounts_models
from dx_match.advisory import models as advisory_models
from dx_match.audit import models as audit_models
from dx_match.catalog import models as catalog_models
from dx_match.inquiries import models as inquiries_models
from dx_match.listings import models as listings_models
from dx_match.notify import models as notify_models
from dx_match.pagecache import models as pagecache_models
from dx_match.pagecache import token as pagecache_token
from dx_match.recommend import models as recommend_models
from dx_match.reviews import models as reviews_models
from dx_match.search import models as search_models
from dx_match.search import sync as search_sync
from dx_match.survey import models as survey_models
from dx_match.taxonomy import models as taxonomy_models
from dx_match.trust import models as trust_models

__all__ = [
    "accounts_models",
    "advisory_models",
    "audit_models",
    "catalog_models",
    "inquiries_models",
    "listings_models",
    "notify_models",
    "pagecache_models",
    "pagecache_token",
    "recommend_models",
    "reviews_models",
    "search_models",
    "search_sync",
    "survey_models",
    "taxonomy_models",
    "trust_models",
]
