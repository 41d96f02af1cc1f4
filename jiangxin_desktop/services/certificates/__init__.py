"""Certificates (证书): issuing, reprinting and revoking; who the issuer is and what the
certificate is called; the signed QR payload and its drawing.

May import: ``domain``, ``store``, ``printing``, and the public names of ``registry``, ``training``,
``catalog``, ``security``, ``audit``. Must not import: exchange, station, demo, Qt.
"""
