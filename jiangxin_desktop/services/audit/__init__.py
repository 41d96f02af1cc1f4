"""The audit trail: its hash chain, the signed anchor kept outside the database, and the
events in the clerk's words.

May import: ``domain``, ``store``, ``services.security``. Must not import: any other feature package, or Qt.
"""
