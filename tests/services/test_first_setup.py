"""A real station's set-up (the service behind `setup` and the wizard): all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.first_setup import AdminAccount, set_up_station, shipped_counties
from jiangxin_desktop.services.security.signing import StationSigner, verify
from jiangxin_desktop.services.station.setup import StationInfo

STATION = StationInfo("320707101", "赣榆区青口镇人社服务站", "320707")
ADMIN = AdminAccount("wangzz", "王主任", "Admin-pass-2025")


def passphrase(new: bool) -> str:
    raise AssertionError("the in-memory keyring should make a passphrase unnecessary")


def test_the_county_list_is_read_without_a_database():
    counties = shipped_counties()
    assert counties.label("320706") == "海州区" and counties.label("320707") == "赣榆区"
    assert [c.code for c in counties][:6] == ["320703", "320706", "320707", "320722", "320723", "320724"]


def test_set_up_makes_database_station_admin_and_signing_key(data_paths, memory_keyring):
    result = set_up_station(data_paths, passphrase, STATION, ADMIN)
    assert result["station"] == {
        "code": "320707101",
        "name": "赣榆区青口镇人社服务站",
        "county_code": "320707",
        "county": "赣榆区",
    }
    ctx = open_context(data_paths, passphrase)
    try:
        assert not ctx.demo and ctx.station == STATION
        admin = ctx.login("wangzz", "Admin-pass-2025")
        assert admin.role == "admin" and admin.display_name == "王主任" and not admin.must_change_password
        signer = StationSigner.load(ctx.db)
        assert signer.key_id == result["signing_key"]["key_id"]
        assert verify(result["signing_key"]["public_key"], b"batch", signer.sign(b"batch"))
        with ctx.db.read() as s:
            actions = s.execute(text("SELECT action FROM audit_event ORDER BY seq")).scalars().all()
        assert actions[:2] == ["station.initialize", "signing_key.create"]
        assert "user.create" in actions and "catalog.install" in actions
    finally:
        ctx.close()
    assert len(memory_keyring.store) == 1


@pytest.mark.parametrize(
    ("station", "admin", "message"),
    [
        (StationInfo("320707101", "站", "320799"), ADMIN, "不在区县代码表中"),
        (StationInfo("3207", "站", "320707"), ADMIN, "6–20 位"),
        (StationInfo("320707101", " ", "320707"), ADMIN, "请填写服务站名称"),
        (STATION, AdminAccount("王", "王主任", "Admin-pass-2025"), "用户名"),
        (STATION, AdminAccount("wangzz", "王主任", "password"), "至少 3 类"),
    ],
)
def test_invalid_input_writes_nothing(data_paths, memory_keyring, station, admin, message):
    with pytest.raises(ValidationError, match=message):
        set_up_station(data_paths, passphrase, station, admin)
    assert not data_paths.root.exists() and memory_keyring.store == {}


def test_a_failure_half_way_leaves_nothing_behind(data_paths, memory_keyring):
    def stop_after_the_database(done: int, total: int) -> None:
        if done == 2:  # the database, station, key and administrator exist by now
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        set_up_station(data_paths, passphrase, STATION, ADMIN, progress=stop_after_the_database)
    assert not data_paths.database.exists() and not data_paths.key_descriptor.exists()
    assert memory_keyring.store == {}


def test_an_existing_database_is_never_touched(data_paths, memory_keyring):
    set_up_station(data_paths, passphrase, STATION, ADMIN)
    before = data_paths.database.read_bytes()
    other = StationInfo("320706001", "另一个站", "320706")
    with pytest.raises(KnownError, match="已有数据库"):
        set_up_station(data_paths, passphrase, other, ADMIN)
    assert data_paths.database.read_bytes() == before and len(memory_keyring.store) == 1
