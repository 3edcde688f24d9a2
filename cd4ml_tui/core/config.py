"""The reviewed repo's settings: `[tool.cd4ml-tui]` in pyproject.toml, or `.cd4ml-tui.toml`.

```toml
[tool.cd4ml-tui]
baseline = "main"          # default baseline revision for compare
precision = 4              # significant digits shown for floats
hidden = ["train.seed"]    # columns hidden by default
[tool.cd4ml-tui.metrics]
loss = "min"               # "min" (lower is better), "max" or "none"
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cd4ml_tui.core.errors import ConfigError

Direction = Literal["min", "max", "none"]
_DIRECTION_ALIASES: dict[str, Direction] = {
    "min": "min",
    "lower": "min",
    "max": "max",
    "higher": "max",
    "none": "none",
    "neutral": "none",
}


@dataclass(frozen=True)
class Settings:
    """Typed settings passed into the app factory and the core; never a global."""

    metric_directions: dict[str, Direction] = field(default_factory=dict)
    baseline: str | None = None
    hidden_columns: tuple[str, ...] = ()
    precision: int = 4
    source: str | None = None  # the file the settings came from, for messages


def load_settings(root: Path) -> Settings:
    """Read the settings of the repo at `root`; defaults when there are none."""
    dedicated = root / ".cd4ml-tui.toml"
    pyproject = root / "pyproject.toml"
    if dedicated.is_file():
        return _parse(dedicated, _read_toml(dedicated))
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("cd4ml-tui")
        if isinstance(table, dict):
            return _parse(pyproject, table)
    return Settings()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read settings: {err}") from None


def _parse(path: Path, table: dict[str, Any]) -> Settings:
    directions: dict[str, Direction] = {}
    metrics = table.get("metrics", {})
    if not isinstance(metrics, dict):
        raise ConfigError(f'{path}: `metrics` must be a table of name = "min" | "max" | "none"')
    for name, value in metrics.items():
        direction = _DIRECTION_ALIASES.get(str(value).lower())
        if direction is None:
            raise ConfigError(
                f"{path}: metric {name!r}: direction {value!r} is not min, max or none"
            )
        directions[str(name)] = direction
    precision = table.get("precision", 4)
    if not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ConfigError(f"{path}: `precision` must be an integer from 1 to 17, not {precision!r}")
    hidden = table.get("hidden", [])
    if not isinstance(hidden, list):
        raise ConfigError(f"{path}: `hidden` must be a list of column names")
    baseline = table.get("baseline")
    return Settings(
        metric_directions=directions,
        baseline=str(baseline) if baseline is not None else None,
        hidden_columns=tuple(str(h) for h in hidden),
        precision=precision,
        source=str(path),
    )
