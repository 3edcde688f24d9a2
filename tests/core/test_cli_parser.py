"""The command line's shape: one static list of commands, shared flags spelled one way.

Every command takes the repo as `-C PATH`; `show`, `open` (the default command), `serve` and `demo`
also as a positional; the older `--repo` / `--path` still work; `--help` loads no command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cd4ml_tui.cli import COMMANDS, load, main, parse

# The fewest arguments each command needs besides the repo.
REQUIRED = {
    "open": [],
    "show": [],
    "compare": ["main", "lr-0.1"],
    "plots": ["main"],
    "insight": ["accuracy"],
    "diff": ["main", "HEAD"],
    "promote": ["main", "--version", "v1.0.0"],
    "review": ["main"],
    "gate": ["main"],
    "demo": [],
    "serve": [],
    "apply": ["lr-0.1"],
    "branch": ["lr-0.1"],
    "remove": ["lr-0.1"],
    "run-queued": [],
}


def test_the_list_is_every_command_module() -> None:
    listed = {command.module.rsplit(".", 1)[-1] for command in COMMANDS}
    modules = {p.stem for p in (Path(load(COMMANDS[0]).__file__).parent).glob("*.py")}
    assert listed == modules - {"__init__", "writing"}  # writing: helpers, not a command
    assert {command.name for command in COMMANDS} == set(REQUIRED)
    for command in COMMANDS:
        module = load(command)
        assert callable(module.add_arguments) and callable(module.run)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_command_takes_the_repo_as_dash_c(name: str) -> None:
    args = parse([name, *REQUIRED[name], "-C", "some/where"])
    assert args.command == name and args.path == "some/where"


@pytest.mark.parametrize("name", ["show", "open", "demo", "serve"])
def test_positional_path_is_the_same_as_dash_c(name: str) -> None:
    assert parse([name, "some/where"]).path == parse([name, "-C", "some/where"]).path
    assert parse([name, "some/where", "-C", "some/where"]).path == "some/where"


def test_defaults() -> None:
    assert parse([]).command == "open" and parse([]).path == "."
    assert parse(["show"]).path == "."
    assert parse(["demo"]).path == "cd4ml-demo"


def test_the_default_command_opens_the_tui() -> None:
    for argv in (["repo"], ["-C", "repo"], ["--no-cache", "repo"], ["repo", "--rev", "v1"]):
        args = parse(argv)
        assert (args.command, args.path) == ("open", "repo")
    assert parse(["repo", "--rev", "v1", "--rev", "v2"]).rev == ["v1", "v2"]


def test_shared_flags() -> None:
    show = parse(["show", "--no-cache", "--rev", "v1", "--all-commits"])
    assert (show.no_cache, show.rev, show.all_commits) == (True, ["v1"], True)
    assert parse(["compare", "a", "b", "--no-cache"]).no_cache
    with pytest.raises(SystemExit) as exit_info:  # diff reads no values: no --no-cache
        parse(["diff", "a", "b", "--no-cache"])
    assert exit_info.value.code == 2


def test_older_spellings_still_work() -> None:
    assert parse(["promote", "r", "--version", "v1.0.0", "--repo", "x"]).path == "x"
    assert parse(["diff", "a", "b", "--repo", "x"]).path == "x"
    assert parse(["compare", "a", "b", "--path", "x"]).path == "x"
    assert parse(["plots", "a", "--path", "x"]).path == "x"


def test_the_repo_given_twice_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse(["show", "one", "-C", "other"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["cd4ml-tui: the repo is given twice (one and -C other)"]


PROBE = """
import contextlib, io, json, sys
from cd4ml_tui.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main({argv!r})
    except SystemExit:
        pass
heavy = ["cd4ml_tui.core.api", "cd4ml_tui.commands.show", "textual", "rich", "dvc", "git"]
print(json.dumps({{"loaded": [m for m in heavy if m in sys.modules], "out": out.getvalue()}}))
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_loads_no_command(argv: list[str]) -> None:
    """`cd4ml-tui --help` lists the commands without loading them (or the core, or Textual)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], check=True, capture_output=True, text=True
    ).stdout
    found = json.loads(out)
    assert found["loaded"] == []
    assert "cd4ml-tui" in found["out"]
    if argv == ["--help"]:
        assert all(command.name in found["out"] for command in COMMANDS)


def test_dash_c_and_positional_read_the_same_repo(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "--json", str(demo_repo)]) == 0
    positional = capsys.readouterr().out
    assert main(["show", "--json", "-C", str(demo_repo)]) == 0
    assert capsys.readouterr().out == positional
    assert json.loads(positional)["repo"] == str(demo_repo)
