"""证书: the certificates tab, the issue dialog and certificate verification.
"""
