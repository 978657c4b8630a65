"""``glassnet train``: train an MLP on the bundled digits or on your data, and save it.

    glassnet train                                     digits, 64-128-64-10, 30 epochs of Adam
    glassnet train DATA.csv --target COL [options]     your data (.npz and IDX files too)
    glassnet train --resume RUN.ckpt.safetensors       continue an interrupted run

The run is a pure function of the data and the settings (one seed drives the split, the
initial weights and the shuffling), so the same command gives the same model file tensors.
A checkpoint holds everything the run needs to continue — weights, optimizer state,
epoch, the Generator's state, early-stopping state and the settings — and is taken at an
epoch boundary, so a resumed run ends with the same weights, bit for bit, as one that
was never interrupted.

This module reads the settings and the data and runs the training; beside it,
:mod:`._progress` prints the epochs, :mod:`._checkpoint` writes checkpoints and resumes
from them, and :mod:`._plots` draws the pictures of ``--plots DIR``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import sys
import time

import numpy as np

from . import _checkpoint, _plots, _progress
from ._data import Data, decide_task, encode_classes, load_data
from ._network import build_mlp, parse_layers
from ._report import regression_metrics, table
from . import add_common
from .. import activations, datasets, io, losses, optimizers, training
from ..errors import ConfigError, DataError, DivergenceError
from ..trained import TrainedModel

#: every setting of a run, with its default; a resumed run takes the checkpoint's for those not given
DEFAULTS = {"data": [], "target": None, "labels": None, "features": "X", "delimiter": ",", "keep_index": False,
            "task": "auto",
            "layers": "128,64", "activation": "relu", "loss": None, "optimizer": "adam", "lr": None,
            "epochs": 30, "batch_size": 32, "val_split": 0.1, "test_split": 0.2, "seed": 0,
            "early_stopping": None, "standardize": False, "dtype": "float64", "checkpoint_every": None,
            "output": None}

EXAMPLES = """examples:
  glassnet train                                   the bundled digits: 64-128-64-10, relu, softmax, Adam
  glassnet train iris.csv --target species --standardize --layers 16 --epochs 200
  glassnet train houses.csv --target price --task regress --standardize -o houses.safetensors
  glassnet train data.npz --features X --target y --early-stopping 10
  glassnet train train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz --epochs 5 --checkpoint-every 1
  glassnet train --resume glassnet-digits.ckpt.safetensors --epochs 50

