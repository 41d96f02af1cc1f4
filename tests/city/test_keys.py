"""The city's folder: private keys only its owner can read, never overwritten, checked on load."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography import x509

from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.keys import ENCRYPTION_KEY, PRIVATE, SIGNING_KEY, TLS_CERT, TLS_KEY, init_city, load_city

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_writes_private_files_for_the_owner_only(city_folder):
    assert _mode(city_folder) == 0o700
    for relative in PRIVATE:
        assert _mode(city_folder / relative) == 0o600, relative
    assert _mode(city_folder / "keys") == 0o700
    assert b"BEGIN PRIVATE KEY" in (city_folder / ENCRYPTION_KEY).read_bytes()  # PKCS8
    assert b"BEGIN PRIVATE KEY" in (city_folder / SIGNING_KEY).read_bytes()
    certificate = x509.load_pem_x509_certificate((city_folder / TLS_CERT).read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    city = load_city(city_folder)
    assert city.encryption_key.key_size == 3072 and city.database.startswith("sqlite:///")


def test_an_existing_city_is_never_overwritten(city_folder):
    before = (city_folder / ENCRYPTION_KEY).read_bytes()
    with pytest.raises(CityError) as caught:
        init_city(city_folder)
    assert caught.value.code == "city_exists" and "已经有一个市级接收端" in caught.value.user_message
    assert (city_folder / ENCRYPTION_KEY).read_bytes() == before


@pytest.mark.parametrize("relative", ["", ENCRYPTION_KEY, SIGNING_KEY, TLS_KEY, "city.json"])
def test_loading_refuses_what_others_could_read_and_says_the_fix(city_folder, relative):
    path = city_folder / relative if relative else city_folder
    original = _mode(path)
    os.chmod(path, 0o755 if not relative else 0o644)
    try:
        with pytest.raises(CityError) as caught:
            load_city(city_folder)
    finally:
        os.chmod(path, original)
    assert caught.value.code == "unsafe_permissions"
    assert f"chmod {'700' if not relative else '600'} {path}" in caught.value.user_message
    load_city(city_folder)


def test_a_folder_without_a_city_is_named(tmp_path):
    with pytest.raises(CityError) as caught:
        load_city(tmp_path)
    assert caught.value.code == "not_a_city" and "city init" in caught.value.user_message


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_init_with_hosts_and_postgres(tmp_path, database_url):
    url = database_url
    city = init_city(tmp_path / "c", hosts=["city.lyg.example", "10.0.0.5"], database=url,
                     name="连云港市人社局", url="https://city.lyg.example:8443")
    certificate = x509.load_pem_x509_certificate(city.certificate_pem.encode())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["city.lyg.example"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["10.0.0.5"]
    assert load_city(tmp_path / "c").database == url


def test_the_pilot_database_is_for_the_owner_only(city_folder):
    """The SQLite pilot database holds every station's personal data: 0600 from its creation."""
    from jiangxin_desktop.city.store import Store

    store = Store(load_city(city_folder).database)
    try:
        with store.transaction() as connection:
            connection.exec_driver_sql("SELECT 1")
    finally:
        store.close()
    for path in city_folder.glob("city.sqlite3*"):
        assert _mode(path) == 0o600, path.name
