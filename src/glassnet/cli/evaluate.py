"""``glassnet evaluate``: how well a trained model does on labelled data.

    glassnet evaluate MODEL DATA [--target COL]

Classification: accuracy, loss, per-class precision/recall/F1 and the confusion matrix.
Regression: MSE, RMSE, MAE and R² in the target's units, and the loss.
"""

from __future__ import annotations

import argparse

import numpy as np

from ._model import load_model, model_data, model_input
from ._report import classification_metrics, classification_report, regression_metrics, table
from . import add_common
from .predict import add_model_data
from .. import training

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
    model = load_model(args.model, args.data, "evaluate")
    data = model_data(args.data, model, args, need_target=True)
    X = model_input(model, data)
    net = model.network
    out = net.predict(X)
    pred, proba = model.decode(out)
    target = model.network_target(data.y, source=data.source)      # class indices, or standardised values
    loss = training.evaluate(net, X, target)["loss"]
    rows = [["samples", len(X)]]
    if model.task == "classify":
        m = classification_metrics(target.astype(np.int64), proba.argmax(axis=1), len(model.classes))
        rows += [["accuracy", f"{m['accuracy']:.4f}"], ["loss", f"{loss:.4f}"]]
        print(table(rows, right=False))
        print()
        print(classification_report(m, model.classes))
        return 0
    truth = np.asarray(data.y, dtype=np.float64).reshape(len(X), -1)
    rows += [[k, f"{v:.6g}"] for k, v in regression_metrics(truth, pred).items()]
    rows.append(["loss", f"{loss:.6g}"])
    print(table(rows, right=False))
    return 0
