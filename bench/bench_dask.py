"""Steps per second of data-parallel full-batch training on a Dask LocalCluster, and its traffic.

For each problem size: one process doing full-batch steps (``network.gradients`` on all
the data + the optimizer step, with one BLAS thread, as each Dask worker gets), then
``glassnet.distributed.DataParallel`` on a ``LocalCluster`` of 1 and 2 single-threaded
worker processes on loopback (one partition per worker). Each figure is the median
over ``--repeats`` runs of ``--steps`` steps after two warm-up steps; the bytes per step
are the weights sent (× workers) and the partitions' gradients returned. Every
distributed run is checked against the single-process weights (max |Δθ|).

Run by hand (never in CI)::

    python bench/bench_dask.py [--workers 1 2] [--steps 20] [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from glassnet import Dense, Network
from glassnet.distributed import DataParallel, connect
from glassnet.optimizers import Adam

# (name, samples, features, hidden layer sizes, classes)
PROBLEMS = [
    ("small: 2,000 × 20, MLP 20-32-10", 2_000, 20, (32,), 10),
    ("medium: 50,000 × 64, MLP 64-256-128-10", 50_000, 64, (256, 128), 10),
    ("large: 200,000 × 64, MLP 64-256-128-10", 200_000, 64, (256, 128), 10),
]


def make(features: int, hidden: tuple, classes: int) -> Network:
    layers = [Dense(h, "relu") for h in hidden] + [Dense(classes, "softmax")]
    return Network(layers, loss="categorical_crossentropy", input_shape=features, seed=0)


def data(samples: int, features: int, classes: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, features))
    labels = (X[:, :classes] + 0.5 * rng.normal(size=(samples, classes))).argmax(axis=1)
    return X, np.eye(classes)[labels]               # one-hot targets


def single_process(net: Network, X, y, steps: int) -> float:
    """Seconds per full-batch step in this process, one BLAS thread."""
    opt = Adam(lr=1e-3)
    with threadpool_limits(1):
        for _ in range(2):
            net.gradients(X, y)
            opt.step(net.flat_params, net.flat_grads)
        start = time.perf_counter()
        for _ in range(steps):
            net.gradients(X, y)
            opt.step(net.flat_params, net.flat_grads)
        return (time.perf_counter() - start) / steps


def distributed(client, net: Network, X, y, steps: int) -> tuple[float, int, int]:
    """Seconds per step on the cluster, bytes sent and bytes received per step."""
    opt = Adam(lr=1e-3)
    with DataParallel(net, X, y, client=client) as dp:
        dp.fit(2, opt)
        start = time.perf_counter()
        history = dp.fit(steps, opt)
        seconds = (time.perf_counter() - start) / steps
    return seconds, history.history["bytes_sent"][-1], history.history["bytes_received"][-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--problems", type=int, nargs="+", default=list(range(len(PROBLEMS))),
                        help="indices into the problem list (0 small, 1 medium, 2 large)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; numpy {np.__version__}")
    results = []
    for index in args.problems:
        name, samples, features, hidden, classes = PROBLEMS[index]
        X, y = data(samples, features, classes)
        ref = make(features, hidden, classes)
        base = statistics.median(single_process(make(features, hidden, classes), X, y, args.steps)
                                 for _ in range(args.repeats))
        single_process(ref, X, y, args.steps)       # the weights after 2 + steps steps, for the check below
        row = {"problem": name, "parameters": ref.n_params, "single_process_steps_per_s": 1 / base}
        print(f"\n{name} ({ref.n_params:,} parameters, weights {ref.n_params * 8:,} bytes)")
        print(f"  1 process           {1 / base:8.1f} steps/s")
        for workers in args.workers:
            with connect(f"local:{workers}") as client:
                runs, diffs = [], []
                for _ in range(args.repeats):
                    net = make(features, hidden, classes)
                    runs.append(distributed(client, net, X, y, args.steps))
                    diffs.append(float(np.abs(net._flat - ref._flat).max()))
            seconds = statistics.median(r[0] for r in runs)
            sent, received = runs[-1][1], runs[-1][2]
            row[f"{workers}_workers"] = {"steps_per_s": 1 / seconds, "bytes_sent": sent, "bytes_received": received,
                                         "max_abs_diff_vs_single_process": max(diffs)}
            print(f"  {workers} worker(s) on Dask {1 / seconds:8.1f} steps/s   sent {sent:,} B   "
                  f"received {received:,} B per step   max|Δθ| vs 1 process {max(diffs):.1e}")
        results.append(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
