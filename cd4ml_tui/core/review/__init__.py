"""Review: verdicts recorded in git notes (`refs/notes/cd4ml-review`, one JSON object per line,
appended, shared with `git notes merge -s cat_sort_uniq`), and the gate: metric rules from the
settings held against a baseline, with directions and deltas from `core.compare`.

May import `core.compare` and every package below it; `core.promote` builds on it.
"""
