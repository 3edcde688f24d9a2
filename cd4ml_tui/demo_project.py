"""The files of the demo project: training script, pipeline, params and notebook.

Kept apart from `demo.py` (which drives git and DVC) so the content can be read in one place.
The training script is pure Python and deterministic: the same params give the same metrics,
so the demo's numbers are reproducible and tests can rely on them.
"""

from __future__ import annotations

import base64
import json
from typing import Any

TRAIN_PY = '''\
"""Train a pretend classifier: pure Python, deterministic, fast. Reads params.yaml."""

import json
import math
import random
import struct
import zlib
from pathlib import Path


def load_params():
    text = Path("params.yaml").read_text()
    try:
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load(text)
    except ImportError:  # plain PyYAML reads this simple file the same way
        import yaml

        return yaml.safe_load(text)


def tiny_png(rgb):
    """A 4x4 PNG of one colour, so the demo has an image plot without any imaging library."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\\x00" + bytes(rgb) * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\\x89PNG\\r\\n\\x1a\\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def main():
    params = load_params()
    train, model, data = params["train"], params["model"], params["data"]
    lr, epochs, layers = float(train["lr"]), int(train["epochs"]), list(train["layers"])
    dropout, seed = float(model["dropout"]), int(data["seed"])
    rng = random.Random(seed)

    lr_fit = math.exp(-1.5 * math.log10(lr / 0.03) ** 2)
    capacity = 1 - 0.5 * math.exp(-sum(layers) / 60)
    regular = math.exp(-(((dropout - 0.22) / 0.15) ** 2))
    final_acc = 0.70 + 0.21 * lr_fit * capacity * (1 - math.exp(-epochs / 6)) + 0.05 * regular
    final_acc = min(0.95, max(0.70, final_acc + rng.uniform(-0.004, 0.004)))

    history = []
    for epoch in range(1, epochs + 1):
        progress = (1 - math.exp(-3 * epoch / epochs)) / (1 - math.exp(-3))
        acc = 0.5 + (final_acc - 0.5) * progress
        loss = -math.log(acc) + 0.05 * dropout + rng.uniform(0, 0.002)
        history.append((epoch, round(loss, 6), round(acc, 6)))

    accuracy = round(final_acc, 4)
    metrics = {
        "accuracy": accuracy,
        "loss": history[-1][1],
        "val": {
            "f1": round(accuracy - 0.03 + 0.02 * regular, 4),
            "auc": round(min(0.99, accuracy + 0.04), 4),
        },
    }
    Path("metrics.json").write_text(json.dumps(metrics, indent=2) + "\\n")

    weights = sum(a * b for a, b in zip([16, *layers], [*layers, 2]))
    Path("eval").mkdir(exist_ok=True)
    Path("eval/stats.yaml").write_text(
        f"latency_ms: {round(0.8 + sum(layers) * 0.012, 3)}\\n"
        f"model_size_kb: {round(weights * 4 / 1024, 2)}\\n"
    )

    Path("plots").mkdir(exist_ok=True)
    lines = ["epoch,loss,accuracy"] + [f"{e},{lo},{a}" for e, lo, a in history]
    Path("plots/train.csv").write_text("\\n".join(lines) + "\\n")
    labels = ["cat", "dog"]
    confusion = []
    for i in range(200):
        actual = labels[i % 2]
        right = rng.random() < final_acc
        confusion.append({"actual": actual, "predicted": actual if right else labels[1 - i % 2]})
    Path("plots/confusion.json").write_text(json.dumps(confusion, indent=1) + "\\n")
    shade = int(255 * (final_acc - 0.7) / 0.25)
    Path("plots/importance.png").write_bytes(tiny_png((shade, 96, 255 - shade)))

    Path("model").mkdir(exist_ok=True)
    model_weights = [round(rng.gauss(0, 0.1), 5) for _ in range(min(weights, 256))]
    model_doc = {"layers": layers, "dropout": dropout, "weights": model_weights}
    Path("model/model.json").write_text(json.dumps(model_doc) + "\\n")
    print(f"accuracy={accuracy} loss={metrics['loss']}")


if __name__ == "__main__":
    main()
'''

DVC_YAML = """\
stages:
  train:
    cmd: python src/train.py
    deps:
      - src/train.py
    params:
      - train
      - model
      - data
    outs:
      - model/model.json
      - plots/confusion.json
    metrics:
      - metrics.json:
          cache: false
      - eval/stats.yaml
    plots:
      - plots/train.csv:
          cache: false
          x: epoch
          y: loss
      - plots/importance.png:
          cache: false

plots:
  - Training curves:
      x: epoch
      y:
        plots/train.csv: [loss, accuracy]
      title: Loss and accuracy per epoch
  - plots/confusion.json:
      template: confusion
      x: actual
      y: predicted
      title: Confusion matrix

artifacts:
  classifier:
    path: model/model.json
    type: model
    desc: Tiny pretend classifier trained by src/train.py
    labels:
      - demo
      - classification
"""


def params_yaml(*, lr: float, epochs: int, layers: list[int], dropout: float) -> str:
    """params.yaml with nested groups and a list, the shapes reviewers meet in real projects."""
    return (
        "train:\n"
        f"  lr: {lr}\n"
        f"  epochs: {epochs}\n"
        f"  layers: [{', '.join(str(n) for n in layers)}]\n"
        "  optimizer: adam\n"
        "model:\n"
        f"  dropout: {dropout}\n"
        "  activation: relu\n"
        "data:\n"
        "  seed: 42\n"
        "  split: 0.2\n"
    )


# A 1x1 PNG; its bytes change with the colour so output diffs show up in the notebook.
def _png_b64(red: int) -> str:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00" + bytes((red, 80, 160))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode()


def _code(cell_id: str, count: int, source: str, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    for output in outputs:
        if output["output_type"] == "execute_result":
            output["execution_count"] = count
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": cell_id,
        "metadata": {},
        "outputs": outputs,
        "source": source.splitlines(keepends=True),
    }


def _stream(text: str) -> dict[str, Any]:
    return {"name": "stdout", "output_type": "stream", "text": text.splitlines(keepends=True)}


def notebook(*, wider: bool) -> str:
    """notebooks/explore.ipynb. `wider=True` changes one source line and adds one cell."""
    width_line = "layers = [128, 64]\n" if wider else "layers = [64, 32]\n"
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "markdown",
            "id": "intro",
            "metadata": {},
            "source": ["# Exploring the demo classifier\n", "\n", "Metrics of the last run."],
        },
        _code(
            "load-metrics",
            1,
            'import json\n\nmetrics = json.load(open("../metrics.json"))\nprint(metrics)',
            [_stream("{'accuracy': 0.8712, 'loss': 0.1532}\n")],
        ),
        _code(
            "layer-sizes",
            2,
            f"{width_line}sum(layers)",
            [
                {
                    "data": {"text/plain": ["192" if wider else "96"]},
                    "metadata": {},
                    "output_type": "execute_result",
                }
            ],
        ),
        _code(
            "plot-curve",
            3,
            "from IPython.display import Image\n\nImage(filename='../plots/importance.png')",
            [
                {
                    "data": {
                        "image/png": _png_b64(200 if wider else 40),
                        "text/plain": ["<IPython.core.display.Image object>"],
                    },
                    "metadata": {},
                    "output_type": "display_data",
                }
            ],
        ),
    ]
    if wider:
        cells.append(
            _code(
                "capacity-note",
                4,
                'print("wider layers: more capacity, higher latency")',
                [_stream("wider layers: more capacity, higher latency\n")],
            )
        )
    doc = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.0"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
