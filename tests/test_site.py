"""The site shell: languages, navigation, admin sites, API docs."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "<h1>长三角技术转移市场</h1>" in html
    assert "专利开放许可" in html and "先使用后付费" in html


def test_english_lives_under_en(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Yangtze River Delta Technology Transfer Market" in html


def test_language_switcher_links_to_this_page_in_the_other_language(client):
    html = client.get("/organisations/?page=2").content.decode()
    assert '<a href="/en/organisations/?page=2" hreflang="en" lang="en">English</a>' in html
    assert '<span aria-current="true" lang="zh-hans">简体中文</span>' in html
    html = client.get("/en/organisations/").content.decode()
    assert '<a href="/organisations/" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in html


def test_pages_for_visitors_carry_no_csrf_token(client):
    """Nothing on a visitor's page posts, so no token (and no CSRF cookie): such pages can be cached whole."""
    response = client.get("/")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_navigation_links_every_area(client):
    html = client.get("/").content.decode()
    for path in ("/listings/", "/search/", "/demands/", "/registry/", "/organisations/"):
        assert f'href="{path}"' in html
    assert "即将开放" not in html  # no area is left "coming soon"


@pytest.mark.parametrize("path", ["/cms-admin/login/", "/django-admin/login/"])
def test_admin_sites_answer(client, path):
    assert client.get(path).status_code == 200


def test_admin_sites_work_for_a_superuser(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password="x")
    client.force_login(admin)
    for path in [
        "/cms-admin/",
        "/cms-admin/users/",
        f"/cms-admin/users/edit/{admin.pk}/",
        "/cms-admin/users/new/",
        "/django-admin/",
        "/django-admin/accounts/organisation/",
        "/django-admin/accounts/user/",
        "/django-admin/audit/auditevent/",
        "/django-admin/regions/technologyfield/",
    ]:
        assert client.get(path).status_code == 200, path


def test_api_root_schema_and_docs(client):
    root = client.get("/api/v1/")
    assert root.status_code == 200
    assert "organisations" in root.json()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/organisations/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_editors_create_users_in_the_wagtail_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password="x")
    client.force_login(admin)
    response = client.post(
        "/cms-admin/users/new/",
        {
            "email": "editor@example.cn",
            "name": "编辑",
            "phone": "13700001111",
            "password1": "Correct-Horse-42",
            "password2": "Correct-Horse-42",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    editor = django_user_model.objects.get(email="editor@example.cn")
    assert editor.name == "编辑" and editor.phone == "13700001111"


def test_django_admin_verifies_through_the_service(client, django_user_model):
    from techmarket.accounts.models import Organisation
    from techmarket.audit.models import AuditEvent
    from tests.factories import OrganisationFactory

    pending = OrganisationFactory(verification_status="pending")
    admin = django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password="x")
    client.force_login(admin)
    response = client.post(
        "/django-admin/accounts/organisation/",
        {"action": "verify_selected", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert "已认证 1 家机构" in response.content.decode()
    assert Organisation.objects.get(pk=pending.pk).is_verified
    assert AuditEvent.objects.for_object(pending).filter(action="organisation.verify").exists()


def test_home_page_counts_verified_organisations_by_province(client):
    import re

    from tests.factories import OrganisationFactory

    OrganisationFactory(kind="university", province="320000", city="320100")
    OrganisationFactory(kind="institute", province="320000", city="320500")
    OrganisationFactory(kind="enterprise", province="320000", city="320500")
    OrganisationFactory(kind="enterprise", province="320000", city="320500", verification_status="pending")
    html = client.get("/").content.decode()
    row = re.search(r"江苏省</a></th><td>(\d+)</td><td>(\d+)</td>", html)
    assert row.groups() == ("2", "1")


@pytest.mark.parametrize(
    ("accept_language", "language", "message"),
    [
        ("", "zh-hans", "身份认证信息未提供。"),
        ("en-US,en;q=0.9", "en", "Authentication credentials were not provided."),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans", "身份认证信息未提供。"),
    ],
)
def test_the_api_answers_in_the_language_the_client_asks_for(client, accept_language, language, message):
    response = client.post("/api/v1/organisations/", {}, HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 403
    assert response.json() == {"detail": message}
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_pages_stay_chinese_at_the_root_whatever_the_browser_asks(client):
    response = client.get("/organisations/", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "zh-hans"


def test_province_names_follow_the_page_language():
    from django.utils import translation

    from techmarket.regions import gbt2260

    with translation.override("en"):
        assert gbt2260.division_name("320000") == "Jiangsu"
        assert gbt2260.division_name("320500") == "苏州市"  # cities keep their one name
        assert dict(gbt2260.province_choices())["540000"] == "Tibet"
    assert gbt2260.division_name("320000") == "江苏省"
    assert len(gbt2260.PROVINCE_NAMES_EN) == len(gbt2260.provinces())
