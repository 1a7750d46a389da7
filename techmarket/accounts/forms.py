from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from techmarket.regions import gbt2260
from techmarket.regions.models import TechnologyField

from .choices import ENTERPRISE_FIELDS, PROTECTED_FIELDS, MembershipRole, OrganisationKind
from .models import Organisation, User
from .validators import normalize_credit_code, normalize_phone, validate_credit_code


def grouped_city_choices() -> list:
    """Cities grouped by province, YRD first, for a select with optgroups."""
    return [("", "——")] + [(p.name, gbt2260.city_choices(p.code)) for p in gbt2260.provinces()]


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or mobile number and password do not match an account."),
        "inactive": _("This account has been deactivated."),
    }


class OrganisationForm(forms.ModelForm):
    """The organisation's own details, used at sign-up and on its edit page."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["kind", "name_zh", "name_en", "credit_code", "province", "city", "website", "description"]
        widgets = {
            "city": forms.Select(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "credit_code": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "credit_code" in self.fields:
            self.fields["credit_code"].required = True  # optional on the model only for imported records
        self.fields["city"].widget.choices = grouped_city_choices()
        self.fields["city"].widget.attrs["data-city-select"] = "1"
        self.fields["province"].widget.attrs["data-province-select"] = "1"

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            # Registering an organisation the registry only knows from imported records takes that record
            # over (see services.organisation_create), so its name is not "taken": validate against it.
            claimable = Organisation.objects.claimable().filter(name_zh=cleaned.get("name_zh")).first()
            if claimable is not None:
                self.instance = claimable
        return cleaned


class OrganisationEditForm(OrganisationForm):
    """The edit page. A verified organisation's protected details (``PROTECTED_FIELDS``) are shown apart: changes to
    them go to the platform staff for approval, and while a request awaits them they cannot be changed again."""

    class Meta(OrganisationForm.Meta):
        fields = [
            "kind",
            "name_zh",
            "name_en",
            "credit_code",
            "province",
            "city",
            "website",
            "description",
            *ENTERPRISE_FIELDS,
        ]

    def __init__(self, *args, pending_change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != OrganisationKind.ENTERPRISE:
            # Size is an enterprise's: pay-later offers are open to firms by their size.
            for name in ENTERPRISE_FIELDS:
                del self.fields[name]
        else:
            self.fields["annual_revenue"].validators.append(MinValueValidator(0))
        if not self.instance.is_verified:
            # Unverified: edited freely as before; the credit code is what the staff are checking.
            del self.fields["credit_code"]
        elif pending_change:
            for name in PROTECTED_FIELDS:
                self.fields[name].disabled = True

    @property
    def guards_protected_fields(self) -> bool:
        return self.instance.is_verified

    def protected_fields(self) -> list:
        return [self[name] for name in self.fields if name in PROTECTED_FIELDS]

    def other_fields(self) -> list:
        return [self[name] for name in self.fields if name not in PROTECTED_FIELDS]


class SignupForm(forms.Form):
    MODE_CREATE = "create"
    MODE_JOIN = "join"

    name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        help_text=_("Optional. You can sign in with it instead of your e-mail address."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    mode = forms.ChoiceField(
        label=_("Your organisation"),
        choices=[
            (MODE_CREATE, _("Register a new organisation (you become its administrator)")),
            (MODE_JOIN, _("Join an organisation already registered here")),
        ],
        initial=MODE_CREATE,
        widget=forms.RadioSelect,
    )
    join_credit_code = forms.CharField(
        label=_("Credit code of the organisation to join"),
        required=False,
        max_length=30,
        help_text=_("Its administrators will be asked to approve you."),
    )

    # Neither the e-mail address nor the mobile number is refused for having an account already: the sign-up would
    # then tell anyone who has one. services.account_signup answers the same and tells the owner by e-mail.
    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        phone = normalize_phone(phone)
        User._meta.get_field("phone").run_validators(phone)
        return phone

    def clean_join_credit_code(self) -> str:
        code = self.cleaned_data["join_credit_code"]
        if self.data.get(self.add_prefix("mode")) != self.MODE_JOIN:
            return ""
        if not code:
            raise forms.ValidationError(_("Enter the credit code of the organisation you want to join."))
        validate_credit_code(code)
        code = normalize_credit_code(code)
        try:
            self.join_organisation = Organisation.objects.get(credit_code=code)
        except Organisation.DoesNotExist:
            raise forms.ValidationError(
                _("No organisation with this credit code is registered yet. Choose to register a new organisation.")
            ) from None
        return code

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Verify")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: say what is missing or wrong."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for the rejection so the organisation can correct it."))
        return cleaned


class ChangeDecisionForm(forms.Form):
    """Platform staff's decision on a verified organisation's change request."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: say why the change cannot be made."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason, so that the organisation knows what to correct."))
        return cleaned


class BrokerProfileForm(forms.Form):
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=40)
    provinces_served = forms.MultipleChoiceField(
        label=_("Provinces served"),
        choices=lambda: [(p.code, p.name) for p in gbt2260.provinces()[:4]],
        widget=forms.CheckboxSelectMultiple,
    )
    fields = forms.ModelMultipleChoiceField(
        label=_("Technology fields"),
        queryset=TechnologyField.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class WagtailUserCreationForm(UserCreationForm):
    """Wagtail's user form for this user model: a single name field instead of first and last names."""

    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = {"email", "name", "phone", "is_superuser", "groups"}


class WagtailUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = {"email", "name", "phone", "is_active", "is_superuser", "groups"}
