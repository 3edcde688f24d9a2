"""Reports and screenshots reach the user through Textual's delivery: in a browser (`serve`) a
download, in a terminal a file in the user's downloads folder. The app says where it went."""

from __future__ import annotations

import io
import time
from typing import Any

from platformdirs import user_downloads_path
from textual.app import App


def _ensure_downloads_folder(app: App[Any]) -> None:
    if not app.is_web:
        user_downloads_path().mkdir(parents=True, exist_ok=True)  # Textual does not make it


def deliver_report(app: App[Any], text: str, filename: str, name: str, mime_type: str) -> None:
    """Deliver `text` as `filename`; `name` ("compare report") is what the notification says."""
    _ensure_downloads_folder(app)
    app.deliver_text(io.StringIO(text), save_filename=filename, mime_type=mime_type, name=name)


def deliver_screenshot(app: App[Any]) -> None:
    """An SVG of the screen. Unlike Textual's `deliver_screenshot`, which opens it in a new
    browser tab, a browser downloads it; named "screenshot", so Textual says where it went."""
    _ensure_downloads_folder(app)
    app.deliver_text(
        io.StringIO(app.export_screenshot()),
        save_filename=time.strftime("cd4ml-tui-%Y%m%d-%H%M%S.svg"),
        open_method="download",
        mime_type="image/svg+xml",
        name="screenshot",
    )
