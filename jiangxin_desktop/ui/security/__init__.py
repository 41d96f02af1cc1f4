"""用户: the account list and the administrator's account dialogs.
"""
