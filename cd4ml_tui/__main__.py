"""`python -m cd4ml_tui` is the same as the `cd4ml-tui` console script."""

from cd4ml_tui.cli import main

raise SystemExit(main())
