"""设置: backups and restore, the training catalog, privacy, import limits, the database check.
"""
