"""The ``glassnet`` command line.

Each subcommand lives in its own module here and offers ``add_parser(subparsers)``;
the parser it adds carries ``func=run``. Every failure is one line on stderr:

* a usage error (unknown option, ``--epochs abc``): ``glassnet train: error: … (see
  'glassnet train --help')``, exit 2;
* an error glassnet raises on purpose, or an OS error: ``glassnet: error: …``, exit 1;
* anything else is a bug: ``glassnet: internal error: TypeError: … (rerun with --debug
  for the traceback)``, exit 1.

``--debug`` shows the traceback instead (usage errors aside).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

_SUBCOMMANDS = ["train", "predict", "evaluate", "info", "explain", "perceptron"]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, pointing at ``--help`` (the top parser and every
    subcommand's)."""

    def error(self, message: str):
        """Print ``glassnet CMD: error: MESSAGE (see 'glassnet CMD --help')`` to stderr and exit with status 2."""
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> Parser:
    from .. import __version__

    parser = Parser(
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
    args, extra = parser.parse_known_args(argv)
    if extra:          # said by the subcommand's parser, so the message names the command and its --help
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
        commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
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
    except Exception as exc:  # noqa: BLE001 — a bug: one line, not a traceback, unless --debug
        if debug:
            raise
        msg = " ".join(str(exc).split()) or "(no message)"
        print(f"glassnet: internal error: {type(exc).__name__}: {msg} (rerun with --debug for the traceback)",
              file=sys.stderr)
        return 1


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand takes."""
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
