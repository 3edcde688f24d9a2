"""How GTO labels are squeezed into a table row's name cell."""

from __future__ import annotations

from cd4ml_tui.ui.widgets.revision_cells import compact_badges


def test_a_stage_after_its_artifacts_version_drops_the_repeated_artifact_name() -> None:
    labels = ["clf@v1.0.0", "clf#prod", "clf#dev", "other#prod"]
    assert compact_badges(labels) == "clf@v1.0.0 #prod #dev other#prod"


def test_a_release_tag_on_its_own_row_is_left_out_but_kept_on_other_rows() -> None:
    assert compact_badges(["v0.1", "clf@v0.0.1"], own_name="v0.1") == "clf@v0.0.1"
    assert compact_badges(["v0.1"], own_name="main") == "v0.1"
