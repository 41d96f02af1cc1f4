"""Classes (培训班) and what happens in them: lifecycle, timetable sessions, enrolment and
its eligibility rules, attendance with its time windows and 补签, assessment, and the class
documents printed from them (花名册, 签到表: ``documents.py``).

May import: ``domain``, ``store``, ``services.registry`` (public names), ``services.catalog``,
``services.security``, ``services.audit``, ``services.printing``. Must not import: exchange,
certificates, station, demo, Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "AttendanceService": "attendance",
    "iso": "attendance",
    "UntimedCount": "attendance_untimed",
    "UntimedRow": "attendance_untimed",
    "untimed_counts": "attendance_untimed",
    "ClassInput": "class_records",
    "ClassRecord": "class_records",
    "ENROLLING": "class_records",
    "STATUS_LABELS": "class_records",
    "SessionInput": "class_records",
    "ClassService": "classes",
    "EnrollInput": "enrollment",
    "EnrollmentService": "enrollment",
    "NeedsConfirmation": "enrollment",
    "NotEligible": "enrollment",
    "OtherEnrolment": "enrollment",
    "eligible_births": "enrollment",
    "judge": "enrollment",
    "missing_evidence": "enrollment",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.training.attendance import AttendanceService, iso
    from jiangxin_desktop.services.training.attendance_untimed import UntimedCount, UntimedRow, untimed_counts
    from jiangxin_desktop.services.training.class_records import (
        ClassInput,
        ClassRecord,
        ENROLLING,
        STATUS_LABELS,
        SessionInput,
    )
    from jiangxin_desktop.services.training.classes import ClassService
    from jiangxin_desktop.services.training.enrollment import (
        EnrollInput,
        EnrollmentService,
        NeedsConfirmation,
        NotEligible,
        OtherEnrolment,
        eligible_births,
        judge,
        missing_evidence,
    )


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
