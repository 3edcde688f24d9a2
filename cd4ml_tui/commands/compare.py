"""`cd4ml-tui compare`: placeholder until its issue lands (owned by one helper)."""

from __future__ import annotations

import argparse

from cd4ml_tui.core.errors import Cd4mlError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    raise Cd4mlError("`compare` is not built yet")
