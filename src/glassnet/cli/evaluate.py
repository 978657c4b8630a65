"""``glassnet evaluate``: how well a trained model does on labelled data.

    glassnet evaluate MODEL DATA [--target COL]

Classification: accuracy, loss, per-class precision/recall/F1 and the confusion matrix.
Regression: MSE, RMSE, MAE and R² in the target's units, and the loss.
"""

from __future__ import annotations

import argparse

import numpy as np

from . import _common as C
from . import add_common
from .predict import add_model_data
from .. import training
from ..errors import DataError

EXAMPLES = """examples:
  glassnet evaluate glassnet-digits.safetensors test.csv --target label
  glassnet evaluate iris.safetensors iris-test.csv
  glassnet evaluate mnist.safetensors t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "evaluate", help="score a trained model on labelled data: metrics and confusion matrix",
        description="Score a model file on data with known targets: accuracy, per-class precision, recall and "
                    "F1 and the confusion matrix for a classifier; MSE, RMSE, MAE and R² for a regressor.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_data(p)
    add_common(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    net, meta = C.load_model(args.model)
    data = C.model_data(args.data, meta, args, need_target=True)
    X = C.select_features(data, meta, net.input_shape[0])
    out = net.predict(X)
    pred, _ = C.decode(out, meta)
    rows = [["samples", len(X)]]
    if meta["task"] == "classify":
        classes = meta["classes"]
        index = {c: i for i, c in enumerate(classes)}
        unknown = sorted({str(v) for v in data.y.tolist() if v not in index})
        if unknown:
            raise DataError(f"{data.source}: label(s) {', '.join(unknown[:5])} are not among the model's classes "
                            f"({', '.join(map(str, classes))})")
        y = np.array([index[v] for v in data.y.tolist()], dtype=np.int64)
        target = y.astype(np.float64) if out.shape[1] == 1 else y
        m = C.classification_metrics(y, np.array([index[v] for v in pred.tolist()], dtype=np.int64), len(classes))
        rows += [["accuracy", f"{m['accuracy']:.4f}"], ["loss", f"{training.evaluate(net, X, target)['loss']:.4f}"]]
        print(C.table(rows, right=False))
        print()
        print(C.classification_report(m, classes))
        return 0
    truth = np.asarray(data.y, dtype=np.float64).reshape(len(X), -1)
    if truth.shape[1] != out.shape[1]:
        raise DataError(f"{data.source}: the target has {truth.shape[1]} column(s); the model predicts {out.shape[1]}")
    scale = meta.get("target_scale")
    scaled = (truth - np.asarray(scale["mean"])) / np.asarray(scale["std"]) if scale else truth
    rows += [[k, f"{v:.6g}"] for k, v in C.regression_metrics(truth, pred).items()]
    rows.append(["loss", f"{training.evaluate(net, X, scaled)['loss']:.6g}"])
    print(C.table(rows, right=False))
    return 0
