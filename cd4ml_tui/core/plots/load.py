"""The plots declared in dvc.yaml, and their data per revision, resolved as DVC resolves them.

This follows `dvc plots diff` (dvc/repo/plots/__init__.py, dvc/render/match.py and
dvc/render/converter/vega.py): top-level `plots:` of every dvc.yaml and the stage `plots:` outs;
ids that are paths (a directory expands to its files); `x`/`y` given per file or inferred (`y` is
the last field of the first datapoint, `x` is the row index `step`); the first revision's
properties win. The result is plain data: per plot, per revision, the x values and each y field.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cd4ml_tui.core.dvc.files import join
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.plots.files import RevisionFiles, open_files
from cd4ml_tui.core.plots.series import INDEX, PlotDataError, parse_data, series_of

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".gif", ".png", ".svg"})
PLOT_PROPS = ("template", "x", "y", "x_label", "y_label", "title", "header")


@dataclass(frozen=True)
class PlotSeries:
    """One revision's data of one plot: x values and, per y field, the y values."""

    x: list[Any]
    y: dict[str, list[Any]]
    xs: dict[str, list[Any]] | None = None  # per y field, only when the fields' x values differ

    def x_for(self, key: str) -> list[Any]:
        return self.xs[key] if self.xs and key in self.xs else self.x


@dataclass(frozen=True)
class Plot:
    """One plot of dvc.yaml with the data of every revision that has some."""

    plot_id: str
    kind: Literal["vega", "image"]
    template: str = "linear"
    title: str = ""
    x: str = INDEX  # the x field
    x_label: str = INDEX
    y_label: str = "y"
    series: dict[str, PlotSeries] = field(default_factory=dict)  # revision name -> data
    images: dict[str, list[str]] = field(default_factory=dict)  # revision name -> image paths
    errors: dict[str, str] = field(default_factory=dict)  # revision name -> why no data

    @property
    def y_fields(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.series.values() for k in s.y))


# -- definitions -------------------------------------------------------------------------------


def _plot_entries(value: Any) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """`plots:` list entries: `id` or `{id: props}`."""
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, str):
            yield entry, None
        elif isinstance(entry, dict) and len(entry) == 1:
            (plot_id, props) = next(iter(entry.items()))
            yield str(plot_id), props if isinstance(props, dict) else None


