"""Wagtail page types: the home page, news, policies, events and plain pages.

The home page is the site's root (``/``); the three index pages sit under it
and hold their articles. Figures, listings and the organisations table on the
home page come from the apps' selectors (:mod:`cms.selectors`), never from
copies kept in the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from . import calendar, selectors, services, translation_links
from .blocks import BodyBlock, GuideBlock
from .choices import EventKind, GuideTopic, PolicyLevel, RegistrationStatus, delta_provinces
from .exceptions import RegistrationError
from .forms import PolicyFilterForm


class SitePage(Page):
    """What every editorial page shares: its place in the site's two languages.

    A page is written in Chinese and may be translated into English (Wagtail's locales); the English tree mirrors
    the Chinese one. A Chinese page with no English translation yet is served under /en/ at the same address, with
    the site's English words around its Chinese text (:meth:`HomePage.route`), and its links there keep the
    reader in English. The language switcher goes to the page's translation when it has a live one.
    """

    class Meta:
        abstract = True

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        # A request that did not come through the site's middleware (Wagtail's stand-in, when it records the
        # redirects of a moved page) asks for the page's own address, not a reader's.
        if request is not None and not hasattr(request, "LANGUAGE_CODE"):
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, translation_links.in_reading_language(page_path)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["language_links"] = translation_links.language_links(self, request)
        return context


def _body() -> StreamField:
    return StreamField(BodyBlock(), blank=True, verbose_name=_("body"))


class HomePage(SitePage):
    """The front page: the search box, the market's live figures, the newest listings, news and events.

    One per site, at its root, and its English translation beside it; the hero's
    words are the site's own (translated with it), what an editor adds goes in
    the body below the figures.
    """

    body = _body()

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.PolicyIndexPage",
        "cms.EventIndexPage",
        "cms.ProvincePortalPage",
        "cms.GuidePage",
        "cms.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """A page of the English tree, or else the Chinese page at the same address (not yet translated)."""
        try:
            return super().route(request, path_components)
        except Http404:
            original = translation_links.original_home(self)
            if original is None:
                raise
            return original.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        language = get_language()  # the reader's: the lists show the pages translated into it
        context.update(
            figures=selectors.market_figures(today=timezone.localdate()),
            provinces=selectors.organisations_by_province(selectors.portals(language)),
            guides=selectors.guides(language),
            latest_listings=selectors.latest_listings(),
            latest_news=selectors.latest_news(language=language),
            upcoming_events=selectors.upcoming_events(now=timezone.now(), language=language),
        )
        return context


class StandardPage(SitePage):
    """A plain page of text: about the platform, terms, contacts."""

    body = _body()

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.GuidePage"]

    class Meta:
        verbose_name = _("standard page")


class IndexPage(SitePage):
    """A section's list page under the home page (one of each kind): an introduction, then its pages."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1  # one under the home page of each language

    class Meta:
        abstract = True


class NewsIndexPage(IndexPage):
    """The list of news items, newest first."""

    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = selectors.news_listed(self, language=get_language())
        return context


class NewsPage(SitePage):
    """A news item: what happened on the market or in the region, with its date."""

    og_type = "article"  # for Open Graph (templates/cms/includes/open_graph.html); other pages are "website"

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists."))
    body = _body()

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


class PolicyIndexPage(IndexPage):
    """The list of policies, the most recently issued first."""

    subpage_types = ["cms.PolicyPage"]

    class Meta:
        verbose_name = _("policy index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = PolicyFilterForm(request.GET)
        form.is_valid()  # a filter it cannot read is left out; cleaned_data keeps the others
        policies = selectors.policies_listed(self, language=get_language(), **form.cleaned_data)
        context.update(form=form, items=policies)
        return context


class PolicyPage(SitePage):
    """A policy document: who issued it, its number (such as 国科发规〔2020〕352号), its dates and level, and a
    summary in the platform's own words."""

    og_type = "article"  # for Open Graph (templates/cms/includes/open_graph.html); other pages are "website"

    issuing_body = models.CharField(_("issuing body"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issue_date = models.DateField(_("issue date"))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=PolicyLevel.choices, default=PolicyLevel.NATIONAL)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists."))
    body = _body()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("issuing_body"),
                FieldPanel("document_number"),
                FieldRowPanel([FieldPanel("issue_date"), FieldPanel("effective_date")]),
                FieldPanel("level"),
            ],
            heading=_("Document"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("document_number"),
        index.SearchField("issuing_body"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("level"),
        index.FilterField("issue_date"),
    ]
    parent_page_types = ["cms.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")


class EventIndexPage(IndexPage):
    """The list of events: those to come first, then those past."""

    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        upcoming, past = selectors.events_listed(self, now=timezone.now(), language=get_language())
        context.update(upcoming=upcoming, past=past)
        return context


class EventPage(RoutablePageMixin, SitePage):
    """A roadshow, matchmaking fair or achievement auction: when, where (a place, an online link or both), and how
    many people it takes.

    Signed-in members register on the page (``register/``, ``cancel/``); past the capacity they join a waiting list,
    and a cancelled place goes to the first in it (:mod:`cms.services`). ``calendar/`` is the event for a
    calendar program.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.MATCHMAKING)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists."))
    body = _body()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("place"),
                FieldPanel("online_url"),
                FieldPanel("capacity"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("place"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["registration"] = selectors.event_registration_state(self, request.user, now=timezone.now())
        return context

    @path("register/", name="register")
    def register(self, request):
        return self._registration_action(request, services.event_register, _registered_message)

    @path("cancel/", name="cancel")
    def cancel(self, request):
        return self._registration_action(
            request, services.event_registration_cancel, lambda registration: _("Your registration is cancelled.")
        )

    @path("calendar/", name="calendar")
    def calendar(self, request):
        response = HttpResponse(
            calendar.event_ics(self, url=request.build_absolute_uri(self.url), now=timezone.now()),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.ics"'
        # Not for the visitors' page cache (cms/serving.py), which keeps a page's body and type but not its file name.
        patch_cache_control(response, private=True)
        return response

    def _registration_action(self, request, service, message):
        """Register or cancel for the signed-in member (a POST); a refusal is shown on the page with a 4xx."""
        if not request.user.is_authenticated:
            return redirect_to_login(self.url)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            registration = service(user=request.user, event=self)
        except RegistrationError as error:
            response = Page.serve(self, request)  # the page as a GET shows it, with the refusal above the form
            response.context_data["registration_error"] = str(error)
            response.status_code = error.status_code
            return response
        messages.success(request, message(registration))
        return redirect(self.url, permanent=False)


class ProvincePortalPage(SitePage):
    """One province's window on the market: its verified organisations, its published listings and open demands, and
    how many transfers its parties have made with the other provinces (inflow and outflow, from the registry).

    One per Delta province, under the home page; the figures are read live from the apps' selectors, the intro is
    the editor's.
    """

    province = models.CharField(_("province"), max_length=6, choices=delta_provinces)
    intro = StreamField(BodyBlock(), blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("province"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("province")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = len(delta_provinces())  # under the home page of each language

    class Meta:
        verbose_name = _("province portal")

    def clean(self):
        super().clean()
        others = ProvincePortalPage.objects.filter(province=self.province, locale_id=self.locale_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.province and others.exists():
            raise ValidationError({"province": _("This province already has a portal.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["portal"] = selectors.province_portal(self.province, today=timezone.localdate())
        return context


class GuidePage(SitePage):
    """A how-to for members: declaring and obtaining an open licence, how use first, pay later works, how to publish
    a listing. Numbered steps in the body, and a link to where on the market the reader does it."""

    og_type = "article"  # for Open Graph (templates/cms/includes/open_graph.html); other pages are "website"

    topic = models.CharField(_("topic"), max_length=20, choices=GuideTopic.choices, default=GuideTopic.OTHER)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists."))
    body = StreamField(GuideBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("topic"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("topic"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["market_link"] = selectors.guide_market_link(self.topic)
        return context


def _registered_message(registration) -> str:
    if registration.status == RegistrationStatus.WAITING:
        return _("The event is full: you are on its waiting list. We will e-mail you when a place comes free.")
    return _("You are registered for this event.")


class EventRegistration(models.Model):
    """A member's place at an event: confirmed, on the waiting list (in the order they asked), or cancelled.

    One row per member and event; a member who cancels and asks again goes to the back of the queue. Written only
    through :mod:`cms.services`, under a lock on the event.
    """

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="cms_event_registration_once")]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="cms_event_registration_queue")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} · {self.get_status_display()}"


# The site settings live in their own module; imported here so that Django finds their models.
from .site_settings import PlatformBankAccount, PlatformContact  # noqa: E402, F401
