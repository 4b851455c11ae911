"""The REST API contract every app's `api/` package plugs into.

Path versioning under /api/v1/, session and token authentication, page pagination with a
maximum page size, django-filter, RFC 9457 problem+json errors, and a drf-spectacular schema
that documents those errors on every operation.
"""
