"""Params and metrics per revision, parsed and flattened exactly as `dvc exp show` does, with a
persistent result cache keyed by immutable commit sha.

May import `core.revisions`, `core.dvc` and `core.git`.
"""