Default output names (glassnet-digits.safetensors, glassnet-DATA.safetensors) never replace a
file: the next free name (…-2.safetensors) is used, and a line on stderr says so. An explicit
-o FILE that exists needs --overwrite, and so does its checkpoint (FILE.ckpt.safetensors).
Ctrl-C writes a checkpoint next to the output (exit 130); resume it with --resume. A resumed
run goes on writing its checkpoint; its model file takes the next free name if the run's one
exists (a finished run trained further), unless -o FILE or --overwrite is given."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "train", help="train an MLP on the bundled digits or on your data (CSV, .npz, IDX) and save it",
        description="Train a multi-layer perceptron and save it as a safetensors model file. Without DATA it "
                    "trains on scikit-learn's bundled 8x8 digits. Classification or regression is decided from "
                    "the target (labels or whole numbers with few values: classify; other numbers: regress).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", nargs="*", metavar="DATA",
                   help="a CSV file, an .npz archive, or an IDX images file and its labels file (default: digits)")
    data = p.add_argument_group("data")
    data.add_argument("--target", metavar="COL", help="CSV: the column to predict (name or 0-based index); "
                                                      ".npz: the array of targets (default y)")
    data.add_argument("--labels", metavar="FILE", help="IDX: the labels file (or give it as a second DATA path)")
    data.add_argument("--features", metavar="NAME", help=".npz: the array of features (default X)")
    data.add_argument("--delimiter", metavar="CHAR", help="CSV: the field separator (default ,)")
    data.add_argument("--keep-index", action="store_true", default=None,
                      help="CSV: keep a first column with no name that holds whole numbers >= 0 as a feature "
                           "(by default it is taken as the index pandas writes with DataFrame.to_csv and left out)")
    data.add_argument("--task", choices=("auto", "classify", "regress"), help="default: auto, from the target")
    data.add_argument("--standardize", action="store_true", default=None,
                      help="scale features (and regression targets) to mean 0, std 1 with training-set statistics; "
                           "kept in the model so predict does the same")
    data.add_argument("--test-split", type=float, metavar="F", help="fraction held out for the test (default 0.2)")
    data.add_argument("--val-split", type=float, metavar="F",
                      help="fraction of the training rows used for validation each epoch (default 0.1)")
    net = p.add_argument_group("network")
    net.add_argument("--layers", metavar="SIZES", help="hidden-layer sizes, e.g. 64,32, or none (default 128,64)")
    net.add_argument("--activation", choices=[a for a in activations.names() if a not in ("hardlim", "hardlims",
                                                                                         "softmax")],
                     help="hidden-layer activation (default relu)")
    net.add_argument("--loss", choices=losses.names(),
                     help="default: categorical_crossentropy (classify), mse (regress)")
    net.add_argument("--dtype", choices=("float64", "float32"), help="default float64")
    fit = p.add_argument_group("training")
    fit.add_argument("--optimizer", choices=optimizers.names(), help="default adam")
    fit.add_argument("--lr", "--learning-rate", dest="lr", type=float, metavar="RATE",
                     help="learning rate (default: the optimizer's)")
    fit.add_argument("--epochs", type=int, metavar="N", help="total epochs, counting resumed ones (default 30)")
    fit.add_argument("--batch-size", type=int, metavar="N", help="default 32")
    fit.add_argument("--seed", type=int, metavar="N",
                     help="seeds the split, the initial weights and the shuffling (default 0)")
    fit.add_argument("--dask-scheduler", metavar="ADDRESS",
                     help="train data-parallel on a Dask cluster: a scheduler address (tcp://host:8786) or local:N "
                          "for N worker processes on this machine; each epoch is then one full-batch step "
                          '(needs pip install "glassnet[dask]")')
    fit.add_argument("--early-stopping", type=int, nargs="?", const=5, metavar="PATIENCE",
                     help="stop when the validation loss has not improved for PATIENCE epochs (default 5) "
                          "and keep the best weights")
    out = p.add_argument_group("output")
    out.add_argument("-o", "--output", metavar="FILE", help="the model file (default glassnet-digits.safetensors "
                                                            "or glassnet-DATA.safetensors, never replacing a file)")
    out.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    out.add_argument("--checkpoint-every", type=int, metavar="N",
                     help="write a checkpoint (FILE's name with .ckpt.safetensors) every N epochs")
    out.add_argument("--resume", metavar="CHECKPOINT",
                     help="continue from a checkpoint; settings not given are taken from it")
    out.add_argument("--plots", metavar="DIR",
                     help="after training, draw PNGs into DIR (created if needed): history.png (loss and accuracy "
                          "curves), weights.png (weight histograms), confusion.png (classification, test rows) and "
                          "regions.png (classification with 2 features: the decision regions)")
    add_common(p)
    p.set_defaults(func=run)
    return p


# ---------------------------------------------------------------- settings


def _settings(args, saved: dict | None) -> dict:
    s = {}
    for key, default in DEFAULTS.items():
        value = getattr(args, key)
        s[key] = value if value not in (None, []) else (saved or {}).get(key, default)
    for key in ("epochs", "batch_size", "checkpoint_every"):
        if s[key] is not None and s[key] < 1:
            raise ConfigError(f"--{key.replace('_', '-')} must be a positive integer; got {s[key]}")
    for key in ("val_split", "test_split"):
        if not 0 <= s[key] < 1:
            raise ConfigError(f"--{key.replace('_', '-')} must be a fraction in [0, 1); got {s[key]}")
    if s["lr"] is not None and not 0 < s["lr"] < float("inf"):
        raise ConfigError(f"--lr must be a positive number; got {s['lr']}")
    if s["early_stopping"] is not None and s["early_stopping"] < 0:
        raise ConfigError(f"--early-stopping PATIENCE must be >= 0; got {s['early_stopping']}")
    return s


# ---------------------------------------------------------------- data


