"""培训班: the class list and detail, the class form and timetable, enrolment, attendance
(grid, scanning, 补签) and assessment tabs.
"""
