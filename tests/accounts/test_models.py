import pytest
from django.core.exceptions import ValidationError

from techmarket.accounts.models import Organisation, User
from techmarket.accounts.validators import normalize_credit_code, normalize_phone, validate_credit_code
from techmarket.regions import gbt2260
from tests.factories import OrganisationFactory

VALID_CODES = ["91110000600037341L", "91310109MACHK7GN2R", "9131011877976576X6"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_are_valid(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91310109machk7gn2r", "91310109MACHK7GN2R"),
        (" 9131 0109 MACH K7GN 2R ", "91310109MACHK7GN2R"),
        ("91310109-MACHK7GN2R", "91310109MACHK7GN2R"),
        ("９１３１０１０９ＭＡＣＨＫ７ＧＮ２Ｒ", "91310109MACHK7GN2R"),
    ],
)
def test_credit_code_input_forms_normalise_to_one_stored_form(typed, stored):
    assert normalize_credit_code(typed) == stored
    validate_credit_code(typed)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9131010", "应为 18 位，当前为 7 位"),
        ("91310109MACHK7GN2T", "应为 R，实际为 T"),
        ("91310109MACHK7GNOR", "不能包含 O"),
        ("91AB0109MACHK7GN2R", "行政区划码"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(code, message):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert message in info.value.messages[0]


def test_credit_code_is_stored_normalised(db):
    organisation = OrganisationFactory.build(credit_code="91310109machk7gn2r")
    organisation.full_clean()
    assert organisation.credit_code == "91310109MACHK7GN2R"


def test_city_must_belong_to_the_province(db):
    organisation = OrganisationFactory.build(province="320000", city="310115")
    with pytest.raises(ValidationError) as info:
        organisation.full_clean()
    assert "city" in info.value.message_dict


def test_unknown_province_is_refused(db):
    organisation = OrganisationFactory.build(province="990000", city="")
    with pytest.raises(ValidationError) as info:
        organisation.full_clean()
    assert "province" in info.value.message_dict


def test_organisations_outside_the_delta_keep_their_real_province(db):
    organisation = OrganisationFactory.build(province="110000", city="110108", credit_code="91110000600037341L")
    organisation.full_clean()
    assert organisation.province_name == "北京市"
    assert organisation.city_name == "海淀区"


def test_duplicate_credit_code_is_a_field_error(db):
    existing = OrganisationFactory()
    duplicate = OrganisationFactory.build(credit_code=existing.credit_code.lower())
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "credit_code" in info.value.message_dict
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("typed", ["+86 138 1234 5678", "138-1234-5678", "008613812345678", "１３８１２３４５６７８"])
def test_phone_numbers_normalise(typed):
    assert normalize_phone(typed) == "13812345678"


def test_user_phone_is_stored_normalised(db):
    user = User(email="a@example.cn", name="张三", phone="+86 138 1234 5678")
    user.set_password("x")
    user.full_clean()
    assert user.phone == "13812345678"


def test_bad_phone_is_refused(db):
    user = User(email="a@example.cn", name="张三", phone="12345")
    with pytest.raises(ValidationError) as info:
        user.full_clean(exclude=["password"])
    assert "phone" in info.value.message_dict


def test_regions_list_the_delta_first_with_their_cities():
    codes = [p.code for p in gbt2260.provinces()]
    assert codes[:4] == ["310000", "320000", "330000", "340000"]
    assert len(gbt2260.cities("320000")) == 13
    assert "淮安市" in [c.name for c in gbt2260.cities("320000")]
    assert gbt2260.is_city_of("310115", "310000")
    # Historical codes still resolve to a name.
    assert gbt2260.division_name("320103") == "白下区"


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("浙江大学", ("330000", "")),
        ("南京大学", ("320000", "320100")),
        ("上海交通大学", ("310000", "")),
        ("苏州纳微新材料科技有限公司", ("320000", "320500")),
        ("江苏省南京市江北新区产业技术研究院", ("320000", "320100")),  # a province, then its city
        ("江苏南京某某科技有限公司", ("320000", "320100")),
        ("昆山市精密模具有限公司", ("320000", "320500")),  # a county-level city, for its prefecture
        ("安徽省农业科学院", ("340000", "")),
        ("广西大学", ("450000", "")),
        ("延边朝鲜族自治州农业科学院", ("220000", "222400")),
        ("吉林大学", ("220000", "")),  # 吉林 is the province and one of its cities: the province only
        ("中国科学技术大学", None),
        ("华东师范大学", None),
        ("阿里巴巴（中国）有限公司", None),  # short names of prefectures (阿里地区) are not used
        ("东方电气集团有限公司", None),  # nor those of county-level cities (东方市)
    ],
)
def test_an_organisation_is_placed_by_the_place_its_name_begins_with(name, place):
    assert gbt2260.place_in_name(name) == place


@pytest.mark.parametrize(
    ("address", "place"),
    [
        ("200433 上海市杨浦区邯郸路220号", ("310000", "310110")),  # a postcode first; a municipality's district
        ("江苏省南京市栖霞区仙林大道163号", ("320000", "320100")),
        ("浙江省杭州市西湖区余杭塘路866号", ("330000", "330100")),
        ("杭州市西湖区文三路", ("330000", "330100")),  # a city without its province
        ("230026 安徽省合肥市包河区金寨路96号", ("340000", "340100")),
        ("中国上海市浦东新区张江路", ("310000", "310115")),
        ("江苏省苏州工业园区星湖街328号", ("320000", "320500")),  # a city's short name
        ("江苏省昆山市玉山镇", ("320000", "320500")),  # a county-level city, for its prefecture
        ("江苏省淮阴市清河区", ("320000", "320800")),  # the city's name before 2000: its code is 淮安市's now
        ("上海市闸北区共和新路", ("310000", "")),  # a district merged away in 2015: the province only
        ("江苏省江宁区", ("320000", "")),  # districts of a province are not used: their names repeat in it
        ("北京市海淀区中关村大街", ("110000", "110108")),
        ("浦东新区张江路", None),
        ("", None),
    ],
)
def test_an_address_is_placed_by_its_leading_place_names(address, place):
    assert gbt2260.place_in_address(address) == place
