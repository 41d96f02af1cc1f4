"""The program's frame: start-up, the main window, login, lock and session menu, single
instance, first run and set-up wizard, fonts and Qt's own translations.
"""
