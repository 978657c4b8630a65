"""``glassnet explain``: every step of the math of a small network, with its numbers.

    glassnet explain seed                                  the seed's 2-2-2 example, one round
    glassnet explain conv                                  a 2×2 convolution and max pooling, step by step
    glassnet explain seed --rounds 10000 [--update simultaneous|sequential]
    glassnet explain SPEC.json|SPEC.toml [--view scalar|matrix] [--notation seed|batch]
    ... [--format text|markdown|html] [-o FILE] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import sys

from . import add_common


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "explain",
        help="show every step of a small network's forward pass, error, backpropagation and update",
        description="Explain one round of training of a small network step by step: each formula, the same "
                    "formula with the numbers in, and the result. 'seed' is the classic 2-2-2 worked example; "
                    "a .json or .toml file describes your own network (see docs/explain.md).",
        epilog="examples:\n  glassnet explain seed\n  glassnet explain conv\n"
               "  glassnet explain seed --rounds 10000 --update sequential\n"
               "  glassnet explain examples/seed.json --view matrix --format html -o step.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", metavar="seed|conv|SPEC",
                   help="'seed', 'conv' (a tiny convolution + max pooling), or a network spec file (.json/.toml)")
    p.add_argument("--rounds", type=int, metavar="N",
                   help="train for N rounds and print a summary (error by round, final outputs) instead")
    p.add_argument("--every", type=int, metavar="K", help="with --rounds: a table row every K rounds")
    p.add_argument("--update", choices=("simultaneous", "sequential"),
                   help="update order (default: the spec's, else simultaneous)")
    p.add_argument("--view", choices=("scalar", "matrix"), help="every weight one by one (default) or matrices")
    p.add_argument("--notation", choices=("seed", "batch"),
                   help="matrix view: column vectors with W S×R (seed, default) or batch-first rows")
    p.add_argument("--format", choices=("text", "markdown", "html"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--plot", metavar="FILE", help="also draw the network with its numbers (PNG, SVG or PDF)")
    add_common(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from ..errors import ConfigError
    from ..explain import explain, explain_seed
    from ..explain.seed import output_names, summary_sections, train
    from ..explain.record import Explanation

    if args.rounds is not None and args.rounds < 1:
        raise ConfigError(f"--rounds must be a positive integer; got {args.rounds}")
    if args.every is not None and args.every < 1:
        raise ConfigError(f"--every must be a positive integer; got {args.every}")
    if args.every is not None and args.rounds is None:
        raise ConfigError("--every K sets the rows of the --rounds summary; give --rounds N too")
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
        explanation = explain_conv()
    elif args.target == "seed":
        order = args.update or "simultaneous"
        if args.rounds is not None:
            from ..explain.seed import seed_summary
            explanation = seed_summary(args.rounds, order, args.every)
        else:
            explanation = explain_seed(view=args.view or "scalar", notation=args.notation or "seed", order=order)
    else:
        from ..explain.spec import load_spec
        spec = load_spec(args.target)
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
    text = explanation.render(args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        if not args.quiet:
            print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _plot(args) -> None:
    """Draw the explained network (its first round) with every number on it."""
    from ..errors import ConfigError
    from ..plot import plot_network

    if args.target == "conv":
        raise ConfigError("--plot draws dense networks; 'conv' has no network diagram")
    if args.target == "seed":
        from ..explain.seed import SEED_X, SEED_Y, seed_network
        net, X, y, lr = seed_network(), SEED_X, SEED_Y, 0.5
    else:
        from ..explain.spec import load_spec
        spec = load_spec(args.target)
        net, X, y, lr = spec.network, spec.X, spec.y, spec.learning_rate
    plot_network(net, X, y, learning_rate=lr, path=args.plot)
    if not args.quiet:
        print(f"wrote {args.plot}", file=sys.stderr)
