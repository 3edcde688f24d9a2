"""The `show --csv` and `--md` formats byte for byte on constructed rows: the documented shape
(header order, `!` for an unreadable file, empty/`-` for a missing value, quoting, tree labels)."""

from __future__ import annotations

from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.table.export import to_csv, to_markdown

BASE = Revision("a" * 40, "commit", name="main", timestamp="2024-01-01T00:00:00+00:00")
EXP = Revision(
    "b" * 40,
    "experiment",
    name="exp, one",
    baseline="a" * 40,
    timestamp="2024-01-02T00:00:00+00:00",
    status="success",
)
ROWS = [
    RevisionValues(
        BASE,
        params={"params.yaml": {"lr": 0.1, "layers": [64, 32]}},
        metrics={"m.json": {"acc": 0.123456789}},
    ),
    RevisionValues(
        EXP,
        params={"params.yaml": {"lr": 0.01, "note": 'say "hi"'}},
        errors={"m.json": "not in local DVC cache"},
    ),
]


def test_csv_bytes() -> None:
    assert to_csv(ROWS) == (
        "Experiment,rev,kind,baseline,Created,State,acc,lr,layers,note\n"
        f'main,{"a" * 40},commit,,2024-01-01T00:00:00+00:00,,0.123456789,0.1,"[64, 32]",\n'
        f'"exp, one",{"b" * 40},experiment,{"a" * 40},2024-01-02T00:00:00+00:00,success,'
        '!,0.01,,"say ""hi"""\n'
    )


def test_markdown_bytes() -> None:
    assert to_markdown(ROWS, 3) == (
        "| Experiment | rev | Created | acc | lr | layers | note |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| main | aaaaaaa | 2024-01-01T00:00:00+00:00 | 0.123 | 0.1 | [64, 32] | - |\n"
        "| └── bbbbbbb [exp, one] | bbbbbbb | 2024-01-02T00:00:00+00:00 | ! | 0.01 | - |"
        ' say "hi" |\n'
    )
