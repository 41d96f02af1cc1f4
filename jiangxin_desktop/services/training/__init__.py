"""Classes (培训班) and what happens in them: lifecycle, timetable sessions, enrolment and
its eligibility rules, attendance with its time windows and 补签, assessment.

May import: ``domain``, ``store``, ``services.registry`` (public names), ``services.catalog``,
``services.security``, ``services.audit``. Must not import: exchange, certificates, station, demo, Qt.
"""
