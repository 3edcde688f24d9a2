"""Typed errors whose message a user can act on. Front ends print them on one line."""

from __future__ import annotations


class Cd4mlError(Exception):
    """Base of every error the core raises on bad input. `str(err)` is the one-line message."""


class NotARepoError(Cd4mlError):
    """The path is not inside a usable git work tree (missing, bare, or no git at all)."""


class EmptyRepoError(Cd4mlError):
    """The git repository has no commits yet."""


class UnknownRevisionError(Cd4mlError):
    """A revision name matched nothing, or matched several things."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


class ParseError(Cd4mlError):
    """A params/metrics/plots file could not be parsed (names the file and the revision)."""


class ConfigError(Cd4mlError):
    """The reviewed repo's cd4ml-tui configuration is invalid."""


class PromotionError(Cd4mlError):
    """A promotion was refused; nothing was written."""


class ActionError(Cd4mlError):
    """An action on experiments (apply, branch, remove, run the queue) was refused or failed;
    the message says whether anything was written."""
