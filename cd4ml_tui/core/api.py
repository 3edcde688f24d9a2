"""The one door into the core: every front end (CLI, TUI, screenshots) calls what is here.

Modelled on `gto/api.py`: one name per thing the product does, grouped by capability, so that
`commands/` and `ui/` never reach into the domain packages. Import-linter holds them to it.

The door is lazy (Scientific Python's SPEC 1, as `lazy_loader` does it): the imports below are
what type checkers, import-linter and grimp read, and at run time a name's module is imported on
its first use. So `show --json` loads the reader and the exporter, not promotion, diffs and
actions (about 100 ms of imports it never used). The import list stays the one place that says
which name comes from where: `cd4ml_tui.lazy` reads it from this file's source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cd4ml_tui.lazy import lazy_attributes

if TYPE_CHECKING:
    # Acting on experiments: apply, branch, remove, run the queue
    from cd4ml_tui.core.actions.apply import (
        ApplyPlan,
        ApplyResult,
        WorkspaceChange,
        apply_to_workspace,
        plan_apply,
        undo_apply,
    )
    from cd4ml_tui.core.actions.queue import (
        QueuePlan,
        QueueRun,
        RunState,
        finished,
        plan_run_queued,
        run_states,
        start_queued,
    )
    from cd4ml_tui.core.actions.refs import (
        BranchPlan,
        RemovePlan,
        RemoveResult,
        create_branch,
        plan_branch,
        plan_remove,
        remove_experiments,
        undo_branch,
        undo_remove,
    )

    # Compare against a baseline
    from cd4ml_tui.core.compare.baseline import choose_baseline, default_baseline, own_baseline
    from cd4ml_tui.core.compare.deltas import (
        Bar,
        Comparison,
        DeltaCell,
        DeltaRow,
        ScatterPoint,
        compare,
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

    # Sharing and watching
    from cd4ml_tui.core.git.remotes import (
        commit_web_url,
        default_remote,
        fetch_experiments,
        remotes,
    )

    # Opening a repo
    from cd4ml_tui.core.git.repo import Repo, open_repo
    from cd4ml_tui.core.git.watch import Fingerprint, files_fingerprint, refs_fingerprint

    # Insight: which params move which metric
    from cd4ml_tui.core.insight.parallel import (
        Axis,
        Line,
        ParallelCoordinates,
        parallel_coordinates,
    )
    from cd4ml_tui.core.insight.report import best_group, best_label, insight_json, insight_markdown
    from cd4ml_tui.core.insight.rows import (
        InsightError,
        insight_rows,
        metric_columns,
        resolve_metric,
    )
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

    # Promotion (GTO tags)
    from cd4ml_tui.core.promote.badges import RegistryBadges
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

    # What promotion respects: the gate against a GTO stage, the review
    from cd4ml_tui.core.promote.policy import (
        PromotionChecks,
        gate_baseline_name,
        gate_rows,
        promotion_checks,
        resolve_against,
        run_gate,
    )

    # The registry a promotion reads, and the tags it writes
    from cd4ml_tui.core.promote.registry import (
        Registry,
        VersionChoices,
        read_registry,
        registry_state,
        version_choices,
    )
    from cd4ml_tui.core.promote.write import (
        PromotionResult,
        PushError,
        UndoReport,
        apply,
        describe_undo,
        push,
        undo,
    )

    # Review: verdicts in git notes, the gate
    from cd4ml_tui.core.review.gate import GateCheck, GateResult, evaluate_gate
    from cd4ml_tui.core.review.notes import (
        NOTES_REF,
        ReviewError,
        check_reviewable,
        fetch_reviews,
        push_reviews,
        read_reviews,
        record_review,
        review_summaries,
        reviews_fingerprint,
    )
    from cd4ml_tui.core.review.report import gate_json, gate_markdown, verdicts_json
    from cd4ml_tui.core.review.verdicts import VERDICTS, ReviewSummary, Verdict, summarize_thread

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
    from cd4ml_tui.core.values.cache import ResultCache
    from cd4ml_tui.core.values.encoded import EncodedValues
    from cd4ml_tui.core.values.listing import Listing, keep_layout, list_with_cache
    from cd4ml_tui.core.values.read import load, read_encoded, read_values, result_cache


if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_attributes(__name__, __file__)

__all__ = [
    "MAX_SOURCE_DIFF_LINES",
    "NOISE_KINDS",
    "NOISE_TOGGLES",
    "NOTES_REF",
    "UNREAD_KEY",
    "VERDICTS",
    "ApplyPlan",
    "ApplyResult",
    "Axis",
    "Bar",
    "BranchPlan",
    "CellDiff",
    "ColumnOrder",
    "Comparison",
    "DeltaCell",
    "DeltaRow",
    "DiffLine",
    "EncodedValues",
    "FileChange",
    "FileDiff",
    "Fingerprint",
    "Fold",
    "GateCheck",
    "GateResult",
    "Hunk",
    "Insight",
    "InsightError",
    "Line",
    "Listing",
    "MetricSummary",
    "NotebookDiff",
    "OutState",
    "OutputChange",
    "ParallelCoordinates",
    "ParamInsight",
    "Plot",
    "PromotionChecks",
    "PromotionPlan",
    "PromotionResult",
    "PushError",
    "QueryError",
    "QueuePlan",
    "QueueRun",
    "Registry",
    "RegistryBadges",
    "RemovePlan",
    "RemoveResult",
    "Repo",
    "ResultCache",
    "ReviewError",
    "ReviewSummary",
    "RevisionDiff",
    "RunState",
    "ScatterPoint",
    "UndoReport",
    "ValueChange",
    "ValueGroup",
    "Verdict",
    "VersionChoices",
    "WorkspaceChange",
    "apply",
    "apply_to_workspace",
    "best_group",
    "best_label",
    "changed_files",
    "check_promotable",
    "check_reviewable",
    "choose_baseline",
    "columns",
    "commit_web_url",
    "compare",
    "compile_query",
    "create_branch",
    "default_baseline",
    "default_branch_name",
    "default_remote",
    "describe_source",
    "describe_undo",
    "diff_json",
    "error_notes",
    "evaluate_gate",
    "fetch_experiments",
    "fetch_reviews",
    "file_diff",
    "files_fingerprint",
    "finished",
    "fold_cells",
    "format_command",
    "format_delta",
    "format_number",
    "format_value",
    "gate_baseline_name",
    "gate_json",
    "gate_markdown",
    "gate_rows",
    "human_size",
    "insight",
    "insight_json",
    "insight_markdown",
    "insight_rows",
    "keep_layout",
    "known_artifacts",
    "labels",
    "line_hunks",
    "list_revisions",
    "list_with_cache",
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
    "own_baseline",
    "parallel_coordinates",
    "param_metric_points",
    "plan_apply",
    "plan_branch",
    "plan_promotion",
    "plan_remove",
    "plan_run_queued",
    "plots_json",
    "promotion_checks",
    "push",
    "push_reviews",
    "read_baseline_values",
    "read_encoded",
    "read_registry",
    "read_reviews",
    "read_values",
    "record_review",
    "refs_fingerprint",
    "registry_state",
    "remotes",
    "remove_experiments",
    "resolve_against",
    "resolve_commit",
    "resolve_metric",
    "resolve_revision",
    "result_cache",
    "review_summaries",
    "reviews_fingerprint",
    "run_gate",
    "run_states",
    "side_by_side",
    "start_queued",
    "summarize",
    "summarize_thread",
    "to_csv",
    "to_json",
    "to_markdown",
    "tree_labels",
    "truncate_hunks",
    "undo",
    "undo_apply",
    "undo_branch",
    "undo_remove",
    "unique_names",
    "validate",
    "verdicts_json",
    "version_choices",
]
