"""Who may do what: accounts, password hashing and rules, roles, login throttling, the database key
in the OS keyring (or under a passphrase), the station's signing key, sealing of secrets, and the
acting user that every service writes under.

May import: ``domain``, ``store``. Must not import: any other feature package of ``services``, or Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "Acting": "acting",
    "KeyStore": "keystore",
    "unwrap_key": "keystore",
    "wrap_key": "keystore",
    "UserInfo": "roles",
    "iso_utc": "roles",
    "parse_iso": "roles",
    "require_role": "roles",
    "SEALED": "sealing",
    "seal": "sealing",
    "shred": "sealing",
    "unseal": "sealing",
    "StationSigner": "signing",
    "all_public_keys": "signing",
    "key_id_for": "signing",
    "raw_public_key": "signing",
    "verify": "signing",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.security.acting import Acting
    from jiangxin_desktop.services.security.keystore import KeyStore, unwrap_key, wrap_key
    from jiangxin_desktop.services.security.roles import UserInfo, iso_utc, parse_iso, require_role
    from jiangxin_desktop.services.security.sealing import SEALED, seal, shred, unseal
    from jiangxin_desktop.services.security.signing import (
        StationSigner,
        all_public_keys,
        key_id_for,
        raw_public_key,
        verify,
    )


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
