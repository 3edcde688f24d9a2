"""The domain core: plain data about revisions, values, comparisons, diffs and promotions.

Nothing in this package imports Textual; both front ends (CLI and TUI) call into it.
"""