def _expand(files: RevisionFiles, path: str, props: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if files.isdir(path):
        return {f: dict(props) for f in files.files_under(path)}
    return {path: dict(props)}


def _closest_parent(path: str, parents: list[str]) -> str:
    best = ""
    for parent in parents:
        common = posixpath.commonpath([path, parent])
        if len(common) > len(best):
            best = common
    return best


def _top_level(files: RevisionFiles, config: str, doc: dict[str, Any]) -> dict[str, dict]:
    """`_resolve_definitions`: path ids joined with the dvc.yaml folder, file keys of x/y too."""
    folder = posixpath.dirname(config)
    entries = list(_plot_entries(doc.get("plots")))
    parents = [join(folder, plot_id) for plot_id, _ in entries]
    result: dict[str, dict[str, Any]] = {}
    for plot_id, raw in entries:
        props = dict(raw or {})
        if not isinstance(props.get("y"), dict):
            data_path = join(folder, plot_id)
            # Files of a directory go to the most specific plot id that contains them.
            expanded = _expand(files, data_path, props)
            result.update(
                {k: v for k, v in expanded.items() if _closest_parent(k, parents) == data_path}
            )
        else:
            for axis in ("x", "y"):
                if isinstance(props.get(axis), dict):
                    props[axis] = {join(folder, str(f)): v for f, v in props[axis].items()}
            result[plot_id] = props
    return result


def _stage_plots(files: RevisionFiles, config: str, doc: dict[str, Any]) -> dict[str, dict]:
    """Stage `plots:` outs (`_collect_output_plots`): path in the stage wdir, plot props only."""
    folder = posixpath.dirname(config)
    result: dict[str, dict[str, Any]] = {}
    stages = doc.get("stages")
    for stage in stages.values() if isinstance(stages, dict) else []:
        if not isinstance(stage, dict) or "foreach" in stage or "matrix" in stage:
            continue
        wdir = join(folder, str(stage.get("wdir") or "."))
        for path, raw in _plot_entries(stage.get("plots")):
            props = {k: v for k, v in (raw or {}).items() if k in PLOT_PROPS}
            result.update(_expand(files, join(wdir, path), props))
    return result


def definitions(files: RevisionFiles) -> tuple[dict[str, tuple[str, dict[str, Any]]], str | None]:
    """Every plot of one revision: full id -> (id inside its dvc.yaml, properties); or an error.

    An id declared by two dvc.yaml files is qualified as `<dvc.yaml path>::<id>`, as DVC does.
    """
    by_config: dict[str, dict[str, dict[str, Any]]] = {}
    stage_level: dict[str, dict[str, Any]] = {}
    for config, doc in files.pipelines().items():
        if isinstance(doc, str):
            return {}, doc
        if not isinstance(doc, dict):
            return {}, f"'{config}': expected a mapping at the top level"
        top = _top_level(files, config, doc)
        if top:
            by_config[config] = top
        stage_level.update(_stage_plots(files, config, doc))
    if stage_level:
        by_config[""] = {**by_config.get("", {}), **stage_level}
    owners: dict[str, list[str]] = {}
    for config, plots in by_config.items():
        for plot_id in plots:
            owners.setdefault(plot_id, []).append(config)
    grouped: dict[str, tuple[str, dict[str, Any]]] = {}
    for config, plots in by_config.items():
        for plot_id, props in plots.items():
            full = f"{config}::{plot_id}" if len(owners[plot_id]) > 1 and config else plot_id
            grouped[full] = (plot_id, props)
    return grouped, None


def data_sources(plot_id: str, props: dict[str, Any]) -> list[str]:
    """The files a plot reads (`infer_data_sources`): y's files, or the id; plus x's first file."""
    y, x = props.get("y"), props.get("x")
    sources = [str(k) for k in y] if isinstance(y, dict) else [plot_id]
    if isinstance(x, dict) and x:
        sources.append(str(next(iter(x))))
    return list(dict.fromkeys(sources))


# -- data per revision -------------------------------------------------------------------------


def unique_names(revisions: Sequence[Revision]) -> list[str]:
    """A name per revision for legends: its label, with the short sha when labels collide."""
    labels = [r.label for r in revisions]
    return [
        f"{r.label} ({r.short})" if labels.count(r.label) > 1 and r.label != r.short else r.label
        for r in revisions
    ]


def _labels(props: dict[str, Any], x_name: str, y_keys: list[str]) -> tuple[str, str]:
    x_label = props.get("x_label") or x_name
    y = props.get("y")
    # Several fields: name them all ("loss, accuracy"), never a bare "y".
    fields = dict.fromkeys(k.rsplit("::", 1)[-1] for k in y_keys)
    default_y = y if isinstance(y, str) else ", ".join(fields) or "y"
    return str(x_label), str(props.get("y_label") or default_y)


def _series(triples: list[tuple[str, list[Any], list[Any]]]) -> PlotSeries:
    """Name each y by its field, or `file::field` when one field comes from several files."""
    fields = [key.rsplit("::", 1)[-1] for key, _, _ in triples]
    named = [
        (key if fields.count(name) > 1 else name, x, y)
        for (key, x, y), name in zip(triples, fields, strict=True)
    ]
    first_x = named[0][1]
    same_x = all(x == first_x for _, x, _ in named)
    return PlotSeries(
        x=first_x,
        y={key: y for key, _, y in named},
        xs=None if same_x else {key: x for key, x, _ in named},
    )


def load_plots(
    repo: Repo, revisions: Sequence[Revision], names: Sequence[str] | None = None
) -> list[Plot]:
    """Every plot of `revisions` with each revision's data, keyed by `names` (default: labels)."""

    names = list(names) if names is not None else unique_names(revisions)
    files = open_files(repo, list(revisions))
    # DVC reads the workspace first, and the first revision's properties of a plot win.
    order = sorted(range(len(revisions)), key=lambda i: not revisions[i].is_workspace)
    groups: dict[str, dict[int, tuple[str, dict[str, Any]]]] = {}
    failed: dict[int, str] = {}
    for i in order:
        found, error = definitions(files[i])
        if error:
            failed[i] = error
        for full_id, definition in found.items():
            groups.setdefault(full_id, {})[i] = definition

    plots: list[Plot] = []
    for full_id, by_rev in groups.items():
        props: dict[str, Any] = {}
        for _, rev_props in reversed(list(by_rev.values())):
            props = props | rev_props
        first_inner = next(iter(by_rev.values()))[0]
        image = posixpath.splitext(first_inner)[1] in IMAGE_EXTENSIONS
        series: dict[str, PlotSeries] = {}
        images: dict[str, list[str]] = {}
        errors: dict[str, str] = {}
        x_name = INDEX
        for i, name in enumerate(names):
            if i in failed:
                errors[name] = failed[i]
            if i not in by_rev:
                continue
            inner_id, rev_props = by_rev[i]
            data: dict[str, Any] = {}
            for source in data_sources(inner_id, rev_props):
                raw = files[i].read(source)
                if raw is None:
                    errors[name] = files[i].missing_reason(source)
                    continue
                if image:
                    images.setdefault(name, []).append(source)
                    continue
                try:
                    content = parse_data(raw, source, header=props.get("header", True) is not False)
                except Cd4mlError as err:
                    errors[name] = str(err)
                    continue
                if content:
                    data[source] = content
            if image:
                continue
            try:
                rev_x, triples = series_of(inner_id, props, data)
            except PlotDataError as err:
                errors[name] = f"{full_id}: {err}"
                continue
            if triples:
                x_name = rev_x if not series else x_name
                series[name] = _series(triples)
        y_keys = list(dict.fromkeys(k for s in series.values() for k in s.y))
        x_label, y_label = _labels(props, x_name, y_keys)
        plots.append(
            Plot(
                plot_id=full_id,
                kind="image" if image else "vega",
                template=str(props.get("template") or "linear"),
                title=str(props.get("title") or full_id),
                x=x_name,
                x_label=x_label,
                y_label=y_label,
                series=series,
                images=images,
                errors=errors,
            )
        )
    return plots


def plots_json(plots: Sequence[Plot]) -> dict[str, Any]:
    """The `cd4ml-tui plots --json` document (its shape is documented in the README)."""
    out: dict[str, Any] = {}
    for plot in plots:
        entry: dict[str, Any] = {"kind": plot.kind, "title": plot.title}
        if plot.kind == "image":
            entry["images"] = plot.images
        else:
            entry.update(x=plot.x, template=plot.template)
            entry["series"] = {
                rev: {"x": s.x, "y": s.y, **({"xs": s.xs} if s.xs else {})}
                for rev, s in plot.series.items()
            }
        if plot.errors:
            entry["errors"] = plot.errors
        out[plot.plot_id] = entry
    return {"plots": out}
