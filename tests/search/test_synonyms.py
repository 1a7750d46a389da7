"""The staff keep the synonyms in the admin; a change applies to the next search, without a reindex."""

import pytest

from search import synonyms
from search.backends import get_backend
from search.models import SynonymGroup
from search.query import SearchQuery
from tests.factories import make_listing, university_in


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password="x"))
    return client


@pytest.fixture
def sensor(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # indexed as the site indexes it, after the commit
        return make_listing(
            university_in(),
            status="published",
            title_zh="柔性压力传感器阵列",
            summary_zh="用于机器人皮肤的柔性压力传感器。",
        )


def found(text: str) -> list[int]:
    return get_backend().search(SearchQuery(text=text)).ids


def test_a_new_site_starts_with_a_few_hundred_groups_in_every_field(db):
    assert SynonymGroup.objects.count() == len(synonyms.GROUPS) >= 250
    assert SynonymGroup.objects.filter(field__isnull=True).count() == 0
    assert set(SynonymGroup.objects.values_list("field__slug", flat=True)) == set(synonyms.SEED)


def test_a_group_added_in_the_admin_finds_the_other_word_at_once(admin_client, sensor):
    assert found("电子皮肤") == []
    answer = admin_client.post(
        "/django-admin/search/synonymgroup/add/", {"forms": "电子皮肤，柔性压力传感器", "is_active": "on"}
    )
    assert answer.status_code == 302
    assert SynonymGroup.objects.get(forms="电子皮肤, 柔性压力传感器")  # written as the search compares them
    assert found("电子皮肤") == [sensor.pk]  # no reindex


def test_a_group_switched_off_no_longer_applies(admin_client, sensor):
    group = SynonymGroup.objects.create(forms="电子皮肤, 柔性压力传感器")
    assert found("电子皮肤") == [sensor.pk]
    group.is_active = False
    group.save()
    assert found("电子皮肤") == []


def test_a_group_of_one_word_is_refused_with_what_to_do(admin_client):
    answer = admin_client.post("/django-admin/search/synonymgroup/add/", {"forms": "电子皮肤", "is_active": "on"})
    assert answer.status_code == 200
    assert "逗号" in answer.content.decode()
    assert not SynonymGroup.objects.filter(forms__contains="电子皮肤").exists()


def test_traditional_and_full_width_forms_are_stored_as_the_search_compares_them(db):
    group = SynonymGroup(forms="電子皮膚, ＥＳＫＩＮ")
    group.full_clean()
    assert group.forms == "电子皮肤, eskin"
