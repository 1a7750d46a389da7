"""E-mail on the events that matter, sent by a background task after the transaction commits.

Templates live in ``templates/email/<name>_subject.txt`` and ``<name>.txt``;
they render in the recipient's language (Chinese unless told otherwise).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_templated_email(
    *, template: str, to: list[str], context: dict, language: str, headers: dict[str, str] | None = None
) -> int:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        body = render_to_string(f"email/{template}.txt", context)
    return EmailMessage(subject, body, None, to, headers=headers).send()


def email_on_commit(
    *,
    template: str,
    to: Iterable[str],
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an e-mail once the surrounding transaction has committed (never for a rolled-back write).

    ``headers`` are extra mail headers (``List-Unsubscribe``); like ``context`` they must be JSON-serialisable,
    as the production task queue stores them.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    language = language or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            template=template, to=recipients, context=context, language=language, headers=headers
        )
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
