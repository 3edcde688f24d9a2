"""The core never imports Textual, and its reader keeps heavy imports lazy (run in a subprocess,
so that what other tests imported does not count)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import importlib, json, pkgutil, sys
import cd4ml_tui.core as core
names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "cd4ml_tui.core."))
for name in {first}:
    importlib.import_module(name)
heavy = ["textual", "dvc", "pandas", "nbdime", "gto", "ruamel", "scmrepo", "git"]
print(json.dumps({{"modules": names, "loaded": [h for h in heavy if h in sys.modules]}}))
"""


def _probe(first: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def test_no_core_module_imports_textual() -> None:
    found = _probe("names")
    assert "cd4ml_tui.core.values.parse" in found["modules"]  # the probe saw the package
    assert "textual" not in found["loaded"]


def test_reader_modules_import_nothing_heavy() -> None:
    reader = [
        "cd4ml_tui.core.values.parse",
        "cd4ml_tui.core.values.reader",
        "cd4ml_tui.core.table.columns",
        "cd4ml_tui.core.values.cache",
        "cd4ml_tui.core.git.repo",
        "cd4ml_tui.core.table.export",
        "cd4ml_tui.commands.show",
        "cd4ml_tui.core.insight.stats",
        "cd4ml_tui.core.insight.parallel",
        "cd4ml_tui.core.insight.report",
        "cd4ml_tui.commands.insight",
        "cd4ml_tui.core.api",
    ]
    assert _probe(repr(reader))["loaded"] == []


HELP_PROBE = """
import contextlib, io, json, sys
from cd4ml_tui.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main(["--help"])
    except SystemExit:
        pass
import cd4ml_tui.ui.app, cd4ml_tui.ui.screens.main, cd4ml_tui.ui.screens.insight  # first paint
print(json.dumps({"help": out.getvalue(), "pandas": "pandas" in sys.modules}))
"""


def test_help_and_first_paint_do_not_load_pandas() -> None:
    """pandas (insight's maths) loads only when an insight is computed."""
    out = subprocess.run(
        [sys.executable, "-c", HELP_PROBE], check=True, capture_output=True, text=True
    ).stdout
    found = json.loads(out)
    assert "insight" in found["help"]  # the probe saw the subcommand list
    assert found["pandas"] is False


SHOW_PROBE = """
import contextlib, io, json, sys
from cd4ml_tui.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["show", "--json", "--no-cache", {path!r}])
unused = ("actions", "diff", "plots", "promote", "insight", "compare.deltas")
loaded = sorted(m for m in sys.modules for u in unused if m.startswith("cd4ml_tui.core." + u))
print(json.dumps({{"code": code, "gitpython": "git" in sys.modules, "unused": loaded}}))
"""


def _show_probe(repo: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SHOW_PROBE.format(path=str(repo))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def test_show_reads_without_gitpython(demo_repo: Path) -> None:
    """`show` reads through our own batch reader and one `for-each-ref`: GitPython (whose import
    alone costs more than reading a small repo) is loaded only by writes, remotes and refs."""
    found = _show_probe(demo_repo)
    assert (found["code"], found["gitpython"]) == (0, False)


def test_show_loads_only_the_core_it_uses(demo_repo: Path) -> None:
    """`core.api` is lazy: `show` loads the reader and the exporter, not actions, diffs, plots,
    promotion or insight (at 1,000 experiments their imports cost as much as the read)."""
    found = _show_probe(demo_repo)
    assert (found["code"], found["unused"]) == (0, [])


def test_the_api_names_every_export_once() -> None:
    """`__all__` and the lazy table (read from the TYPE_CHECKING imports) agree, and each name
    resolves to the object of its module."""
    import cd4ml_tui.core.api as api

    assert sorted(api.__all__) == dir(api)
    for name in api.__all__:
        assert getattr(api, name) is not None


def test_the_tui_command_and_its_listing_process_import_no_textual() -> None:
    """`cd4ml-tui` starts the listing process before Textual is imported (so the two start-ups
    overlap), and that process lists without loading Textual or the heavy libraries."""
    found = _probe("['cd4ml_tui.commands.open', 'cd4ml_tui.core.values.listing']")
    assert found["loaded"] == []


FIRST_FRAME_PROBE = """
import json, sys
import cd4ml_tui.ui.app, cd4ml_tui.ui.screens.main  # what the first frame needs
later = ("actions", "promote", "review", "compare", "table.query", "git.notes", "git.remotes")
loaded = sorted(m for m in sys.modules for u in later if m.startswith("cd4ml_tui.core." + u))
print(json.dumps({"later": loaded, "gitpython": "git" in sys.modules, "gto": "gto" in sys.modules}))
"""


def test_the_first_frame_loads_no_core_that_a_key_would_need() -> None:
    """The UI reaches actions, promotion, review and queries through `api.name`, so they load
    on first use: at start-up their imports cost 0.07-0.1 s before the first rows."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == {"later": [], "gitpython": False, "gto": False}
