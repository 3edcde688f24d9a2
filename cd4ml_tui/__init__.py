"""cd4ml-tui: a terminal review desk for ML experiments in git + DVC repositories."""

__version__ = "0.1.0"
