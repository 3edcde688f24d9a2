"""A start on refs the last run saw (Pilot, on the real demo repo): the kept listing shows every
revision by name before any value, a screenful of rows but the whole count, and the cell widths
the last start measured are taken instead of measured again."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.listing import Listing, list_with_cache
from cd4ml_tui.ui.widgets.revision_loader import RevisionLoader
from cd4ml_tui.ui.widgets.revision_table import NAMES_FIRST, RevisionTable
from tests import builders
from tests.ui.helpers import main_screen, plain, running, table

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


async def test_a_kept_listing_shows_every_revision_by_name_before_any_value(
    demo_copy: Path,
) -> None:
    """`cd4ml-tui` reads the listing kept by the last run before the app starts: the first frame
    shows the revisions by name (and says their values are being read), the values follow."""
    builders.git(demo_copy, "update-ref", "-d", "refs/exps/celery/stash")  # a queue is not kept
    builders.settle(demo_copy / ".git")
    with open_repo(demo_copy) as repo, ResultCache.for_repo(repo) as cache:
        listed = list_with_cache(repo, [], False, cache)
    with open_repo(demo_copy) as repo:
        listing = Listing(repo, second_process=True)
    assert listing.listed() == listed
    first_rows: list[tuple[list[Revision], bool, str]] = []

    def before_the_first_values(message: Message) -> None:
        if isinstance(message, RevisionLoader.RowsLoaded) and not first_rows:
            shown = table(message.loader.app)
            detail = main_screen(message.loader.app).detail.query_one("#detail-body", Static)
            names = [v.revision for v in shown.rows_loaded]
            first_rows.append((names, shown.names_only, plain(detail.content)))

    async with running(demo_copy, before_the_first_values, listing=listing, use_cache=True) as (
        app,
        _,
    ):
        assert first_rows, "no values were read"
        names, names_only, detail = first_rows[0]
        assert names == listed and names_only
        assert "Reading its params and metrics" in detail
        assert not table(app).names_only
        detail = main_screen(app).detail.query_one("#detail-body", Static)
        assert "Metrics" in plain(detail.content) and "Reading" not in plain(detail.content)
        assert [v.revision for v in table(app).rows_loaded] == listed
        assert any(v.metrics for v in table(app).rows_loaded)


async def test_names_shown_first_stop_at_a_screenful_but_count_every_revision() -> None:
    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield RevisionTable(4, id="revisions")

    revisions = [Revision(rev=f"{i:040x}", kind="commit", name=f"r{i}") for i in range(600)]
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        shown = app.query_one(RevisionTable)
        shown.set_names(revisions)
        await pilot.pause()
        assert shown.names_only
        assert [v.revision for v in shown.rows_loaded] == revisions[:NAMES_FIRST]
        assert (shown.view.shown, shown.view.total) == (NAMES_FIRST, 600)
        shown.set_compact(True)  # a narrow terminal lays the rows out again: still all counted
        assert (shown.view.shown, shown.view.total) == (NAMES_FIRST, 600)
        shown.set_rows([RevisionValues(r) for r in revisions])
        assert not shown.names_only and (shown.view.shown, shown.view.total) == (600, 600)


async def test_the_next_start_on_the_same_refs_lays_the_table_out_as_the_last_did(
    demo_copy: Path,
) -> None:
    """The widths one start measured are kept with its listing; the next start shows the same
    revisions by name first, then takes them instead of measuring every cell again."""
    builders.git(demo_copy, "update-ref", "-d", "refs/exps/celery/stash")  # a queue is not kept
    builders.settle(demo_copy / ".git")

    def widths(app: App[object]) -> dict[str, int]:
        return {c.key: c.width for c in table(app).grid_columns}

    async with running(demo_copy, use_cache=True) as (app, _):
        measured = widths(app)
    with open_repo(demo_copy) as repo, ResultCache.for_repo(repo) as cache:
        listing = Listing(repo, second_process=True)
        listing.cache.close()
        assert listing.key is not None and listing.listed() is not None
        layout = cache.get_layout(listing.key)
        assert layout is not None, "the first start kept no layout"
        cid = next(c for c in layout["widths"] if c.endswith(":accuracy"))
        planted = list(base64.b64decode(layout["widths"][cid]))  # a byte a width
        commit = next(i for i in range(len(planted)) if i not in layout["fresh"])
        planted[commit] = 33  # planted: taken, or measured again?
        layout["widths"][cid] = planted
        cache.put_layout(listing.key, layout)
    with open_repo(demo_copy) as repo:
        listing = Listing(repo, second_process=True)
    async with running(demo_copy, listing=listing, use_cache=True) as (app, _):
        assert widths(app) == {**measured, cid: 33}
