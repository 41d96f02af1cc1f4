"""Code catalog data and parser; the domain layer stays free of Qt and databases."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiangxin_desktop.domain.codes import Code, CodeCatalog, parse_code_catalog

CODES_JSON = Path(__file__).resolve().parents[2] / "resources" / "catalogs" / "codes.json"
REQUIRED_LISTS = {
    "target_group",
    "hukou",
    "education",
    "ethnicity",
    "skill_level",
    "employment_status",
    "county",
    "certificate_type",
}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads(CODES_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog(raw: dict[str, Any]) -> CodeCatalog:
    return parse_code_catalog(raw)


def test_catalog_file_shape(raw: dict[str, Any], catalog: CodeCatalog) -> None:
    assert raw["version"] == "2025.1" == catalog.version
    assert "示例" in raw["note"]
    assert set(catalog.lists) >= REQUIRED_LISTS
    assert CODES_JSON.read_bytes().startswith(b"{\n  ")  # pretty-printed UTF-8, no BOM


def test_ethnicity_has_56_groups_plus_others(catalog: CodeCatalog) -> None:
    ethnicity = catalog["ethnicity"]
    groups = [c for c in ethnicity if c.code.isdigit() and 1 <= int(c.code) <= 56]
    assert len(groups) == 56
    assert [c.code for c in groups] == [f"{i:02d}" for i in range(1, 57)]
    assert ethnicity.label("01") == "汉族"
    assert ethnicity.label("56") == "基诺族"
    assert ethnicity.label("97") == "其他"
    assert ethnicity.label("98") == "外国血统中国籍人士"
    assert ethnicity.by_label("汉") == ethnicity.get("01")
    assert ethnicity.by_label(" 维吾尔族 ").code == "05"


def test_education_codes(catalog: CodeCatalog) -> None:
    education = catalog["education"]
    assert {c.code for c in education} == {"10", "20", "30", "40", "60", "70", "80", "90"}
    assert education.by_label("本科").code == "20"
    assert education.by_label("大专").code == "30"


def test_skill_level_ranks_compare(catalog: CodeCatalog) -> None:
    levels = catalog["skill_level"]
    rank = {c.label: c.extra["rank"] for c in levels}
    assert rank["五级/初级工"] == 5 and rank["一级/高级技师"] == 1
    order = [c.label for c in sorted(levels, key=lambda c: c.extra["rank"])]
    assert order == [
        "首席技师",
        "特级技师",
        "一级/高级技师",
        "二级/技师",
        "三级/高级工",
        "四级/中级工",
        "五级/初级工",
    ]
    assert levels.by_label("初级工").code == "5"
    assert levels.by_label("技师").code == "2"


def test_target_groups_have_evidence(catalog: CodeCatalog) -> None:
    groups = catalog["target_group"]
    assert len(groups) >= 5
    for code in groups:
        evidence = code.extra["evidence"]
        assert isinstance(evidence, tuple) and all(isinstance(e, str) for e in evidence)
    rural = groups.by_label("农村转移劳动力")
    assert rural is not None and set(rural.extra["flags"]) == {"脱贫家庭", "留守妇女"}
    graduates = [c for c in groups if c.extra.get("group") == "高校毕业生"]
    assert any("毕业年度" in c.label for c in graduates) and any("离校未就业" in c.label for c in graduates)
    assert "失业登记证" in groups.by_label("失业人员").extra["evidence"]
    assert "劳动合同" in groups.by_label("企业职工").extra["evidence"]
    veteran = groups.by_label("退役军人")
    assert veteran is None or veteran.extra.get("example") is True


def test_county_codes(catalog: CodeCatalog) -> None:
    county = catalog["county"]
    gb = {c.code: c.label for c in county if c.extra["gb2260"]}
    assert gb == {
        "320703": "连云区",
        "320706": "海州区",
        "320707": "赣榆区",
        "320722": "东海县",
        "320723": "灌云县",
        "320724": "灌南县",
    }
    blocks = [c for c in county if c.extra["gb2260"] is False]
    assert {c.label for c in blocks} == {"开发区", "徐圩新区", "云台山景区"}
    assert not any(c.code.isdigit() and len(c.code) == 6 for c in blocks)


def test_other_lists(catalog: CodeCatalog) -> None:
    assert {c.label for c in catalog["employment_status"]} == {
        "已就业",
        "未就业",
        "自主创业",
        "灵活就业",
        "在校学生",
    }
    assert [c.label for c in catalog["certificate_type"]] == [
        "职业技能等级证书",
        "专项职业能力证书",
        "培训合格证书",
        "创业培训合格证书",
    ]
    assert {"农业户口", "非农业户口", "居民户口", "其他"} == {c.label for c in catalog["hukou"]}


def test_lookups(catalog: CodeCatalog) -> None:
    hukou = catalog["hukou"]
    assert hukou.get("nope") is None and hukou.label("nope") is None
    assert hukou.by_label("") is None and hukou.by_label("火星户口") is None
    assert "hukou" in catalog and "nope" not in catalog
    with pytest.raises(KeyError, match="nope"):
        catalog["nope"]


def test_entries_are_immutable_and_hashable(catalog: CodeCatalog) -> None:
    code = catalog["target_group"].get("11")
    assert code is not None
    assert hash(code) == hash(Code(code.code, code.label, {"other": 1}))
    with pytest.raises(TypeError):
        code.extra["flags"] = ()  # type: ignore[index]
    assert Code("1", "x").extra == {}


def _minimal() -> dict[str, Any]:
    return {
        "version": "t",
        "lists": {"hukou": {"title": "户口性质", "codes": [{"code": "1", "label": "农业户口"}]}},
    }


def _mutations() -> list[tuple[str, Any, str]]:
    def dup_code(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": "1", "label": "非农业户口"})

    def dup_label(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": "2", "label": "农业户口"})

    def dup_alias(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": "2", "label": "x", "extra": {"aliases": ["农业户口"]}})

    def no_label(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": "2"})

    def blank_label(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": "2", "label": "  "})

    def int_code(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append({"code": 2, "label": "非农业户口"})

    def bad_extra(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"][0]["extra"] = ["x"]

    def bad_aliases(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"][0]["extra"] = {"aliases": "农业"}

    def no_title(d: dict[str, Any]) -> None:
        del d["lists"]["hukou"]["title"]

    def empty_codes(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"] = []

    def entry_not_object(d: dict[str, Any]) -> None:
        d["lists"]["hukou"]["codes"].append("2")

    def no_version(d: dict[str, Any]) -> None:
        del d["version"]

    def no_lists(d: dict[str, Any]) -> None:
        d["lists"] = {}

    return [
        ("dup_code", dup_code, "代码“1”重复"),
        ("dup_label", dup_label, "“农业户口”重复"),
        ("dup_alias", dup_alias, "“农业户口”重复"),
        ("no_label", no_label, "第2项.*缺少名称"),
        ("blank_label", blank_label, "第2项.*缺少名称"),
        ("int_code", int_code, "第2项缺少代码"),
        ("bad_extra", bad_extra, "extra"),
        ("bad_aliases", bad_aliases, "aliases"),
        ("no_title", no_title, "缺少标题"),
        ("empty_codes", empty_codes, "没有代码"),
        ("entry_not_object", entry_not_object, "第2项格式错误"),
        ("no_version", no_version, "版本号"),
        ("no_lists", no_lists, "没有代码表"),
    ]


@pytest.mark.parametrize(("case", "mutate", "pattern"), _mutations(), ids=[m[0] for m in _mutations()])
def test_parse_rejects_bad_data(case: str, mutate: Any, pattern: str) -> None:
    data = copy.deepcopy(_minimal())
    mutate(data)
    with pytest.raises(ValueError, match=pattern) as info:
        parse_code_catalog(data)
    if case not in ("no_version", "no_lists"):
        assert "hukou" in str(info.value)


def test_parse_rejects_non_mapping() -> None:
    with pytest.raises(ValueError, match="格式错误"):
        parse_code_catalog([])  # type: ignore[arg-type]


def test_parse_minimal() -> None:
    catalog = parse_code_catalog(_minimal())
    assert catalog["hukou"].title == "户口性质"
    assert catalog["hukou"].label("1") == "农业户口"


DOMAIN_MODULES = ["checks", "idnumber", "contact", "names", "masking", "codes"]


def test_domain_imports_no_qt_or_database() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {DOMAIN_MODULES!r}:\n"
        "    importlib.import_module('jiangxin_desktop.domain.' + m)\n"
        "banned = {'PySide6', 'shiboken6', 'sqlalchemy', 'sqlcipher3', 'sqlite3'}\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & banned))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
