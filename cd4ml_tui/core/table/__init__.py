"""The revisions table as data: column order and labels, value formatting, the `/` filter
language, and the `show` exports (JSON, CSV, Markdown).

May import `core.values` and below.
"""
