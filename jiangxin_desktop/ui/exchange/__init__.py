"""导入名册: the roster import dialog and its questions panel.
"""