def _load(s: dict):
    """(X_train, X_test, y_train, y_test, meta) with y as the network wants it and meta for the model file."""
    if s["data"]:
        d = load_data(s["data"], target=s["target"], labels=s["labels"], features=s["features"],
                      delimiter=s["delimiter"], keep_index=s["keep_index"])
        name = os.path.basename(s["data"][0]).split(".")[0] or "model"
    else:
        X, y = datasets.load_digits(split=False)
        d, name = Data(X, y, None, None, "digits (scikit-learn's 8x8 handwritten digits)"), "digits"
    task = decide_task(d.y, s["task"], d.source)
    meta = {"tool": "glassnet train", "task": task, "data": d.source, "target": d.target,
            "feature_names": d.feature_names, "header": d.header, "n_features": int(d.X.shape[1])}
    if task == "classify":
        meta["classes"], y = encode_classes(d.y, d.source)
    else:
        y = d.y.astype(np.float64).reshape(len(d.y), -1)
    n, t = len(y), s["test_split"]
    if t:
        n_test = int(np.ceil(t * n))
        if n - n_test < 1:
            raise DataError(f"{d.source}: {n} sample(s) cannot be split into training and test rows with "
                            f"--test-split {t}; give more data or --test-split 0")
        if s["data"] and task == "classify":
            Xtr, Xte, ytr, yte = datasets.train_test_split(d.X, y, test_size=t, seed=s["seed"])
        elif s["data"]:                               # split row numbers: the targets may be 2-D
            Xtr, Xte, rtr, rte = datasets.train_test_split(d.X, np.arange(n), test_size=t, seed=s["seed"],
                                                           stratify=False)
            ytr, yte = y[rtr], y[rte]
        else:
            Xtr, Xte, ytr, yte = datasets.load_digits(test_size=t, seed=s["seed"])
    else:
        Xtr, Xte, ytr, yte = d.X, d.X[:0], y, y[:0]
    n_val = int(round(len(ytr) * s["val_split"]))
    if s["val_split"] and not 1 <= n_val < len(ytr):
        raise DataError(f"{d.source}: --val-split {s['val_split']} of {len(ytr)} training row(s) leaves an empty "
                        "set; give more data or --val-split 0")
    digest = hashlib.sha256(np.ascontiguousarray(Xtr).tobytes())
    digest.update(np.ascontiguousarray(ytr).tobytes())
    meta["train_sha256"] = digest.hexdigest()        # the training rows, so that --resume continues this run
    meta["standardize"] = meta["target_scale"] = None
    if s["standardize"]:
        Xtr, mean, std = datasets.standardize(Xtr)
        Xte = (Xte - mean) / std
        meta["standardize"] = {"mean": mean.tolist(), "std": std.tolist()}
        if task == "regress":
            ytr, ym, ys = datasets.standardize(ytr)
            yte = (yte - ym) / ys
            meta["target_scale"] = {"mean": ym.tolist(), "std": ys.tolist()}
    meta.update(n_train=len(ytr) - n_val, n_val=n_val, n_test=len(yte))
    return Xtr, Xte, ytr, yte, meta, name


# ---------------------------------------------------------------- the command


