"""Deltas against a baseline: direction (configured or guessed from the name), better or worse,
best value, and the `dvc exp diff`-shaped reports.

May import `core.table` and below.
"""
