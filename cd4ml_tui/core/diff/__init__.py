"""What changed between two revisions: the file list (git and DVC outs), line diffs, and
notebooks diffed cell by cell with nbdime (imported lazily: it is heavy).

May import `core.dvc` and below.
"""
