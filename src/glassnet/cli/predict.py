"""``glassnet predict``: a trained model's predictions for new data, as CSV.

    glassnet predict MODEL DATA [-o predictions.csv] [--proba]

Predictions come back in the data's own terms: the class labels the model was trained
on (strings too), or numbers in the target's units (standardisation undone). The work is
:class:`glassnet.trained.TrainedModel`'s, so Python's ``glassnet.trained.load(MODEL).predict(X)``
gives the same values.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import sys

from ._common import check_output, write_text
from ._model import load_model, model_data, model_input
from . import add_common

EXAMPLES = """examples:
  glassnet predict glassnet-digits.safetensors new.csv
  glassnet predict iris.safetensors flowers.csv --proba -o predictions.csv
  glassnet predict mnist.safetensors t10k-images-idx3-ubyte.gz -o labels.csv

DATA holds the model's feature columns. When the training data and DATA both have a header, they
are found by name, in any order, and other columns (the target, a pandas index) are ignored; a
header with some of the model's names but not all is refused, naming the missing ones. Without a
header, or with none of the model's names, the columns are taken by position, with a warning."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "predict", help="predict labels or values for new data with a trained model",
        description="Run a model file on new data and write one prediction per row as CSV (to the terminal, "
                    "or to FILE with -o).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_data(p)
    p.add_argument("--proba", action="store_true", help="classification: add one probability column per class")
    p.add_argument("-o", "--output", metavar="FILE", help="write the CSV to FILE")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    add_common(p)
    p.set_defaults(func=run)
    return p


def add_model_data(p: argparse.ArgumentParser) -> None:
    """MODEL, DATA and the options that say how to read DATA (shared with evaluate)."""
    p.add_argument("model", metavar="MODEL", help="a model file written by glassnet train (or glassnet.io.save)")
    p.add_argument("data", nargs="+", metavar="DATA",
                   help="a CSV file, an .npz archive, or an IDX images file (and its labels file)")
    p.add_argument("--target", metavar="COL",
                   help="CSV: the target column (default: the one the model was trained on, if present); "
                        ".npz: the array of targets")
    p.add_argument("--labels", metavar="FILE", help="IDX: the labels file")
    p.add_argument("--features", metavar="NAME", help=".npz: the array of features (default: as in training)")
    p.add_argument("--delimiter", metavar="CHAR", help="CSV: the field separator (default: as in training)")


def run(args) -> int:
    if args.output:
        check_output(args.output, args.overwrite)
    model = load_model(args.model, args.data, "predict")
    data = model_data(args.data, model, args, need_target=False)
    pred, proba = model.decode(model.network.predict(model_input(model, data)))
    buffer = _io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if model.task == "classify":
        header = ["prediction"] + ([f"p_{c}" for c in model.classes] if args.proba else [])
        rows = ([p.item(), *map(repr, q.tolist())] if args.proba else [p.item()] for p, q in zip(pred, proba))
    else:
        pred = pred.reshape(len(pred), -1)
        header = ["prediction"] if pred.shape[1] == 1 else [f"prediction_{j + 1}" for j in range(pred.shape[1])]
        rows = (map(repr, row.tolist()) for row in pred)
    writer.writerow(header)
    writer.writerows(rows)
    if args.output:
        write_text(args.output, buffer.getvalue(), args.overwrite)
        if not args.quiet:
            print(f"wrote {len(pred)} predictions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
    return 0
