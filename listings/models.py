"""Patents and other achievements on the market, their images and files, inquiries and technology demands.

A listing belongs to a supplier organisation and takes its province and city
from it. Its status moves only through ``services.listing_transition`` along
the table in ``choices.TRANSITIONS``; the audit log keeps every move.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from techmarket.accounts.models import PhoneField
from techmarket.accounts.validators import validate_phone
from techmarket.regions import gbt2260

from .choices import (
    PATENT_KINDS,
    PUBLIC_STATUSES,
    DealMode,
    DemandStatus,
    InquiryStatus,
    ListingKind,
    ListingStatus,
    ProposalStatus,
    ReadinessLevel,
)
from .files import ListingImageField, Rendition, validate_pdf


class ListingQuerySet(models.QuerySet):
    def published(self) -> ListingQuerySet:
        return self.filter(status=ListingStatus.PUBLISHED)

    def public(self) -> ListingQuerySet:
        """Listings anyone may open: published ones and those already transferred."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def of_organisation(self, organisation) -> ListingQuerySet:
        return self.filter(organisation=organisation)


class Listing(models.Model):
    """A patent, portfolio or other achievement (科技成果) a supplier offers, with its non-confidential summary.

    Everything here is public once the listing is published; confidential
    details belong in negotiations, not on the listing.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="listings"
    )
    # Where the owner is, copied from it so that lists filter by province without a join.
    province = models.CharField(_("province"), max_length=6, choices=gbt2260.province_choices, editable=False)
    city = models.CharField(_("city"), max_length=6, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ListingKind.choices, default=ListingKind.PATENT)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT, editable=False
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(
        _("summary (Chinese)"),
        max_length=2000,
        help_text=_("A non-confidential summary: what the technology does and for whom. Everyone can read it."),
    )
    summary_en = models.TextField(_("summary (English)"), max_length=4000, blank=True)
    problem = models.TextField(_("problem solved"), max_length=2000, blank=True)
    advantages = models.TextField(_("advantages over existing solutions"), max_length=2000, blank=True)
    applications = models.TextField(_("application scenarios"), max_length=2000, blank=True)
    field = models.ForeignKey(
        "regions.TechnologyField",
        verbose_name=_("technology field"),
        on_delete=models.PROTECT,
        related_name="listings",
        limit_choices_to={"is_active": True},
    )
    patents = models.ManyToManyField(
        "ip_registry.Patent",
        verbose_name=_("patents"),
        blank=True,
        related_name="listings",
        help_text=_("The registry's patents this listing offers; your organisation must be among their right holders."),
    )
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True, editable=False)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"), choices=ReadinessLevel.choices, default=ReadinessLevel.TRL4
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = PhoneField(_("contact mobile"), max_length=11, null=True, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    broker = models.ForeignKey(
        "accounts.BrokerProfile",
        verbose_name=_("assigned technology-transfer manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listings",
    )
    co_owner_consent = models.BooleanField(
        _("every co-owner consents"),
        default=False,
        help_text=_(
            "For co-owned patents offered for assignment or an exclusive or sole licence: every co-owner on the "
            "registry has agreed to this offer (专利法第十四条)."
        ),
    )
    moderation_note = models.CharField(_("note from the moderators"), max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False, db_index=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
            models.Index(fields=["status", "province", "-published_at"], name="listing_status_province"),
            models.Index(fields=["status", "field", "-published_at"], name="listing_status_field"),
        ]
        permissions = [("moderate_listing", _("Can review, publish and suspend listings"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listings:listing_detail", args=[self.pk])

    @property
    def title(self) -> str:
        if get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_zh

    @property
    def summary(self) -> str:
        if get_language() == "en" and self.summary_en:
            return self.summary_en
        return self.summary_zh

    @property
    def province_name(self) -> str:
        return gbt2260.division_name(self.province) if self.province else ""

    @property
    def city_name(self) -> str:
        return gbt2260.division_name(self.city) if self.city else ""

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def needs_patents(self) -> bool:
        return self.kind in PATENT_KINDS

    @property
    def trl_meaning(self) -> str:
        return ReadinessLevel(self.trl).label if self.trl else ""

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and not self.province:
            self.province, self.city = self.organisation.province, self.organisation.city
        if self.contact_phone is None and not self.contact_email and self.contact_name:
            raise ValidationError(
                {"contact_email": _("Give a mobile number or an e-mail address so that firms can reach the contact.")}
            )


class ListingUserObjectPermission(UserObjectPermissionBase):
    """Guardian's per-user permissions on listings (the assigned broker's), with a real foreign key."""

    content_object = models.ForeignKey(Listing, on_delete=models.CASCADE)


class ListingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Listing, on_delete=models.CASCADE)


class DealTerm(models.Model):
    """One way the owner offers the listing (assignment, a kind of licence, ...) and its indicative price."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="deal_terms")
    mode = models.CharField(_("deal mode"), max_length=20, choices=DealMode.choices)
    price = models.DecimalField(
        _("indicative price (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty for “negotiable”."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # An open licence's fee as the registry publishes it (免费, 一次性 ¥50,000, 净销售额 3%): written by the listing
    # services from the declarations in force, never by the owner.
    published_terms = models.CharField(_("published terms"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["listing", "mode"]
        verbose_name = _("deal term")
        verbose_name_plural = _("deal terms")
        constraints = [models.UniqueConstraint(fields=["listing", "mode"], name="one_term_per_deal_mode")]
        indexes = [models.Index(fields=["mode", "listing"], name="dealterm_mode_listing")]

    def __str__(self) -> str:
        return self.get_mode_display()

    @property
    def is_negotiable(self) -> bool:
        """No price and no published terms (an open licence's terms are published, never negotiable)."""
        return self.price is None and not self.published_terms


def _listing_upload(instance, filename: str) -> str:
    return f"listings/{instance.listing_id}/{filename}"


class ListingImage(models.Model):
    """A picture of the technology. The file is cleaned on save (see ``files.py``) and has two renditions."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="images")
    # No width_field/height_field: Django would read the dimensions of every new file as soon as it is assigned,
    # before the validators run, and a decompression bomb would raise there. The field's pre_save sets them.
    image = ListingImageField(_("image"), upload_to=_listing_upload)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # Declared after ``image``: its pre_save fills this in.
    renditions = models.JSONField(default=dict, editable=False)
    caption = models.CharField(
        _("caption"), max_length=120, blank=True, help_text=_("Also read out by screen readers.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.caption or self.image.name

    def clean(self) -> None:
        super().clean()
        if self.listing_id and not self.pk:
            limit = settings.LISTING_MAX_IMAGES
            if ListingImage.objects.filter(listing_id=self.listing_id).count() >= limit:
                raise ValidationError(
                    _("A listing has at most %(limit)s images. Delete one before adding another.") % {"limit": limit},
                    code="too_many_images",
                )

    def rendition(self, name: str) -> Rendition:
        """The stored rendition, or the original at its own size if the rendition was never made."""
        data = self.renditions.get(name)
        if data:
            return Rendition(self.image.storage.url(data["name"]), data["width"], data["height"])
        return Rendition(self.image.url, self.width, self.height)

    @property
    def thumb(self) -> Rendition:
        return self.rendition("thumb")

    @property
    def detail(self) -> Rendition:
        return self.rendition("detail")

    def stored_names(self) -> list[str]:
        return [self.image.name, *(data["name"] for data in self.renditions.values())]


def _attachment_upload(instance, filename: str) -> str:
    return f"listings/{instance.listing_id}/files/{uuid.uuid4().hex}.pdf"


class ListingAttachment(models.Model):
    """A PDF about the technology (a brochure, a test report), public with the listing."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("PDF file"), upload_to=_attachment_upload, validators=[validate_pdf])
    title = models.CharField(_("title"), max_length=120)
    size = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The download view, which checks who may see the listing; never the storage's own address."""
        return reverse("listings:attachment_download", args=[self.listing_id, self.pk])

    @property
    def download_name(self) -> str:
        """The name the file is saved under: its title, as a safe file name."""
        return f"{slugify(self.title, allow_unicode=True) or 'attachment'}.pdf"


# Inquiries ------------------------------------------------------------------------------------------------------


class BudgetRange(models.TextChoices):
    UNDER_100K = "lt10", _("under 100,000 yuan")
    TO_500K = "10-50", _("100,000 to 500,000 yuan")
    TO_1M = "50-100", _("500,000 to 1 million yuan")
    TO_5M = "100-500", _("1 to 5 million yuan")
    OVER_5M = "gt500", _("over 5 million yuan")
    UNDECIDED = "undecided", _("not decided yet")


class Timeline(models.TextChoices):
    NOW = "3m", _("within 3 months")
    HALF_YEAR = "6m", _("within 6 months")
    YEAR = "12m", _("within a year")
    LATER = "later", _("more than a year")


class InquiryQuerySet(models.QuerySet):
    def for_listing_owner(self, organisation) -> InquiryQuerySet:
        return self.filter(listing__organisation=organisation)


class Inquiry(models.Model):
    """A firm's question about a listing: a thread between the firm, the owner and the assigned broker."""

    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.CASCADE, related_name="inquiries")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="inquiries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries_sent",
    )
    intended_use = models.TextField(_("intended use"), max_length=2000)
    budget = models.CharField(_("budget range"), max_length=10, choices=BudgetRange.choices)
    timeline = models.CharField(_("timeline"), max_length=10, choices=Timeline.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, editable=False
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    last_message_at = models.DateTimeField(_("last message"), auto_now_add=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [models.Index(fields=["sender", "-created_at"], name="inquiry_sender_created")]

    def __str__(self) -> str:
        return f"{self.listing} · {self.sender}"

    def get_absolute_url(self) -> str:
        return reverse("listings:inquiry_detail", args=[self.pk])


class InquiryMessage(models.Model):
    """One message in an inquiry's thread."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["inquiry", "created_at", "id"]
        verbose_name = _("inquiry message")
        verbose_name_plural = _("inquiry messages")

    def __str__(self) -> str:
        return self.body[:50]


# Technology demands (企业出题 / 揭榜挂帅) --------------------------------------------------------------------------


class DemandQuerySet(models.QuerySet):
    def public(self) -> DemandQuerySet:
        return self.exclude(status=DemandStatus.CLOSED)


class Demand(models.Model):
    """A problem an enterprise puts to the market; universities and institutes answer with proposals."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="demands"
    )
    province = models.CharField(_("province"), max_length=6, choices=gbt2260.province_choices, editable=False)
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("the problem"), max_length=4000)
    field = models.ForeignKey(
        "regions.TechnologyField",
        verbose_name=_("technology field"),
        on_delete=models.PROTECT,
        related_name="demands",
        limit_choices_to={"is_active": True},
    )
    budget = models.DecimalField(
        _("budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty for “negotiable”."),
    )
    deadline = models.DateField(_("proposals due"))
    open_to_all_provinces = models.BooleanField(
        _("open to all provinces"),
        default=True,
        help_text=_("Untick to take proposals only from organisations in your own province."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listings:demand_detail", args=[self.pk])

    @property
    def province_name(self) -> str:
        return gbt2260.division_name(self.province) if self.province else ""

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and not self.province:
            self.province = self.organisation.province


class Proposal(models.Model):
    """A university's or institute's answer to a demand, which may point to its listings."""

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="proposals"
    )
    summary = models.TextField(_("proposal"), max_length=4000)
    listings = models.ManyToManyField(Listing, verbose_name=_("related listings"), blank=True, related_name="proposals")
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["demand", "created_at", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [models.UniqueConstraint(fields=["demand", "organisation"], name="one_proposal_per_organisation")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.demand}"
