"""The reviewed repo's settings: `[tool.cd4ml-tui]` in pyproject.toml, or `.cd4ml-tui.toml`.

```toml
[tool.cd4ml-tui]
baseline = "main"          # default baseline revision for compare
precision = 4              # significant digits shown for floats
hidden = ["train.seed"]    # columns hidden by default
[tool.cd4ml-tui.metrics]
loss = "min"               # "min" (lower is better), "max" or "none"
[tool.cd4ml-tui.gate]
against = "clf#prod"       # GTO stage, branch, tag, sha or experiment (default: the baseline)
require_approval = false   # promotion needs an approving review
require_gate = false       # promotion needs a passing gate
[tool.cd4ml-tui.gate.rules]
accuracy = { worse_by = 0.01 }   # worse than the baseline by at most 0.01 (direction-aware)
"val.f1" = { worse_by_pct = 1 }  # at most 1 % worse, relative to the baseline
latency_ms = { max = 5.0 }       # absolute bounds: min / max
```
The gate's metric names and directions are resolved against real columns by `core.review`; here
they are only checked for shape, so a typo in a number is caught when the settings are read.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cd4ml_tui.core.errors import ConfigError

Direction = Literal["min", "max", "none"]
RuleKind = Literal["worse_by", "worse_by_pct", "min", "max"]
RULE_KINDS: tuple[RuleKind, ...] = ("worse_by", "worse_by_pct", "min", "max")
_GATE_KEYS = ("against", "rules", "require_approval", "require_gate")
_DIRECTION_ALIASES: dict[str, Direction] = {
    "min": "min",
    "lower": "min",
    "max": "max",
    "higher": "max",
    "none": "none",
    "neutral": "none",
}


@dataclass(frozen=True)
class GateRule:
    """One bound on one metric: `accuracy = { worse_by = 0.01 }` is GateRule("accuracy",
    "worse_by", 0.01). A table with several bounds gives one rule per bound, in file order."""

    metric: str  # as written in the settings: `accuracy`, `val.f1` or `path:key`
    kind: RuleKind
    limit: float | int

    @property
    def label(self) -> str:
        """`worse_by 0.01`: the rule as the JSON and Markdown reports name it."""
        return f"{self.kind} {self.limit!r}"


@dataclass(frozen=True)
class GateSettings:
    """The `[gate]` table: what a revision is held against, its rules, what promotion needs."""

    against: str | None = None
    rules: tuple[GateRule, ...] = ()
    require_approval: bool = False
    require_gate: bool = False


@dataclass(frozen=True)
class Settings:
    """Typed settings passed into the app factory and the core; never a global."""

    metric_directions: dict[str, Direction] = field(default_factory=dict)
    baseline: str | None = None
    hidden_columns: tuple[str, ...] = ()
    precision: int = 4
    source: str | None = None  # the file the settings came from, for messages
    gate: GateSettings = field(default_factory=GateSettings)


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
        gate=_parse_gate(path, table),
    )


def _parse_gate(path: Path, table: dict[str, Any]) -> GateSettings:
    """`[gate]`; `require_approval` / `require_gate` may also sit at the top level."""
    gate = table.get("gate", {})
    if not isinstance(gate, dict):
        raise ConfigError(f"{path}: `gate` must be a table")
    unknown = [key for key in gate if key not in _GATE_KEYS]
    if unknown:
        raise ConfigError(
            f"{path}: gate: unknown key {unknown[0]!r} (allowed: {', '.join(_GATE_KEYS)})"
        )
    against = gate.get("against")
    if against is not None and (not isinstance(against, str) or not against.strip()):
        raise ConfigError(f"{path}: gate.against must be a revision name or artifact#stage")
    flags = {}
    for name in ("require_approval", "require_gate"):
        values = [t[name] for t in (table, gate) if name in t]
        if any(not isinstance(v, bool) for v in values):
            raise ConfigError(f"{path}: `{name}` must be true or false")
        flags[name] = any(values)
    rules = gate.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: gate.rules must be a table of metric = {{ rule = number }}")
    return GateSettings(
        against=against.strip() if against else None,
        rules=tuple(_parse_rules(path, rules, "")),
        **flags,
    )


def _parse_rules(path: Path, table: dict[str, Any], prefix: str) -> list[GateRule]:
    """Rules in file order. An unquoted dotted name (`val.f1 = {...}`) is a nested table in
    TOML; it is read back as the dotted name, as if it had been quoted."""
    rules: list[GateRule] = []
    for name, spec in table.items():
        metric = f"{prefix}{name}"
        if not isinstance(spec, dict) or not spec:
            raise ConfigError(
                f"{path}: gate rule {metric!r}: expected a table like {{ worse_by = 0.01 }}"
            )
        if not any(key in RULE_KINDS for key in spec) and all(
            isinstance(v, dict) for v in spec.values()
        ):
            rules += _parse_rules(path, spec, f"{metric}.")
            continue
        for kind, limit in spec.items():
            if kind not in RULE_KINDS:
                raise ConfigError(
                    f"{path}: gate rule {metric!r}: unknown bound {kind!r} "
                    f"(use {', '.join(RULE_KINDS)})"
                )
            if isinstance(limit, bool) or not isinstance(limit, int | float):
                raise ConfigError(f"{path}: gate rule {metric!r}: {kind} must be a number")
            if math.isnan(limit) or math.isinf(limit):
                raise ConfigError(f"{path}: gate rule {metric!r}: {kind} must be finite")
            if kind.startswith("worse_by") and limit < 0:
                raise ConfigError(f"{path}: gate rule {metric!r}: {kind} must not be negative")
            rules.append(GateRule(metric, kind, limit))
        low, high = spec.get("min"), spec.get("max")
        if low is not None and high is not None and low > high:
            raise ConfigError(f"{path}: gate rule {metric!r}: min {low!r} is above max {high!r}")
    return rules
