from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techmarket.accounts.choices import OrganisationKind
from techmarket.accounts.models import Organisation
from techmarket.regions import gbt2260


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the market is for, and who is on it, by province."""
    counts = {
        (row["province"], row["kind"]): row["n"]
        for row in Organisation.objects.verified().values("province", "kind").annotate(n=Count("id")).order_by()
    }
    suppliers = {OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE}
    provinces = [
        {
            "code": p.code,
            "name": p.name,
            "suppliers": sum(n for (code, kind), n in counts.items() if code == p.code and kind in suppliers),
            "enterprises": counts.get((p.code, OrganisationKind.ENTERPRISE), 0),
        }
        for p in gbt2260.provinces()[:4]
    ]
    return render(request, "home.html", {"provinces": provinces})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)
