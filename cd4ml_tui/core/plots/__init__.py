"""The plots declared in dvc.yaml and their data per revision, resolved as `dvc plots diff` does.

May import `core.values` and below.
"""
