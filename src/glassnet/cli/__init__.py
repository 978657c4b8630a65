"""The ``glassnet`` command line.

Each subcommand lives in its own module here and offers ``add_parser(subparsers)``;
the parser it adds carries ``func=run``. Errors that glassnet raises on purpose are
printed as one line (``glassnet: error: …``) with a non-zero exit; ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

_SUBCOMMANDS = ["train", "predict", "evaluate", "info", "explain", "perceptron"]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="Neural networks you can see through: train on NumPy, and see every step of the math.",
        epilog="examples:\n  glassnet train                 train an MLP on the bundled digits\n"
               "  glassnet explain seed          the worked 2-2-2 example, step by step\n"
               "  glassnet perceptron --example and\n\n"
               "Run 'glassnet COMMAND --help' for each command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _SUBCOMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``glassnet`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    debug = args.debug or "--debug" in argv
    from ..errors import GlassnetError

    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        if debug:
            raise
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`glassnet … | head`): stop quietly, as Unix tools do
        if debug:
            raise
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (GlassnetError, OSError) as exc:
        if debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in msg:
            msg = f"{exc.filename}: {msg}"
        print(f"glassnet: error: {msg}", file=sys.stderr)
        return 1


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand takes."""
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
