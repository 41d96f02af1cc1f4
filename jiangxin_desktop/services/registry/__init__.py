"""Trainees (学员): registration, editing, deactivation, photos, and find-as-you-type search
(trigram and name-gram indexes). Owns the ``trainee`` rows and their outbox entries.

May import: ``domain``, ``store``, ``services.security``, ``services.audit``, ``services.catalog``.
Must not import: other feature packages (training, exchange, certificates, station, demo) or Qt.
"""
