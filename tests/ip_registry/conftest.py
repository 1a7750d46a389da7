"""Fixtures shared by the registry tests: organisations in each province and a small ledger of transfers."""

import datetime

import pytest

from ip_registry import services
from ip_registry.choices import LicenceType
from tests.factories import make_patent, organisation_in

D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"


@pytest.fixture
def orgs():
    return {code: organisation_in(code) for code in (SH, JS, ZJ, AH, BJ)}


def transfer(patent, to, on):
    return services.patent_assign(actor=None, patent=patent, assignees=[services.Holding(to)], registration_date=on)


def licence(patent, to, on, *, licence_type=LicenceType.ORDINARY, years=3):
    """Record a licence of the patent to the organisation, registered and starting on ``on``."""
    return services.licence_record(
        actor=None,
        patent=patent,
        licensees=[services.Holding(to)],
        licence_type=licence_type,
        registration_date=on,
        term_start=on,
        term_end=on.replace(year=on.year + years),
    )


@pytest.fixture
def history(orgs):
    """SH->JS (2021), JS->ZJ (2022, a chain), SH->SH (2022), SH->Beijing (2023), AH->SH licence (2023, G06N)."""
    first = make_patent(orgs[SH], year=2020)
    transfer(first, orgs[JS], D(2021, 3, 1))
    transfer(first, orgs[ZJ], D(2022, 7, 1))
    second = make_patent(orgs[SH], year=2020)
    transfer(second, organisation_in(SH), D(2022, 9, 1))
    third = make_patent(orgs[SH], year=2020)
    transfer(third, orgs[BJ], D(2023, 1, 1))
    fourth = make_patent(orgs[AH], year=2020, ipc_codes=["G06N 3/08"])
    licence(fourth, orgs[SH], D(2023, 5, 1))


# Supporting documents -------------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh directory per test, so tests can see exactly what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(content: bytes | None = None, name: str = "备案通知书.pdf"):
    """A file as a browser uploads it; a one-page PDF unless told otherwise."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.listings.conftest import MINIMAL_PDF

    return SimpleUploadedFile(name, MINIMAL_PDF if content is None else content)
