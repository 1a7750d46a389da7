from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import serving
from cms.sitemaps import SITEMAPS
from ip_registry.api import EntryViewSet, FlowViewSet, PatentViewSet, RecordalViewSet, TargetViewSet
from licensing.api import AgreementViewSet, DeclarationViewSet, LicenceViewSet, PaymentViewSet, ReportViewSet
from listings.api.demands import DemandViewSet
from listings.api.inquiries import InquiryViewSet
from listings.api.listings import ListingViewSet
from search.api import SearchViewSet
from techmarket.accounts.api import MeViewSet, OrganisationViewSet, RegionViewSet
from techmarket.api import router

from . import views

router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("me", MeViewSet, basename="me")
router.register("regions", RegionViewSet, basename="region")
router.register("registry/patents", PatentViewSet, basename="registry-patent")
router.register("registry/entries", EntryViewSet, basename="registry-entry")
router.register("registry/flows", FlowViewSet, basename="registry-flow")
router.register("registry/targets", TargetViewSet, basename="registry-target")
router.register("registry/recordals", RecordalViewSet, basename="registry-recordal")
router.register("listings", ListingViewSet, basename="listing")
router.register("inquiries", InquiryViewSet, basename="inquiry")
router.register("demands", DemandViewSet, basename="demand")
router.register("search", SearchViewSet, basename="search")
router.register("licensing/licences", LicenceViewSet, basename="licensing-licence")
router.register("licensing/agreements", AgreementViewSet, basename="licensing-agreement")
router.register("licensing/declarations", DeclarationViewSet, basename="licensing-declaration")
router.register("licensing/payments", PaymentViewSet, basename="licensing-payment")
router.register("licensing/reports", ReportViewSet, basename="licensing-report")

# Language-neutral: the admin sites, the API, and the language switch itself.
urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own, and our template its styles, so the
    # page needs nothing inline under the Content-Security-Policy.
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/v1/", include(router.urls)),
    # A patent number typed without the trailing slash: the router reads a check character in lower case or a digit
    # as a format suffix (PatentViewSet gives it back), but an upper-case X matches none of its patterns.
    re_path(
        r"^api/v1/registry/patents/(?P<number>[^/]+\.X)$",
        PatentViewSet.as_view({"get": "retrieve"}),
        name="registry-patent-detail-x",
    ),
    # Any other address under /api/ is a JSON 404, with DEBUG on too (Django's own page would be HTML).
    re_path(r"^api/", views.api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    # Stripe posts its events here (one address, whatever the language).
    path("", include("licensing.urls_stripe")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Pages: Chinese at /, English under /en/.
urlpatterns += i18n_patterns(
    # The front page is the Wagtail site's root page (cms.HomePage), named here so templates can link to it.
    # Kept whole for visitors, as every editorial page (cms/serving.py).
    path("", serving.serve, {"path": ""}, name="home"),
    path("", include("techmarket.accounts.urls")),
    path("", include("ip_registry.urls")),
    path("", include("listings.urls")),
    path("", include("licensing.urls")),
    path("", include("search.urls")),
    path("", include("cms.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    # Uploaded files from MEDIA_ROOT, for the embedded deployment and tests; production serves them from its storage.
    # Sandboxed, and never the listings' PDF files, which only their download view hands out (techmarket/downloads.py).
    from techmarket.downloads import serve_media

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

# Wagtail serves the editorial pages; it comes last so it never shadows an app's URL.
urlpatterns += i18n_patterns(path("", include(serving)), prefix_default_language=False)

handler400 = "techmarket.views.bad_request"
handler403 = "techmarket.views.permission_denied"
handler404 = "techmarket.views.page_not_found"
handler500 = "techmarket.views.server_error"
