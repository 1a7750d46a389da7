"""``manage.py check --deploy`` warns when Stripe is on without the webhook's signing secret."""

from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET


def deploy_warnings() -> list[str]:
    return [issue.id for issue in run_checks(include_deployment_checks=True, tags=["payments"])]


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    return settings


def test_stripe_without_a_webhook_secret_is_warned_about_on_deploy(stripe_keys):
    stripe_keys.STRIPE_WEBHOOK_SECRET = ""
    assert deploy_warnings() == ["licensing.W001"]
    out, err = StringIO(), StringIO()

    call_command("check", "--deploy", "--tag", "payments", stdout=out, stderr=err)

    output = out.getvalue() + err.getvalue()
    assert "licensing.W001" in output
    assert "STRIPE_WEBHOOK_SECRET" in output


def test_stripe_with_its_webhook_secret_is_not_warned_about(stripe_keys):
    stripe_keys.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    assert deploy_warnings() == []


def test_without_stripe_keys_there_is_nothing_to_warn_about(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert deploy_warnings() == []


def test_the_warning_is_a_deployment_check_only(stripe_keys):
    stripe_keys.STRIPE_WEBHOOK_SECRET = ""
    assert [issue.id for issue in run_checks(tags=["payments"])] == []
