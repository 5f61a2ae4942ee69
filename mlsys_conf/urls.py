"""Site-wide pages first, then everything of an edition under ``/<edition_slug>/``."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from accounts import views as account_views
from conferences import views as conference_views
from mlsys_conf import health

# Redoc adds <style> elements before it can give them the nonce and searches in a worker made
# from a blob: its page alone allows inline styles and such a worker. Scripts stay 'self' + nonce.
REDOC_CSP = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("conferences.api")),
    path("", include("accounts.api")),
    path("", include("committees.api")),
    path("", include("submissions.api")),
    path("", include("bidding.api")),
    path("", include("assignments.api")),
    path("", include("reviews.api")),
    path("", include("decisions.api")),
    path("", include("artifacts.api")),
    path("", include("artifacts.badge_api")),
    path("", include("camera_ready.api")),
    path("", include("program.builder_api")),
    path("", include("program.public_api")),
    path("", include("proceedings.api")),
    path("", include("actionlog.api")),
    path("", include("outbox.api")),
    path("", include("site_pages.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our templates put the CSP nonce on the docs' inline blocks; the split view serves
    # Swagger UI's start-up script as a file instead of inline.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api_docs/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        csp_replace(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api_docs/redoc.html")
        ),
        name="redoc",
    ),
]

edition_patterns = [
    path("", include("conferences.urls")),
    path("", include("committees.urls")),
    path("", include("submissions.urls")),
    path("", include("bidding.urls")),
    path("", include("assignments.urls")),
    path("", include("reviews.urls")),
    path("", include("decisions.urls")),
    path("", include("artifacts.urls")),
    path("", include("camera_ready.urls")),
    path("", include("program.urls")),
    path("", include("proceedings.urls")),
    path("", include("actionlog.urls")),
    path("", include("outbox.urls")),
    path("", include("site_pages.urls")),
]

urlpatterns = [
    path("", conference_views.home, name="home"),
    path("health/", health.health, name="health"),
    path("admin/login/", account_views.admin_login),  # no second password form: see accounts.views
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/mail/", include("outbox.preference_urls")),  # no non-essential mail; the unsubscribe link
    path("profile/", include("accounts.urls")),
    path("api/", include((api_patterns, "api"))),
    path("<slug:edition_slug>/", include(edition_patterns)),
]

handler404 = "mlsys_conf.errors.page_not_found"
handler500 = "mlsys_conf.errors.server_error"
