"""Git plumbing: the one long-lived object reader, the opened repo, remotes, and the ref watcher.

Knows nothing of DVC. May import `core.model`, `core.errors` and `core.config` only.
"""
