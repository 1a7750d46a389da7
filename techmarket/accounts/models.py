"""Users, the organisations they act for, and technology-transfer managers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from techmarket.regions import gbt2260
from techmarket.regions.validators import validate_city_in_province, validate_province_code

from .choices import (
    PROTECTED_FIELDS,
    SUPPLIER_KINDS,
    ChangeRequestStatus,
    FirmSize,
    MembershipRole,
    MembershipStatus,
    OrganisationKind,
    VerificationStatus,
)
from .validators import normalize_credit_code, normalize_phone, validate_credit_code, validate_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("Users need an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class PhoneField(models.CharField):
    """A mainland mobile number, stored as 11 digits whatever the input looked like."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) or None if value else None


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address or a mobile number."""

    email = models.EmailField(_("e-mail address"), unique=True)
    phone = PhoneField(
        _("mobile number"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
        help_text=_("Optional. You can sign in with it instead of your e-mail address."),
    )
    name = models.CharField(_("name"), max_length=100)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Lets the person sign in to the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class CreditCodeField(models.CharField):
    """A unified social credit code, normalised (upper case, no separators) before validation; None if not known."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_credit_code(value) if value else None


class OrganisationQuerySet(models.QuerySet):
    def verified(self) -> OrganisationQuerySet:
        return self.filter(verification_status=VerificationStatus.VERIFIED)

    def awaiting_verification(self) -> OrganisationQuerySet:
        """Pending organisations staff can verify; those without a credit code wait for a claimant instead."""
        return self.filter(verification_status=VerificationStatus.PENDING, credit_code__isnull=False)

    def suppliers(self) -> OrganisationQuerySet:
        return self.filter(kind__in=SUPPLIER_KINDS)

    def in_province(self, province_code: str) -> OrganisationQuerySet:
        return self.filter(province=province_code)

    def claimable(self) -> OrganisationQuerySet:
        """Records the registry added from imported transfers, without credit code or members.

        The first person to register an organisation of the same Chinese name
        takes the record over (with its ledger history) instead of being told
        the name is taken; platform staff then verify it as any other.
        """
        members = Membership.objects.filter(organisation=models.OuterRef("pk"))
        return self.filter(
            ~models.Exists(members), credit_code__isnull=True, verification_status=VerificationStatus.PENDING
        )


class Organisation(models.Model):
    """A university, institute, enterprise, service agency or government body.

    Identified by its unified social credit code; located by GB/T 2260 codes so
    that every transfer it takes part in can be counted by province. Everyone
    who registers an organisation gives its credit code; only organisations the
    registry learns of from CNIPA's records (``import_transfers``) may lack one
    until someone from them registers and claims the record (see
    :meth:`OrganisationQuerySet.claimable`).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    credit_code = CreditCodeField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,  # unknown for some organisations named in imported records; unique when known
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as on the business licence or registration certificate."),
        error_messages={"unique": _("An organisation with this credit code is already registered.")},
    )
    province = models.CharField(
        _("province"), max_length=6, choices=gbt2260.province_choices, validators=[validate_province_code]
    )
    city = models.CharField(
        _("city"),
        max_length=6,
        blank=True,
        help_text=_("For Shanghai and the other municipalities, the district."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("introduction"), blank=True)
    # An enterprise's size (工信部联企业〔2011〕300号) and what it rests on: pay-later offers are by default open to
    # small and micro firms only.
    firm_size = models.CharField(_("firm size"), max_length=10, choices=FirmSize.choices, blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tech_sme_number = models.CharField(
        _("科技型中小企业 registration number"),
        max_length=30,
        blank=True,
        help_text=_("The number of the firm's entry in the register of technology-based SMEs, if it has one."),
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    verification_note = models.CharField(_("verification note"), max_length=500, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organisations")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["province", "name_zh"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("manage_members", _("Can manage the organisation's members")),
            ("view_members", _("Can see the organisation's members")),
            ("verify_organisation", _("Can verify organisations")),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def province_name(self) -> str:
        return gbt2260.division_name(self.province)

    @property
    def city_name(self) -> str:
        return gbt2260.division_name(self.city) if self.city else ""

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    def clean(self) -> None:
        super().clean()
        if self.province and self.city:
            try:
                validate_city_in_province(self.city, self.province)
            except ValidationError as error:
                raise ValidationError({"city": error}) from None


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's per-user permissions on organisations, with a real foreign key."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's per-group permissions on organisations, with a real foreign key."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.PENDING)

    def admins(self) -> MembershipQuerySet:
        return self.active().filter(role=MembershipRole.ADMIN)


class Membership(models.Model):
    """A person acting for an organisation, as its administrator or a staff member."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.STAFF)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-role", "created_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_organisation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == MembershipRole.ADMIN and self.status == MembershipStatus.ACTIVE


