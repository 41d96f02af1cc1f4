"""The city's receiver: enrols stations, ingests their sealed batches, signs receipts and catalogs.

Optional extra ``[city]`` (Starlette, uvicorn, psycopg 3). Imports ``protocol`` and
``envelope`` of this program and nothing of the station (no Qt, no services, no store):
an import contract in pyproject.toml keeps it so.
"""
