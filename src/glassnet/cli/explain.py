"""``glassnet explain``: every step of the math of a small network, with its numbers.

    glassnet explain seed                                  the seed's 2-2-2 example, one round
    glassnet explain conv                                  a 2×2 convolution and max pooling, step by step
    glassnet explain seed --rounds 10000 [--update simultaneous|sequential]
    glassnet explain SPEC.json|SPEC.toml [--view scalar|matrix] [--notation seed|batch]
    ... [--format text|markdown|html] [-o FILE [--overwrite]] [--plot FILE.png]

Every combination of options that would be ignored is refused (--overwrite with no file to
replace; a notation with the scalar view, the spec's own "notation" too), and the files are
checked, before any work: an existing -o or --plot file needs --overwrite, -o FILE's suffix
gives the format (.html/.htm, .md, .txt) unless --format says it — a contradiction is refused —
and --plot FILE's suffix is a picture format matplotlib writes by itself (.png, .svg, .pdf, …;
not .pgf, which needs LaTeX).
"""

from __future__ import annotations

import argparse
import os
import sys

from . import add_common

#: the most --rounds (a million rounds of the seed take about half a minute)
MAX_ROUNDS = 1_000_000

#: the format an output file's suffix implies, and the suffix of each format
_SUFFIX_FORMATS = {"html": "html", "htm": "html", "md": "markdown", "markdown": "markdown", "txt": "text"}
_FORMAT_SUFFIX = {"html": ".html", "markdown": ".md", "text": ".txt"}


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "explain",
        help="show every step of a small network's forward pass, error, backpropagation and update",
        description="Explain one round of training of a small network step by step: each formula, the same "
                    "formula with the numbers in, and the result. 'seed' is the classic 2-2-2 worked example; "
                    "a .json or .toml file describes your own network (see docs/explain.md).",
        epilog="examples:\n  glassnet explain seed\n  glassnet explain conv\n"
               "  glassnet explain seed --rounds 10000 --update sequential\n"
               "  glassnet explain examples/seed.json --view matrix -o step.html     (html, from the suffix)\n"
               "  glassnet explain seed --view matrix --notation batch --format markdown",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", metavar="seed|conv|SPEC",
                   help="'seed', 'conv' (a tiny convolution + max pooling), or a network spec file (.json/.toml)")
    p.add_argument("--rounds", type=int, metavar="N",
                   help=f"train for N rounds (at most {MAX_ROUNDS:,}) and print a summary (error by round, "
                        "final outputs) instead")
    p.add_argument("--every", type=int, metavar="K", help="with --rounds: a table row every K rounds")
    p.add_argument("--update", choices=("simultaneous", "sequential"),
                   help="update order (default: the spec's, else simultaneous)")
    p.add_argument("--view", choices=("scalar", "matrix"), help="every weight one by one (default) or matrices")
    p.add_argument("--notation", choices=("seed", "batch"),
                   help="with --view matrix: column vectors with W S×R (seed, default) or batch-first rows")
    p.add_argument("--format", choices=("text", "markdown", "html"),
                   help="text for the terminal (default), markdown (formulas as LaTeX between $$) or html (a "
                        "page with MathML); with -o FILE, taken from FILE's suffix (.html/.htm, .md, .txt) "
                        "unless given")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--plot", metavar="FILE", help="also draw the network with its numbers (PNG, SVG or PDF)")
    p.add_argument("--overwrite", action="store_true", help="replace the -o or --plot FILE if it exists")
    add_common(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from ..errors import ConfigError
    from ..explain import explain, explain_seed
    from ..explain.seed import output_names, summary_sections, train
    from ..explain.record import Explanation

    if args.rounds is not None and not 1 <= args.rounds <= MAX_ROUNDS:
        raise ConfigError(f"--rounds must be a positive integer of at most {MAX_ROUNDS:,}; got {args.rounds:,}")
    if args.every is not None and args.every < 1:
        raise ConfigError(f"--every must be a positive integer; got {args.every}")
    if args.every is not None and args.rounds is None:
        raise ConfigError("--every K sets the rows of the --rounds summary; give --rounds N too")
    if args.overwrite and not (args.output or args.plot):
        raise ConfigError("--overwrite needs -o FILE or --plot FILE (the files it may replace); leave out --overwrite")
    one_round = [f"--{name}" for name in ("view", "notation") if getattr(args, name) is not None]
    if args.rounds is not None and one_round:
        raise ConfigError(f"{' and '.join(one_round)} {'shape' if len(one_round) > 1 else 'shapes'} the one-round explanation; the --rounds summary "
                          f"has no view: leave out {' or '.join(one_round)} or --rounds")
    if args.target == "conv":
        fixed = [f"--{name}" for name in ("rounds", "update", "view", "notation") if getattr(args, name) is not None]
        if fixed:
            raise ConfigError(f"{', '.join(fixed)}: 'conv' explains one fixed convolution step and takes none of "
                              "--rounds, --update, --view, --notation")
        from ..explain import explain_conv
        fmt = _check_files(args)
        explanation = explain_conv()
    elif args.target == "seed":
        _check_notation(args)
        fmt = _check_files(args)
        order = args.update or "simultaneous"
        if args.rounds is not None:
            from ..explain.seed import seed_summary
            explanation = seed_summary(args.rounds, order, args.every)
        else:
            explanation = explain_seed(view=args.view or "scalar", notation=args.notation or "seed", order=order)
    else:
        from ..explain.spec import load_spec
        spec = load_spec(args.target)
        _check_notation(args, spec)
        fmt = _check_files(args)
        order = args.update or spec.update
        if args.rounds is not None:
            run_ = train(spec.network, spec.X, spec.y, spec.learning_rate, args.rounds, order)
            from ..explain.seed import ORDER_NOTE
            explanation = Explanation(spec.title or f"{args.target}: {args.rounds} rounds ({order} order)",
                                      summary_sections(run_, output_names(spec.network), args.every), digits=12)
            explanation.sections[-1].notes.append(ORDER_NOTE)
        else:
            explanation = explain(spec.network, spec.X, spec.y, spec.learning_rate,
                                  view=args.view or spec.view or "scalar",
                                  notation=args.notation or spec.notation or "seed", order=order,
                                  title=spec.title)
    if args.plot:
        _plot(args)
    text = explanation.render(fmt)
    if args.output:
        from ._common import write_text

        write_text(args.output, text, args.overwrite)
        if not args.quiet:
            print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _check_notation(args, spec=None) -> None:
    """A notation writes the matrices of the matrix view: refuse one with the scalar view (it would be ignored),
    given as ``--notation`` or as the spec's own ``"notation"`` (unless ``--view scalar`` overrides the spec's
    ``"view": "matrix"``, whose notation it is)."""
    from ..errors import ConfigError

    view = args.view or (spec.view if spec else None) or "scalar"
    if args.rounds is not None or view == "matrix":
        return
    if args.notation is not None:
        raise ConfigError(f"--notation {args.notation} needs --view matrix (the {view} view writes every weight "
                          "one by one and has no notation)")
    if spec is not None and spec.notation is not None and spec.view != "matrix":
        raise ConfigError(f'{args.target}: "notation": "{spec.notation}" needs the matrix view (the {view} view '
                          'writes every weight one by one and has no notation); add "view": "matrix" to the spec '
                          'or pass --view matrix, or remove "notation"')


def _check_files(args) -> str:
    """Refuse, before any work, an -o or --plot file that cannot or must not be written; the output format."""
    from ..errors import ConfigError
    from ._common import check_output
    from ._plots import check_figure, file_suffix

    fmt = args.format
    if args.output:
        implied = _SUFFIX_FORMATS.get(file_suffix(args.output))
        if fmt and implied and fmt != implied:
            raise ConfigError(f"--format {fmt} does not match -o {args.output} (a {implied} file name); leave out "
                              f"--format, or give a {_FORMAT_SUFFIX[fmt]} file")
        fmt = fmt or implied
        check_output(args.output, args.overwrite)
    if args.plot:
        if args.target == "conv":
            raise ConfigError("--plot draws dense networks; 'conv' has no network diagram")
        if args.output and os.path.abspath(args.plot) == os.path.abspath(args.output):
            raise ConfigError(f"-o and --plot both name {args.plot}; give two files")
        check_figure(args.plot, args.overwrite, "--plot")
    return fmt or "text"


def _plot(args) -> None:
    """Draw the explained network (its first round) with every number on it."""
    from ..plot import plot_network, pyplot
    from ._plots import save_figure

    if args.target == "seed":
        from ..explain.seed import SEED_X, SEED_Y, seed_network
        net, X, y, lr = seed_network(), SEED_X, SEED_Y, 0.5
    else:
        from ..explain.spec import load_spec
        spec = load_spec(args.target)
        net, X, y, lr = spec.network, spec.X, spec.y, spec.learning_rate
    fig = plot_network(net, X, y, learning_rate=lr)
    save_figure(fig, args.plot)
    pyplot().close(fig)
    if not args.quiet:
        print(f"wrote {args.plot}", file=sys.stderr)
