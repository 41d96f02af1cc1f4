"""The database: SQLAlchemy models, the SQLCipher engine and its single writer, Alembic
migrations (frozen: they import no application code), the audit journal, and the outbox
(``outbox.py``: the names of the entities that travel and the only code that writes the
``outbox`` table). Imports ``domain`` and nothing of services, ui or Qt.
"""