class OrganisationChangeRequestQuerySet(models.QuerySet):
    def pending(self) -> OrganisationChangeRequestQuerySet:
        return self.filter(status=ChangeRequestStatus.PENDING)


class OrganisationChangeRequest(models.Model):
    """A verified organisation's request to change who or where it is, kept until platform staff decide.

    Holds the whole set of protected details as they would be after the change
    (``PROTECTED_FIELDS``), and as they were when asked (``previous``), so that
    staff see old and new side by side and approval writes exactly what they
    saw. The organisation keeps its current details, and its verified badge
    stands for them, until the request is approved. An organisation has at
    most one pending request; another is refused until it is decided.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    # Unique among organisations, not among requests: approval checks it against the organisations then.
    credit_code = CreditCodeField(
        _("unified social credit code"), max_length=18, null=True, blank=True, validators=[validate_credit_code]
    )
    province = models.CharField(
        _("province"), max_length=6, choices=gbt2260.province_choices, validators=[validate_province_code]
    )
    city = models.CharField(_("city"), max_length=6, blank=True)
    previous = models.JSONField(_("details when asked"), default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = OrganisationChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            # The service refuses a second one; this keeps two concurrent requests from both being written.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status=ChangeRequestStatus.PENDING),
                name="organisation_one_pending_change_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.previous.get('name_zh') or self.organisation_id} → {self.name_zh} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING

    @property
    def requested(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in PROTECTED_FIELDS}

    def changed_fields(self) -> list[str]:
        return [name for name in PROTECTED_FIELDS if self.previous.get(name) != getattr(self, name)]

    def changes(self) -> list[tuple[str, str, str]]:
        """(label, before, after) of each detail the request changes, as people read them."""
        return [
            (
                str(Organisation._meta.get_field(name).verbose_name),
                _display(name, self.previous.get(name)),
                _display(name, getattr(self, name)),
            )
            for name in self.changed_fields()
        ]


def _display(name: str, value: str | None) -> str:
    if not value:
        return "—"
    if name == "kind":
        return str(OrganisationKind(value).label) if value in OrganisationKind.values else value
    if name in ("province", "city"):
        return gbt2260.division_name(value) or value
    return value


class BrokerProfile(models.Model):
    """A technology-transfer manager (技术经理人) who brokers deals and earns a recorded commission."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="broker_profile")
    certificate_number = models.CharField(
        _("certificate number"),
        max_length=40,
        unique=True,
        help_text=_("The number on the technology manager certificate (技术经理人证书)."),
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brokers",
    )
    fields = models.ManyToManyField(
        "regions.TechnologyField", verbose_name=_("technology fields"), related_name="brokers", blank=True
    )
    provinces_served = models.JSONField(_("provinces served"), default=list, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("technology-transfer manager")
        verbose_name_plural = _("technology-transfer managers")

    def __str__(self) -> str:
        return f"{self.user} ({self.certificate_number})"

    def clean(self) -> None:
        super().clean()
        for code in self.provinces_served or []:
            validate_province_code(code)

    @property
    def province_names(self) -> list[str]:
        return [gbt2260.division_name(code) for code in self.provinces_served or []]