def run(args) -> int:
    ckpt = _checkpoint.read(args.resume) if args.resume else None
    saved = (ckpt.training or {}) if ckpt else {}
    s = _settings(args, saved.get("settings"))
    if args.dask_scheduler:                         # before the data are read: a typo costs nothing
        from ..distributed import check_scheduler
        args.dask_scheduler = check_scheduler(args.dask_scheduler)
        if args.batch_size is not None:
            raise ConfigError("--dask-scheduler trains with full batches (one step per epoch); "
                              "leave out --batch-size")
    Xtr, Xte, ytr, yte, meta, name = _load(s)
    task, classes = meta["task"], meta.get("classes")
    net, s["loss"] = build_mlp(Xtr.shape[1], parse_layers(s["layers"]), s["activation"], task,
                               len(classes) if classes else ytr.shape[1], s["loss"], s["dtype"], s["seed"])
    if s["loss"] == "binary_crossentropy":
        ytr, yte = ytr.astype(np.float64), yte.astype(np.float64)
    opt = optimizers.get(s["optimizer"], **({} if s["lr"] is None else {"lr": s["lr"]}))
    start = 0
    if ckpt:
        start = _checkpoint.resume(ckpt, args.resume, net, opt, meta, s)
    output, ckpt_path, passed_over = _checkpoint.paths(s["output"] or f"glassnet-{name}.safetensors", args)
    plots = _plots.paths(args.plots, meta, args.overwrite) if getattr(args, "plots", None) else {}
    s["output"] = output
    meta["settings"] = {k: v for k, v in s.items()}
    if not args.quiet:
        _announce(net, s, meta, output, start)

    early = None
    if s["early_stopping"] is not None:
        early = training.EarlyStopping("val_loss" if s["val_split"] else "loss", patience=s["early_stopping"])
    runner = _checkpoint.Checkpointer(ckpt_path, s["checkpoint_every"], start, early,
                                      ckpt.training_state if ckpt else None, meta, args.quiet)
    callbacks = [cb for cb in (early, runner) if cb is not None]
    steps = -(-meta["n_train"] // s["batch_size"])
    if not args.quiet:
        tty = sys.stdout.isatty() and importlib.util.find_spec("rich") is not None and not args.dask_scheduler
        callbacks.append(_progress.Bar(start, s["epochs"], steps) if tty
                         else _progress.EpochLines(start, s["epochs"]))
    began = time.perf_counter()
    try:
        if args.dask_scheduler:
            history = _fit_on_dask(args.dask_scheduler, net, Xtr, ytr, s, start, opt, callbacks)
        else:
            history = training.fit(net, Xtr, ytr, epochs=s["epochs"] - start, batch_size=s["batch_size"],
                                   optimizer=opt, validation_split=s["val_split"], callbacks=callbacks, verbose=0)
    except DivergenceError as exc:
        raise DivergenceError(_diverged(exc, s, opt.lr, output, ckpt_path)) from exc
    seconds = time.perf_counter() - began
    if history.interrupted:
        state = runner.mark
        runner.write(state)
        print(f"glassnet: interrupted during epoch {state['epoch'] + 1}; saved a checkpoint after "
              f"{state['epoch']} epoch(s) to {ckpt_path}. Continue with: glassnet train --resume {ckpt_path}",
              file=sys.stderr)
        return 130

    meta["history"] = runner.combined()
    meta["epochs_run"] = start + len(history.epoch)
    meta["train_seconds"] = round(seconds, 3)
    rows = _test(net, Xte, yte, meta, s)
    io.save(net, output, overwrite=args.overwrite, metadata=meta)
    if passed_over:                                 # even with -q: it is where the model went
        print(passed_over, file=sys.stderr)
    if plots:
        _plots.draw(plots, net, meta, Xtr, ytr, Xte, yte)
    if not args.quiet:
        rows += [["epochs", meta["epochs_run"]], ["training time", f"{seconds:.2f} s"],
                 ["parameters", f"{net.n_params:,}"], ["model", output]]
        print(table(rows, right=False))
        for path in plots.values():
            print(f"plot: {path}")
    return 0


def _diverged(exc: DivergenceError, s: dict, lr: float, output: str, ckpt_path: str) -> str:
    """The divergence message in the command line's words: what to try are options of ``glassnet train``
    (the library's message suggests Python arguments such as ``Adam(clip_norm=…)``)."""
    found = re.match(r"(training diverged .*?: the loss became \S+?)\.(\s|$)", str(exc))
    what = found.group(1) if found else str(exc).split(". ")[0].rstrip(".")
    advice = f"Try a smaller learning rate, e.g. --lr {lr / 10:g} (it was {lr:g})"
    if not s["standardize"]:
        advice += ", or --standardize to scale the inputs"
    kept = f"; the last checkpoint, {ckpt_path}, is intact" if os.path.exists(ckpt_path) else ""
    return f"{what}. {advice}. Nothing was saved to {output}{kept}."


def _fit_on_dask(scheduler: str, net, Xtr, ytr, s: dict, start: int, opt, callbacks):
    """Full-batch data-parallel training on a Dask cluster (glassnet.distributed): one step per epoch.

    The validation rows are the last ``val_split`` of the training rows, as ``training.fit`` takes them.
    """
    from ..distributed import connect, fit_distributed
    cut = len(ytr) - int(round(len(ytr) * s["val_split"]))
    val = (Xtr[cut:], ytr[cut:]) if cut < len(ytr) else None
    with connect(scheduler) as client:
        return fit_distributed(net, Xtr[:cut], ytr[:cut], client=client, steps=s["epochs"] - start, optimizer=opt,
                               callbacks=callbacks, validation_data=val)


def _announce(net, s, meta, output, start) -> None:
    sizes = " → ".join(str(x) for x in (net.input_shape[0], *(layer.units for layer in net.layers)))
    what = (f"classify into {len(meta['classes'])} classes" if meta["task"] == "classify" else "regress")
    print(f"{meta['data']}: {what}; {meta['n_train']} training / {meta['n_val']} validation / "
          f"{meta['n_test']} test rows")
    lr = "" if s["lr"] is None else f" lr {s['lr']:g}"
    resuming = f", resuming after epoch {start}" if start else ""
    acts = ", ".join(([s["activation"]] if len(net.layers) > 1 else []) + [net.layers[-1].activation.name])
    print(f"network {sizes} ({acts}), loss {s['loss']}, "
          f"{s['optimizer']}{lr}, {s['epochs']} epochs{resuming} → {output}", flush=True)


def _test(net, Xte, yte, meta: dict, s: dict) -> list[list]:
    """Score the held-out rows; store the numbers in ``meta["test"]``; rows for the final table."""
    if not len(yte):
        meta["test"] = None
        return [["test", "none (--test-split 0)"]]
    model = TrainedModel(net, meta)                  # what glassnet predict will make of the model file
    loss = training.evaluate(net, Xte, yte)["loss"]
    pred, _ = model.decode(net.predict(Xte))
    if meta["task"] == "classify":
        truth = np.asarray(meta["classes"])[yte.astype(np.int64).reshape(-1)]
        accuracy = float(np.mean(pred == truth))
        meta["test"] = {"accuracy": accuracy, "loss": loss, "samples": len(yte)}
        return [["test accuracy", f"{accuracy:.4f} ({int(round(accuracy * len(yte)))}/{len(yte)})"],
                ["test loss", f"{loss:.4f}"]]
    truth, _ = model.decode(yte)                     # the true values in the target's units
    m = regression_metrics(truth, pred)
    meta["test"] = {**m, "samples": len(yte)}
    return [[f"test {k}", f"{v:.4g}"] for k, v in m.items()]
