"""公民身份号码 validation (GB 11643-1999)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from jiangxin_desktop.domain.idnumber import PROVINCES, age_on, check_id, normalize_id

TODAY = date(2025, 6, 1)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(body17: str) -> str:
    """Build a valid 18-character ID from 17 digits by computing the ISO 7064 MOD 11-2 check char."""
    assert len(body17) == 17 and body17.isdigit()
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


def id_ending_in_x(prefix14: str) -> str:
    for seq in range(1000):
        number = make_id(f"{prefix14}{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check char found")


def test_make_id_matches_a_published_example() -> None:
    # The example from python-stdnum's documentation.
    assert make_id("36042619910101007") == "360426199101010071"


@pytest.mark.parametrize(
    "body",
    ["32070619800101001", "32072219991231002", "11010120000229003", "65010119000101004"],
)
def test_valid_ids(body: str) -> None:
    number = make_id(body)
    result = check_id(number, today=TODAY)
    assert result.valid, result.message
    assert result.id_number == number
    assert result.message is None
    assert result.birth_date == date(int(body[6:10]), int(body[10:12]), int(body[12:14]))


def test_sex_from_17th_digit() -> None:
    male = check_id(make_id("32070619800101001"), today=TODAY)
    female = check_id(make_id("32070619800101002"), today=TODAY)
    assert (male.sex, female.sex) == ("男", "女")
    assert check_id(make_id("32070619800101019"), today=TODAY).sex == "男"
    assert check_id(make_id("32070619800101020"), today=TODAY).sex == "女"


def test_ganyu_320707_born_1980_is_valid_although_stdnum_rejects_it() -> None:
    number = make_id("32070719800101001")
    with pytest.raises(ValidationError):
        ric.validate(number)  # the trap: stdnum thinks 320707 did not exist in 1980
    result = check_id(number, today=TODAY)
    assert result.valid, result.message
    assert result.birth_date == date(1980, 1, 1)


@pytest.mark.parametrize("area", ["320799", "320721", "320705", "329999", "320000"])
def test_unknown_or_historic_county_codes_are_accepted(area: str) -> None:
    assert check_id(make_id(f"{area}19800101001"), today=TODAY).valid


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_residence_permit_prefixes_are_valid(prefix: str) -> None:
    result = check_id(make_id(f"{prefix}19900315002"), today=TODAY)
    assert result.valid, result.message
    assert result.sex == "女"


def test_unknown_province_rejected() -> None:
    result = check_id(make_id("99070619800101001"), today=TODAY)
    assert not result.valid
    assert "99" in (result.message or "")
    assert result.birth_date is None and result.sex is None


def test_lower_case_x_normalised() -> None:
    number = id_ending_in_x("32070619850607")
    result = check_id(number.lower(), today=TODAY)
    assert result.valid, result.message
    assert result.id_number == number
    assert result.input == number.lower()


def test_full_width_digits_and_spaces_normalised() -> None:
    number = id_ending_in_x("32070619850607")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number.lower())
    spaced = f" {full_width[:6]}\u3000{full_width[6:14]} {full_width[14:]}\t\u200b"
    result = check_id(spaced, today=TODAY)
    assert result.valid, result.message
    assert result.id_number == number


def test_normalize_id() -> None:
    assert normalize_id(" 320706 19800101 001x ") == "32070619800101001X"
    assert normalize_id("３２０７０６\u3000１９８０") == "3207061980"
    assert normalize_id("") == ""


@pytest.mark.parametrize("raw", ["", "   ", "\u3000\t"])
def test_empty(raw: str) -> None:
    result = check_id(raw, today=TODAY)
    assert not result.valid
    assert result.message == "请输入公民身份号码"


@pytest.mark.parametrize(
    "raw",
    [
        "3.20703E+17",
        "3.20703198001011E+17",
        "3.20703e17",
        "320703198001010000.0",
        "320703198001010000.00",
        "320,703,198,001,010,000",
        "３.２０７０３Ｅ+１７",
    ],
)
def test_excel_number_mangling_detected_and_never_reconstructed(raw: str) -> None:
    result = check_id(raw, today=TODAY)
    assert not result.valid
    assert "科学计数法" in (result.message or "")
    assert "文本" in (result.message or "")
    assert result.birth_date is None
    assert not result.id_number.isdigit()


def test_old_15_digit_number_rejected() -> None:
    result = check_id("320706800101001", today=TODAY)
    assert not result.valid
    assert "15位" in (result.message or "") and "18位" in (result.message or "")


@pytest.mark.parametrize("length", [17, 19, 16, 20])
def test_wrong_length(length: int) -> None:
    number = (make_id("32070619800101001") + "12")[:length]
    result = check_id(number, today=TODAY)
    assert not result.valid
    assert "18位" in (result.message or "") and str(length) in (result.message or "")


def test_non_digit_in_first_17_names_position() -> None:
    result = check_id("3207A619800101001X", today=TODAY)
    assert not result.valid
    assert "第5位" in (result.message or "")


def test_bad_last_character() -> None:
    result = check_id("32070619800101001Y", today=TODAY)
    assert not result.valid
    assert "第18位" in (result.message or "")


def test_feb_29_rejected_in_common_year_accepted_in_leap_year() -> None:
    bad = check_id(make_id("32070619810229001"), today=TODAY)
    assert not bad.valid
    assert "19810229" in (bad.message or "")
    assert check_id(make_id("32070620000229001"), today=TODAY).valid


@pytest.mark.parametrize("digits", ["19801301", "19800100", "19800431"])
def test_impossible_dates_rejected(digits: str) -> None:
    assert not check_id(make_id(f"320706{digits}001"), today=TODAY).valid


def test_future_birth_date_rejected() -> None:
    result = check_id(make_id("32070620250602001"), today=TODAY)
    assert not result.valid
    assert "晚于今天" in (result.message or "")
    assert check_id(make_id("32070620250601001"), today=TODAY).valid  # born today


def test_year_before_1900_rejected() -> None:
    result = check_id(make_id("32070618991231001"), today=TODAY)
    assert not result.valid
    assert "1900" in (result.message or "")


def test_year_2999_rejected_with_default_today() -> None:
    assert not check_id(make_id("32070629990101001")).valid
    assert check_id(make_id("32070619900101001")).valid


def test_wrong_check_digit_rejected_without_revealing_expected() -> None:
    number = make_id("32070619800101001")
    first = check_id(wrong_check(number), today=TODAY)
    other = check_id(number[:17] + ("3" if number[17] != "3" else "4"), today=TODAY)
    assert not first.valid and not other.valid
    assert "校验位" in (first.message or "")
    assert first.message == other.message  # the text does not depend on the expected char
    assert number[17] not in (first.message or "").replace("18", "")
    assert first.birth_date is None and first.sex is None


def test_transposed_digits_caught_by_check_digit() -> None:
    number = make_id("32070619800101123")
    swapped = number[:14] + number[15] + number[14] + number[16:]
    assert swapped != number
    assert not check_id(swapped, today=TODAY).valid


def test_provinces_mapping() -> None:
    assert PROVINCES["32"] == "江苏省"
    assert {"81", "82", "83", "71", "11", "65"} <= set(PROVINCES)
    assert "99" not in PROVINCES and "00" not in PROVINCES
    assert all(len(k) == 2 and k.isdigit() for k in PROVINCES)
    with pytest.raises(TypeError):
        PROVINCES["99"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2009, 6, 1), date(2025, 6, 1), 16),
        (date(2009, 6, 2), date(2025, 6, 1), 15),
        (date(1980, 1, 1), date(2025, 12, 31), 45),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2009, 2, 28), date(2025, 3, 1), 16),
        (date(2025, 6, 1), date(2025, 6, 1), 0),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age
