"""Partners: the organisations of the network, their users and the roles those users hold.

Owns the custom user model, `Organisation` (each with the permission group that django-guardian
object permissions are granted to), the role groups and their permissions, and the demo data.
"""
