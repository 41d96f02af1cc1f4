"""This installation: first-time set-up, administrator settings, backups (manual, daily,
health), retention, the database check, and unfinished set-ups.

May import: ``domain``, ``store``, and the public names of ``catalog``, ``security``, ``audit``,
``registry``. Must not import: exchange, certificates, demo, Qt.
"""
