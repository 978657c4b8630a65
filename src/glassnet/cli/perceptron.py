"""``glassnet perceptron``: train a perceptron on a CSV file or a logic gate, and show the rule at work.

    glassnet perceptron DATA.csv --target COL [--trace] [--epochs N] [--transfer hardlim|hardlims]
    glassnet perceptron --example and|or|xor|nand|nor [--trace] [--plot FILE.png|FILE.gif]

``--plot`` draws the input vectors in the plane, so it needs two inputs; that, and the file,
are checked before training (.gif, an animation drawn with Pillow, on every matplotlib version).
``--overwrite`` without ``--plot FILE`` is refused: it would replace nothing.

Not converging (XOR) is a result, not an error: the command prints why and exits 0.
"""

from __future__ import annotations

import argparse

import numpy as np

from . import add_common

_GATES = ("and", "or", "xor", "nand", "nor")


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "perceptron",
        help="train a perceptron with the perceptron rule (optionally traced, step by step)",
        description="Train a single layer of hard-limit neurons with the perceptron rule "
                    "e = t − a, W ← W + η e pᵀ, b ← b + η e, until an epoch has no error.",
        epilog="examples:\n  glassnet perceptron --example and --trace\n"
               "  glassnet perceptron --example xor\n"
               "  glassnet perceptron --example or --transfer hardlims --plot boundary.png\n"
               "  glassnet perceptron --example nand --plot training.gif\n"
               "  glassnet perceptron iris.csv --target species --transfer hardlims --epochs 20\n\n"
               "--plot draws the input vectors in the plane with each epoch's decision boundary, so it needs\n"
               "two inputs: a logic gate, or a CSV file with two feature columns besides the label column.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", nargs="?", metavar="DATA.csv", help="a CSV file of numbers with a label column")
    p.add_argument("--target", metavar="COL", help="the label column (header name or 0-based index)")
    p.add_argument("--example", choices=_GATES, help="a two-input logic gate instead of a file")
    p.add_argument("--trace", action="store_true", help="print one row per presentation: p, n, a, e, ΔW, Δb, W, b")
    p.add_argument("--format", choices=("text", "markdown", "html"), default="text",
                   help="how --trace prints its table: text (default), markdown or html")
    p.add_argument("--epochs", type=int, default=100, metavar="N", help="the most epochs (default 100)")
    p.add_argument("--transfer", choices=("hardlim", "hardlims"), default="hardlim",
                   help="outputs 0/1 (hardlim, default) or −1/+1 (hardlims)")
    p.add_argument("--learning-rate", "--lr", dest="learning_rate", type=float, default=1.0, metavar="ETA",
                   help="η (default 1)")
    p.add_argument("--mode", choices=("online", "batch"), default="online",
                   help="online (default): update W and b after each input vector; batch: add up the changes "
                        "of a whole epoch and update once")
    p.add_argument("--normalized", action="store_true", help="learnpn: use p/√(1+‖p‖²) in ΔW")
    p.add_argument("--no-bias", action="store_true", help="no bias: n = W p")
    p.add_argument("--init", choices=("zeros", "random"), default="zeros", help="initial weights (default zeros)")
    p.add_argument("--shuffle", action="store_true", help="a new random order each epoch (online mode)")
    p.add_argument("--pocket", action="store_true", help="keep the weights with the fewest errors seen")
    p.add_argument("--coding", choices=("onehot", "binary"), default="onehot",
                   help="targets for more than two classes (default onehot: one neuron per class)")
    p.add_argument("--seed", type=int, default=None, help="seed for --init random and --shuffle")
    p.add_argument("--plot", metavar="FILE", help="draw the inputs and the boundary after each epoch (2 inputs "
                                                  "only; .png, .svg, .pdf, or .gif: an animation)")
    p.add_argument("--overwrite", action="store_true", help="replace the --plot FILE if it exists")
    add_common(p)
    p.set_defaults(func=run)
    return p


def _read(path: str, target: str):
    """``(X, y, feature_names)`` from a CSV file (glassnet.datasets.read_csv)."""
    from ..datasets import read_csv

    column: str | int = int(target) if target.lstrip("-").isdigit() else target
    return read_csv(path, target=column)


