"""Widgets and helpers every page shares: form rows, code combos, tables, dialogs for a reason
or a password, the progress window and the background worker. No feature logic.
"""
