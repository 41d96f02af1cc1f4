"""The catalogs the station works from: code lists (人员类别, 民族 …) and the training catalog
(projects, occupations, institutions, rules and amounts).

May import: ``domain``, ``store``, ``services.security``, ``services.audit``. Must not import: any
other feature package, or Qt.
"""
