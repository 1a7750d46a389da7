"""Site settings: the platform's contact details in every page's footer, and the bank account payers transfer to."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site
from wagtail.users.models import UserProfile

from cms.site_settings import CONTACT_CACHE_KEY, PlatformBankAccount, PlatformContact
from licensing.choices import PaymentPurpose
from licensing.payments import services as payments
from licensing.permissions import finance_group
from tests.factories import UserFactory, add_member, organisation_in

pytestmark = pytest.mark.django_db

CONTACT = {"address": "上海市徐汇区漕溪北路 595 号", "phone": "021-6433 1234", "email": "service@example.org"}
ACCOUNT = {
    "account_name": "长三角技术转移服务中心",
    "bank": "交通银行合肥分行",
    "account_number": "3400 1122 3344 5566",
}
SETTINGS_ACCOUNT_NUMBER = "1001 2345 6789 0123 456"  # the settings dict's, as in the test settings


@pytest.fixture(autouse=True)
def forget_cached_contact():
    """The footer's details live in the process's cache, which outlives each test's database."""
    cache.delete(CONTACT_CACHE_KEY)
    yield
    cache.delete(CONTACT_CACHE_KEY)


@pytest.fixture
def site():
    return Site.objects.get(is_default_site=True)


def settings_url(model: str, site: Site) -> str:
    return f"/cms-admin/settings/cms/{model}/{site.pk}/"


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def finance():
    user = UserFactory(name="财务")
    user.groups.add(finance_group())
    return user


# The footer ------------------------------------------------------------------------------------------------------


def test_staff_save_the_contact_details_and_every_page_shows_them(client, staff_user, site, home):
    assert "platform-contact" not in client.get("/").content.decode()  # none yet: no empty box
    client.force_login(staff_user)
    response = client.post(settings_url("platformcontact", site), CONTACT)
    assert response.status_code == 302
    client.logout()
    for path in ("/", reverse("listings:listing_list")):
        page = client.get(path).content.decode()
        assert CONTACT["address"] in page and 'href="tel:021-64331234"' in page, path
        assert 'href="mailto:service@example.org"' in page, path


def test_the_footer_reads_the_details_once_until_they_change(client, site, django_assert_max_num_queries):
    PlatformContact.objects.create(site=site, **CONTACT)
    client.get("/")
    with django_assert_max_num_queries(50) as queries:
        page = client.get("/").content.decode()
    assert CONTACT["phone"] in page
    assert not [q for q in queries.captured_queries if "cms_platformcontact" in q["sql"]]
    contact = PlatformContact.objects.get(site=site)
    contact.phone = "0551-6288 0000"
    contact.save()
    assert "0551-6288 0000" in client.get("/").content.decode()


def test_a_bad_telephone_number_is_refused_with_a_message(client, staff_user, site):
    client.force_login(in_english(staff_user))
    response = client.post(settings_url("platformcontact", site), {**CONTACT, "phone": "call us"})
    assert "Enter a telephone number" in response.content.decode()
    assert not PlatformContact.objects.filter(site=site, phone="call us").exists()


def test_the_bank_account_is_the_finance_staffs_not_the_platform_staffs(client, staff_user, finance, site):
    client.force_login(staff_user)
    client.post(settings_url("platformbankaccount", site), ACCOUNT)
    assert not PlatformBankAccount.objects.filter(site=site, account_number=ACCOUNT["account_number"]).exists()
    client.force_login(finance)
    assert client.post(settings_url("platformbankaccount", site), ACCOUNT).status_code == 302
    assert PlatformBankAccount.objects.get(site=site).account_number == ACCOUNT["account_number"]


def test_half_an_account_is_refused_with_a_message(client, finance, site):
    client.force_login(in_english(finance))
    response = client.post(settings_url("platformbankaccount", site), {**ACCOUNT, "bank": ""})
    assert "Fill in the account name, the bank and the account number together" in response.content.decode()
    assert not PlatformBankAccount.objects.filter(site=site, account_number=ACCOUNT["account_number"]).exists()


# The bank account on payments ------------------------------------------------------------------------------------


@pytest.fixture
def payer():
    firm = organisation_in("340000", name_zh="合肥测试材料有限公司")
    return firm, add_member(firm, UserFactory(name="李工", email="li@example.org"))


def new_payment(payer, django_capture_on_commit_callbacks):
    firm, member = payer
    with django_capture_on_commit_callbacks(execute=True):
        return payments.payment_create(
            purpose=PaymentPurpose.OPEN_LICENCE_FEE,
            description="专利实施许可费",
            amount=Decimal("50000.00"),
            payer=firm,
            payee=organisation_in("310000"),
            actor=member,
        )


def test_a_saved_account_is_on_a_new_payments_page_and_in_its_email(
    client, site, payer, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    PlatformBankAccount.objects.create(site=site, **ACCOUNT)
    payment = new_payment(payer, django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if "li@example.org" in m.to]
    assert ACCOUNT["account_number"] in message.body and ACCOUNT["bank"] in message.body
    assert SETTINGS_ACCOUNT_NUMBER not in message.body
    client.force_login(payer[1])
    with translation.override("en"):
        url = reverse("licensing:payment_detail", args=[payment.reference])
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    assert ACCOUNT["account_number"] in page and ACCOUNT["account_name"] in page
    assert SETTINGS_ACCOUNT_NUMBER not in page


def test_without_a_saved_account_the_settings_one_is_used(client, site, payer, django_capture_on_commit_callbacks):
    PlatformBankAccount.objects.create(site=site)  # the settings page opened and saved empty
    payment = new_payment(payer, django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if "li@example.org" in m.to]
    assert SETTINGS_ACCOUNT_NUMBER in message.body
    client.force_login(payer[1])
    page = client.get(reverse("licensing:payment_detail", args=[payment.reference])).content.decode()
    assert SETTINGS_ACCOUNT_NUMBER in page
