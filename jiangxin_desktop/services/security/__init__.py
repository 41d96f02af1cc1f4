"""Who may do what: accounts, password hashing and rules, roles, login throttling, the database key
in the OS keyring (or under a passphrase), the station's signing key, sealing of secrets, and the
acting user that every service writes under.

May import: ``domain``, ``store``. Must not import: any other feature package of ``services``, or Qt.
"""
