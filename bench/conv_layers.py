"""Time one training step (forward + backward) of a small CNN: glassnet vs PyTorch eager.

The network of issue 6: 28×28×1 input, Conv2D 3×3 ×8 (valid) → ReLU → MaxPool 2 → Flatten →
Dense 10 softmax with categorical cross-entropy, batch 128, float32, 2 threads. Both libraries
run in this one process, alternating repeat by repeat with a pause between them (OpenBLAS's
spinning threads would otherwise stall PyTorch's first calls); each figure is the median over
repeats of the mean time of ``--steps`` steps.

Run by hand (never in CI as a timed test)::

    python bench/conv_layers.py [--repeats 7] [--steps 20] [--batch 128] [--keep-heap]

``--keep-heap`` asks glibc (``mallopt``) to keep freed memory instead of handing it back to the
system after every step: by default each step of this network takes ~340 fresh pages (page
faults, ~0.6 ms); the setting is process-wide, so it applies to both libraries alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as TF  # noqa: E402

from glassnet import Network  # noqa: E402
from glassnet.layers.conv import Conv2D  # noqa: E402
from glassnet.layers.dense import Dense  # noqa: E402
from glassnet.layers.pooling import MaxPool2D  # noqa: E402
from glassnet.layers.reshape import Flatten  # noqa: E402


def build(seed: int = 0):
    """The same CNN in both libraries, with glassnet's initial weights copied into PyTorch's."""
    net = Network([Conv2D(8, 3, activation="relu"), MaxPool2D(2), Flatten(), Dense(10, "softmax")],
                  loss="categorical_crossentropy", input_shape=(1, 28, 28), dtype="float32", seed=seed)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(8 * 13 * 13, 10))
    with torch.no_grad():
        for (name, p), t in zip(sorted(net.params.items()), [model[0].weight, model[4].weight,
                                                            model[0].bias, model[4].bias]):
            t.copy_(torch.from_numpy(p))  # sorted names: W1, W2, b1, b2
    return net, model


def time_steps(step, steps: int) -> float:
    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t0) / steps


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--pause", type=float, default=0.5)
    parser.add_argument("--keep-heap", action="store_true", help="glibc mallopt: no heap trimming")
    args = parser.parse_args(argv)
    if args.keep_heap:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 30)   # M_TRIM_THRESHOLD: keep up to 1 GiB of freed memory
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: arrays up to 32 MiB come from the heap
    torch.set_num_threads(2)

    rng = np.random.default_rng(0)
    X = rng.random((args.batch, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, size=args.batch)
    Y = np.eye(10, dtype=np.float32)[labels]
    net, model = build()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)

    # the gradients agree before anything is timed
    net.forward(X, training=True)
    grads = net.backward(Y)
    model.zero_grad()
    TF.cross_entropy(model(Xt), yt).backward()
    err = np.abs(grads["W1"] - model[0].weight.grad.numpy()).max() / np.abs(grads["W1"]).max()
    if err > 1e-3:
        raise SystemExit(f"gradients of W1 disagree (relative {err:.1e}); not timing")

    def glassnet_step(input_grad: bool):
        def step():
            # The first layer's ∂E/∂x is ∂E/∂data, which nothing uses; PyTorch never computes it.
            net.layers[0].needs_input_grad = input_grad
            net.forward(X, training=True)
            net.backward(Y)
        return step

    def torch_step():
        model.zero_grad(set_to_none=True)
        TF.cross_entropy(model(Xt), yt).backward()

    runs = {"glassnet (first-layer dx skipped)": glassnet_step(False),
            "glassnet (first-layer dx computed)": glassnet_step(True),
            "torch eager": torch_step}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, step in runs.items():
            time.sleep(args.pause)
            times[name].append(time_steps(step, args.steps))

    ref = statistics.median(times["torch eager"])
    ref_min = min(times["torch eager"])
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{p['internal_api']} {p['num_threads']} threads ({p.get('architecture')})"
                         for p in threadpool_info() if p["user_api"] == "blas" and "torch" not in p["filepath"])
    except ImportError:
        blas = f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    print(f"CNN 1×28×28 → conv 3×3×8 → relu → maxpool 2 → dense 10, batch {args.batch}, float32, "
          f"median of {args.repeats} repeats × {args.steps} steps" + (", heap kept (mallopt)" if args.keep_heap else ""))
    print(f"NumPy BLAS: {blas}; torch threads: {torch.get_num_threads()}; "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"{'':34s} {'ms/step':>8s} {'samples/s':>10s} {'vs torch':>9s}   (min–max ms over repeats)")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:34s} {med * 1e3:8.3f} {args.batch / med:10.0f} {ref / med:8.2f}×   "
              f"({min(ts) * 1e3:.3f}–{max(ts) * 1e3:.3f}; best vs best {ref_min / min(ts):.2f}×)")


if __name__ == "__main__":
    main()
