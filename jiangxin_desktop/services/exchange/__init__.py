"""Spreadsheets in and out: the roster import pipeline (read → check → map values → plan →
write), its limits, questions and report, the class exports, the template, and formula-injection safety.

May import: ``domain``, ``store``, and the public names of ``registry``, ``training``, ``catalog``,
``security``, ``audit``. Must not import: certificates, station, demo, Qt.
"""
