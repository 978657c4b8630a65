"""``glassnet info``: what a model file holds, without loading its weights.

    glassnet info MODEL [--json]
"""

from __future__ import annotations

import argparse
import json

from ._report import table
from . import add_common
from .. import io

EXAMPLES = """examples:
  glassnet info glassnet-digits.safetensors
  glassnet info run.ckpt.safetensors --json"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "info", help="show a model file's architecture, parameter count and training metadata",
        description="Show what a model file (or checkpoint) holds: format and version, the layers with their "
                    "output shapes and parameter counts, and the settings and results of the training run. "
                    "The header is checked as by loading; the weights are not read.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help="a model file or checkpoint (.safetensors)")
    p.add_argument("--json", action="store_true", help="print everything as JSON")
    add_common(p)
    p.set_defaults(func=run)
    return p


def _short(value) -> str:
    if isinstance(value, dict) and {"mean", "std"} <= set(value):
        return f"yes (mean and std of {len(value['mean'])} column(s))"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list) and len(value) > 12:
        return ", ".join(map(str, value[:12])) + f", … ({len(value)} in all)"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} {_short(v)}" for k, v in value.items())
    return str(value)


def run(args) -> int:
    info = io.info(args.model)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(table([["file", info["path"]], ["format", f"glassnet {info['format']} (format version "
                                                        f"{info['format_version']})"],
                 ["written by", f"glassnet {info['glassnet_version']}"],
                 ["parameters", f"{info['n_params']:,}"]], right=False))
    print()
    print(info["summary"])
    training = info.get("training")
    if training:
        print()
        print("training")
        rows = []
        for key in ("task", "classes", "data", "target", "n_features", "feature_names", "n_train", "n_val", "n_test",
                    "standardize", "target_scale", "epochs_run", "train_seconds", "test"):
            if training.get(key) is not None:
                rows.append([f"  {key}", _short(training[key])])
        settings = training.get("settings") or {}
        rows += [[f"  {k}", _short(v)] for k, v in settings.items() if v not in (None, [], False)]
        shown = {r[0].strip() for r in rows} | {"settings", "history", "tool"}
        rows += [[f"  {k}", _short(v)] for k, v in training.items() if k not in shown and v is not None]
        print(table(rows, right=False))
    return 0
