"""`python -m cd4ml_tui` is the same as the `cd4ml-tui` console script."""

from cd4ml_tui.cli import main

if __name__ == "__main__":  # not when a spawned process (values.second_core) imports it
    raise SystemExit(main())
