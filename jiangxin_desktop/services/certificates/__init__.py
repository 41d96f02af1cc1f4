"""Certificates (证书): issuing, reprinting and revoking, what the certificate is called (from
``catalog.issuer``), the signed QR payload and its drawing, and printing them.

May import: ``domain``, ``store``, ``printing``, and the public names of ``registry``, ``training``,
``catalog``, ``security``, ``audit``. Must not import: exchange, station, demo, Qt.
"""
