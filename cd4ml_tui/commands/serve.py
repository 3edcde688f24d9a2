"""`cd4ml-tui serve [PATH]`: the same app in a browser, served by textual-serve.

The repo comes as PATH or `-C PATH` (the shared flag of `cli.py`).

Each browser tab gets its own app process (`python -m cd4ml_tui PATH [--read-only]`), so live
refresh works in each. We don't write a web server: textual-serve's `Server` does the HTTP and the
websocket; `_Server` below only adds a one-line banner and a clean shutdown.

Safety: textual-serve has no authentication. It binds 127.0.0.1 by default; any other host
prints a warning and makes `--read-only` the default (`--no-read-only` overrides). A busy port or
a missing repo is one line on stderr and exit 2. Ctrl+C (or SIGTERM) closes every tab's
websocket, which quits its app process; any process still running after a grace period is killed,
so none is left behind.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import logging
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from cd4ml_tui.core.api import open_repo
from cd4ml_tui.core.errors import Cd4mlError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
QUIT_GRACE_SECONDS = 5.0  # how long an app process may take to quit before it is killed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to bind (default {DEFAULT_HOST}; any other host is reachable by others "
        "and is read only unless --no-read-only)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8000)")
    parser.add_argument(
        "--read-only",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="hide and refuse every write (promote, undo, fetch, ...); "
        "default: on unless the host is a loopback address",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL browsers reach the server at, when it is behind a proxy",
    )


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address: only this machine can connect."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: assume other machines can reach it


def read_only_for(host: str, read_only: bool | None) -> bool:
    """`--read-only`/`--no-read-only` when given; else read only unless the host is loopback."""
    return (not is_loopback(host)) if read_only is None else read_only


def default_public_url(host: str, port: int) -> str | None:
    """Where browsers reach the server when `--public-url` is not given. The page opens its
    websocket at this absolute address, so a wildcard bind (0.0.0.0, ::) is named by this
    machine's host name, which other machines can use; else textual-serve's http://HOST:PORT."""
    try:
        wildcard = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        wildcard = False
    return f"http://{socket.gethostname()}:{port}" if wildcard else None


def check_port(host: str, port: int) -> None:
    """Refuse early, in one line, when `port` on `host` cannot be bound (busy, or not allowed)."""
    if not 0 < port < 65536:
        raise Cd4mlError(f"--port {port}: must be from 1 to 65535")
    try:
        addresses = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as err:
        raise Cd4mlError(f"--host {host}: cannot resolve it ({err.strerror})") from None
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
            try:
                probe.bind(address)
            except OSError as err:
                raise Cd4mlError(_bind_error(host, port, err)) from None


def _bind_error(host: str, port: int, err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is busy: another server uses it; pick one with --port"
    if err.errno == errno.EACCES:
        return f"port {port} on {host}: permission denied; pick a port above 1023 with --port"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: not an address of this machine"
    return f"cannot listen on {host}:{port}: {err.strerror or err}"


def app_command(path: Path, read_only: bool) -> str:
    """The shell command textual-serve runs for each browser tab: this app on `path`.

    `exec` makes the app the shell's process, so stopping that process stops the app itself.
    """
    args = [sys.executable, "-m", "cd4ml_tui", str(path)]
    return "exec " + shlex.join([*args, "--read-only"] if read_only else args)


def run(args: argparse.Namespace) -> int:
    with open_repo(args.path) as repo:  # a missing repo fails here, in one line
        name = repo.root.name
    path = Path(args.path).resolve()
    loopback = is_loopback(args.host)
    read_only = read_only_for(args.host, args.read_only)
    if not loopback:
        print(
            f"cd4ml-tui: warning: serving on {args.host}, which other machines may reach; "
            "textual-serve has no authentication: anyone who can connect can use the app"
            + (" (read only)." if read_only else ", and --no-read-only lets them write."),
            file=sys.stderr,
        )
    check_port(args.host, args.port)
    server = _Server(
        app_command(path, read_only),
        host=args.host,
        port=args.port,
        title=f"cd4ml-tui · {name}" + (" (read only)" if read_only else ""),
        public_url=args.public_url or default_public_url(args.host, args.port),
    )
    server.banner = f"cd4ml-tui: serving {path}{' read only' if read_only else ''} on " + (
        f"{server.public_url} (Ctrl+C stops)"
    )
    try:
        server.serve()
    except OSError as err:  # the port was taken between the check and the bind
        raise Cd4mlError(_bind_error(args.host, args.port, err)) from None
    return 0


class _Server(Server):
    """textual-serve's Server with a one-line banner and a shutdown that leaves no process."""

    banner = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: dict[web.WebSocketResponse, AppService] = {}

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        print(self.banner, flush=True)

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """One browser tab's session: remembered, so that shutdown can end it."""
        self.sessions[websocket] = app_service
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self.sessions.pop(websocket, None)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close each tab (its app process gets `quit`); kill what has not quit in time."""
        services = list(self.sessions.values())
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY) for ws in list(self.sessions)),
            return_exceptions=True,
        )
        processes = [s._process for s in services if s._process is not None]
        waits = [p.wait() for p in processes if p.returncode is None]
        if waits:
            _, pending = await asyncio.wait(
                [asyncio.ensure_future(w) for w in waits], timeout=QUIT_GRACE_SECONDS
            )
            for process in processes:
                if process.returncode is None:
                    process.kill()
            await asyncio.gather(*pending, return_exceptions=True)
