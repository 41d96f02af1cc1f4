"""操作日志: the audit trail page.
"""
