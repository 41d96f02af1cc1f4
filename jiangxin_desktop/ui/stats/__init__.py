"""统计: the station against the city plan (计划进度), drawn; the people behind each figure; the monthly report."""
