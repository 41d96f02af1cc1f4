"""Classes (培训班) and what happens in them: lifecycle, timetable sessions, enrolment and
its eligibility rules, attendance with its time windows and 补签, assessment, and the class
documents printed from them (花名册, 签到表: ``documents.py``).

May import: ``domain``, ``store``, ``services.registry`` (public names), ``services.catalog``,
``services.security``, ``services.audit``, ``services.printing``. Must not import: exchange,
certificates, station, demo, Qt.
"""
