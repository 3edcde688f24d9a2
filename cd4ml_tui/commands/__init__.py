"""One module per CLI subcommand: `add_arguments(parser)` and `run(args) -> exit code`.

The helpers that the commands which write share are in `writing`; this package imports nothing,
so that `show` loads only what it uses.
"""
