"""Reports and screenshots reach the user through Textual's delivery: in a browser (`serve`) a
download, in a terminal a file in the user's downloads folder. The app says where it went."""

from __future__ import annotations

import io
from typing import Any

from platformdirs import user_downloads_path
from textual.app import App


def deliver_report(app: App[Any], text: str, filename: str, name: str, mime_type: str) -> None:
    """Deliver `text` as `filename`; `name` ("compare report") is what the notification says."""
    if not app.is_web:
        user_downloads_path().mkdir(parents=True, exist_ok=True)  # Textual does not make it
    app.deliver_text(io.StringIO(text), save_filename=filename, mime_type=mime_type, name=name)
