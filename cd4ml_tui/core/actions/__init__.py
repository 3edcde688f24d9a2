"""Actions on experiments, each planned, previewed, written and undone: apply one to the workspace
(through DVC's own `exp apply`), make a branch of it, remove experiment refs (locally and on a
remote), and start DVC's queued runs.

Plans read only; writes re-check the plan first. May import every domain package below it.
"""