def run(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..perceptron import Perceptron, encode_targets

    if not 0 < args.learning_rate < float("inf"):
        raise ConfigError(f"--learning-rate must be a positive number; got {args.learning_rate:g}")
    if args.example and args.data:
        raise ConfigError("give either DATA.csv or --example, not both")
    if args.shuffle and args.mode == "batch":       # said in options, not in the library's shuffle=True
        raise ConfigError("--shuffle reorders the vectors of --mode online; --mode batch adds up a whole epoch, "
                          "so the order does not matter: leave out --shuffle")
    if args.overwrite and not args.plot:
        raise ConfigError("--overwrite needs --plot FILE (the only file this command writes); leave out --overwrite")
    if args.example:
        from ..datasets import logic_gate

        X, y = logic_gate(args.example)
        names, source = ["p₁", "p₂"], f"the {args.example.upper()} gate"
    elif args.data:
        if args.target is None:
            raise ConfigError("--target COL is needed with DATA.csv: the column holding the labels")
        X, y, names = _read(args.data, args.target)
        source = args.data
    else:
        raise ConfigError("give DATA.csv --target COL, or --example and|or|xor|nand|nor")

    T, classes = encode_targets(y, args.transfer, args.coding)
    if args.plot:                       # refuse a picture that cannot be drawn or written before any work
        from ._plots import check_figure

        if X.shape[1] != 2:
            raise ConfigError(f"--plot draws the inputs in the plane, so it needs 2 inputs; {source} has "
                              f"R = {X.shape[1]} (use a CSV file with two feature columns, or --example)")
        check_figure(args.plot, args.overwrite, "--plot", extra=("gif",))    # .gif: drawn with Pillow below
    net = Perceptron(args.transfer, bias=not args.no_bias, init=args.init, seed=args.seed)
    report = net.train(X, T, epochs=args.epochs, learning_rate=args.learning_rate, mode=args.mode,
                       normalized=args.normalized, shuffle=args.shuffle, pocket=args.pocket, trace=args.trace)
    S, R = net.W.shape
    if not args.quiet:
        print(f"Perceptron on {source}: {len(X)} input vectors, R = {R} inputs, S = {S} neuron{'s' * (S > 1)}, "
              f"{args.transfer}, {args.mode}, η = {args.learning_rate:g}")
    if args.trace:
        print(report.explanation.render(args.format))
    else:
        print(report.message)
    print(f"W = {_matrix(net.W)}")
    if net.bias:
        print(f"b = {_matrix(net.b)}")
    if not args.quiet:
        if S == 1:
            print(f"classes: a = {T.min():g} ↔ {classes[0]}, a = {T.max():g} ↔ {classes[1]}")
        else:
            print("classes (" + args.coding + "): " + ", ".join(
                f"{c} ↔ [{', '.join(f'{v:g}' for v in T[np.flatnonzero(np.asarray(y) == c)[0]])}]"
                for c in classes))
    if args.plot:
        _plot(args.plot, X, T, report, names)
        if not args.quiet:
            print(f"plot written to {args.plot}")
    return 0


def _matrix(a: np.ndarray) -> str:
    from ..explain.record import format_number

    a = np.atleast_2d(a)
    return "[" + "; ".join(", ".join(format_number(float(v), 9) for v in row) for row in a) + "]"


def _plot(path: str, X, T, report, names) -> None:
    """Draw the training (.gif: one frame per epoch) into ``path``, written whole or not at all."""
    import os
    import tempfile

    from ..io import atomic_write
    from ..plot import pyplot
    from ..plot.perceptron import animate_training, plot_training
    from ._plots import file_suffix, save_figure

    if file_suffix(path) == "gif":
        with tempfile.TemporaryDirectory() as folder:
            frames = os.path.join(folder, "training.gif")
            animate_training(X, T, report.history, frames, feature_names=names)
            with open(frames, "rb") as fh:
                atomic_write(path, fh.read())
        return
    fig = plot_training(X, T, report.history, feature_names=names)
    save_figure(fig, path, dpi=100)
    pyplot().close(fig)
