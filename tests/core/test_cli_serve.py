"""`cd4ml-tui serve` as a user runs it: bad input is one line and exit 2, a host beyond this
machine warns and is read only by default, each websocket (browser tab) gets its own app
process, and Ctrl+C stops the server leaving no process behind. The browser itself is driven in
tests/browser/."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cd4ml_tui.commands.serve import (
    app_command,
    default_public_url,
    is_loopback,
    read_only_for,
)
from tests.serve_support import (
    STARTUP_LIMIT_SECONDS,
    alive,
    descendants,
    free_port,
    serve_command,
    serving,
)


def run_serve(repo: Path, port: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        serve_command(repo, port, *extra),
        capture_output=True,
        text=True,
        timeout=STARTUP_LIMIT_SECONDS,
        stdin=subprocess.DEVNULL,
    )


def test_missing_repo_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_serve(tmp_path / "nowhere", free_port())
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nowhere" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.slow
def test_busy_port_is_one_line_and_exit_2(demo_repo: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = run_serve(demo_repo, port)
    assert result.returncode == 2
    assert result.stderr == (
        f"cd4ml-tui: port {port} on 127.0.0.1 is busy: another server uses it; "
        "pick one with --port\n"
    )


@pytest.mark.slow
def test_another_host_warns_there_is_no_authentication_and_is_read_only(demo_repo: Path) -> None:
    with socket.socket() as blocker:  # busy, so the server stops right after the warning
        blocker.bind(("0.0.0.0", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = run_serve(demo_repo, port, "--host", "0.0.0.0")
    warning, error = result.stderr.splitlines()
    assert "warning: serving on 0.0.0.0" in warning
    assert "no authentication" in warning and "(read only)" in warning
    assert "busy" in error and result.returncode == 2


def test_read_only_by_default_beyond_loopback_and_the_flag_wins() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("reviews.example.com")
    assert read_only_for("127.0.0.1", None) is False
    assert read_only_for("0.0.0.0", None) is True
    assert read_only_for("0.0.0.0", False) is False
    assert read_only_for("127.0.0.1", True) is True
    read_only = app_command(Path("/r e p o"), True)
    assert read_only.startswith("exec ") and read_only.endswith(" '/r e p o' --read-only")
    assert app_command(Path("/repo"), False).endswith("-m cd4ml_tui /repo")


async def _open_tab(port: int) -> tuple[object, object, bytes]:
    """A websocket as the page opens it; returns (session, socket, first terminal bytes)."""
    import aiohttp

    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30")
    while True:
        message = await asyncio.wait_for(ws.receive(), STARTUP_LIMIT_SECONDS)
        if message.type == aiohttp.WSMsgType.BINARY:
            return session, ws, message.data
        assert message.type == aiohttp.WSMsgType.TEXT, message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c-to-the-group", "sigterm-to-the-server"],
)
def test_each_tab_its_own_app_and_stopping_leaves_no_process(
    demo_repo: Path, sig: int, group: bool
) -> None:
    with serving(demo_repo) as served:
        server = served.process.pid

        async def two_tabs_then_ctrl_c() -> tuple[set[int], set[int], tuple[int, str, str]]:
            tabs = [await _open_tab(served.port), await _open_tab(served.port)]
            one = descendants(server)
            app = [sys.executable, "-m", "cd4ml_tui"]  # not its listing process, `-m cd4ml_tui.…`
            apps = {pid for pid in one if _cmdline(pid).split()[:3] == app}
            stopped = await asyncio.to_thread(served.interrupt, sig, group)
            for session, ws, _ in tabs:
                await ws.close()  # type: ignore[attr-defined]
                await session.close()  # type: ignore[attr-defined]
            return one, apps, stopped

        below, apps, (code, stdout, stderr) = asyncio.run(two_tabs_then_ctrl_c())
    assert len(apps) == 2, {pid: _cmdline(pid) for pid in below}
    assert code == 0, stderr
    assert f"on {served.url.rstrip('/')}" in stdout
    assert "Traceback" not in stdout + stderr
    assert [pid for pid in below if alive(pid)] == []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
def test_public_url_is_where_the_page_connects(demo_repo: Path) -> None:
    """Behind a proxy the page must open its websocket and statics at the public address."""
    import urllib.request

    public = "https://reviews.example.invalid/cd4ml"
    with serving(demo_repo, "--public-url", public) as served:
        with urllib.request.urlopen(served.url, timeout=STARTUP_LIMIT_SECONDS) as response:
            page = response.read().decode()
        code, stdout, _ = served.interrupt()
    assert 'data-session-websocket-url="wss://reviews.example.invalid/cd4ml/ws"' in page
    assert f'href="{public}/static/css/xterm.css"' in page
    assert f"on {public} (Ctrl+C stops)" in stdout and code == 0


def test_a_wildcard_host_is_reached_by_this_machines_name() -> None:
    assert default_public_url("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"
    assert default_public_url("::", 9000) == f"http://{socket.gethostname()}:9000"
    assert default_public_url("127.0.0.1", 8000) is None  # textual-serve's http://HOST:PORT
