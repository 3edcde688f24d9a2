"""Promotion to a GTO-tagged release: the registry as GTO reads it, the plan and its validation,
the tag message, and the writes (tags, branch, push) with their undo.

May import every domain package below it.
"""
