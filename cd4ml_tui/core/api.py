"""The one door into the core: every front end (CLI, TUI, screenshots) calls what is here.

Modelled on `gto/api.py`: one name per thing the product does, grouped by capability, so that
`commands/` and `ui/` never reach into the domain packages. Import-linter holds them to it.
"""

from __future__ import annotations

# Compare against a baseline
from cd4ml_tui.core.compare.deltas import (
    Bar,
    Comparison,
    DeltaCell,
    DeltaRow,
    ScatterPoint,
    compare,
    default_baseline,
    metric_bars,
    metric_direction,
    param_metric_points,
)
from cd4ml_tui.core.compare.report import (
    diff_json,
    format_delta,
    format_number,
    markdown,
    nway_json,
)

# Diffs between two revisions
from cd4ml_tui.core.diff.changes import FileChange, RevisionDiff, changed_files, normalize_path
from cd4ml_tui.core.diff.file import FileDiff, file_diff
from cd4ml_tui.core.diff.notebooks import (
    MAX_SOURCE_DIFF_LINES,
    NOISE_KINDS,
    NOISE_TOGGLES,
    CellDiff,
    Fold,
    NotebookDiff,
    fold_cells,
    ordered_parts,
)
from cd4ml_tui.core.diff.outputs import OutputChange, ValueChange, human_size
from cd4ml_tui.core.diff.text import DiffLine, Hunk, line_hunks, side_by_side, truncate_hunks
from cd4ml_tui.core.dvc.outs import OutState
from cd4ml_tui.core.git.objects import run_git

# Sharing and watching
from cd4ml_tui.core.git.remotes import fetch_experiments, remotes

# Opening a repo
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.git.watch import Fingerprint, refs_fingerprint

# Insight: which params move which metric
from cd4ml_tui.core.insight.parallel import Axis, Line, ParallelCoordinates, parallel_coordinates
from cd4ml_tui.core.insight.report import best_group, best_label, insight_json, insight_markdown
from cd4ml_tui.core.insight.rows import InsightError, insight_rows, metric_columns, resolve_metric
from cd4ml_tui.core.insight.stats import (
    Insight,
    MetricSummary,
    ParamInsight,
    ValueGroup,
    insight,
    summarize,
)

# Plots
from cd4ml_tui.core.plots.load import Plot, load_plots, plots_json, unique_names
from cd4ml_tui.core.promote.message import describe_source, message_values, read_baseline_values
from cd4ml_tui.core.promote.plan import (
    PromotionPlan,
    check_promotable,
    default_branch_name,
    format_command,
    known_artifacts,
    plan_promotion,
    validate,
)

# Promotion (GTO tags)
from cd4ml_tui.core.promote.registry import Registry, read_registry, registry_state, version_choices
from cd4ml_tui.core.promote.write import (
    PromotionResult,
    PushError,
    UndoReport,
    apply,
    describe_undo,
    push,
    undo,
)

# Which revisions there are
from cd4ml_tui.core.revisions import list_revisions, resolve_commit, resolve_revision

# The table: columns, filter, exports
from cd4ml_tui.core.table.columns import (
    UNREAD_KEY,
    ColumnOrder,
    columns,
    error_notes,
    format_value,
    labels,
)
from cd4ml_tui.core.table.export import to_csv, to_json, to_markdown, tree_labels
from cd4ml_tui.core.table.query import QueryError, compile_query

# Their params and metrics
from cd4ml_tui.core.values.read import load, read_values

__all__ = [
    "MAX_SOURCE_DIFF_LINES",
    "NOISE_KINDS",
    "NOISE_TOGGLES",
    "UNREAD_KEY",
    "Axis",
    "Bar",
    "CellDiff",
    "ColumnOrder",
    "Comparison",
    "DeltaCell",
    "DeltaRow",
    "DiffLine",
    "FileChange",
    "FileDiff",
    "Fingerprint",
    "Fold",
    "Hunk",
    "Insight",
    "InsightError",
    "Line",
    "MetricSummary",
    "NotebookDiff",
    "OutState",
    "OutputChange",
    "ParallelCoordinates",
    "ParamInsight",
    "Plot",
    "PromotionPlan",
    "PromotionResult",
    "PushError",
    "QueryError",
    "Registry",
    "Repo",
    "RevisionDiff",
    "ScatterPoint",
    "UndoReport",
    "ValueChange",
    "ValueGroup",
    "apply",
    "best_group",
    "best_label",
    "changed_files",
    "check_promotable",
    "columns",
    "compare",
    "compile_query",
    "default_baseline",
    "default_branch_name",
    "describe_source",
    "describe_undo",
    "diff_json",
    "error_notes",
    "fetch_experiments",
    "file_diff",
    "fold_cells",
    "format_command",
    "format_delta",
    "format_number",
    "format_value",
    "human_size",
    "insight",
    "insight_json",
    "insight_markdown",
    "insight_rows",
    "known_artifacts",
    "labels",
    "line_hunks",
    "list_revisions",
    "load",
    "load_plots",
    "markdown",
    "message_values",
    "metric_bars",
    "metric_columns",
    "metric_direction",
    "normalize_path",
    "nway_json",
    "open_repo",
    "ordered_parts",
    "parallel_coordinates",
    "param_metric_points",
    "plan_promotion",
    "plots_json",
    "push",
    "read_baseline_values",
    "read_registry",
    "read_values",
    "refs_fingerprint",
    "registry_state",
    "remotes",
    "resolve_commit",
    "resolve_metric",
    "resolve_revision",
    "run_git",
    "side_by_side",
    "summarize",
    "to_csv",
    "to_json",
    "to_markdown",
    "tree_labels",
    "truncate_hunks",
    "undo",
    "unique_names",
    "validate",
    "version_choices",
]
