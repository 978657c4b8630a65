"""Speed of glassnet against PyTorch and scikit-learn on the same data and settings (issue 6).

Run by hand (a timing is never a test in CI; CI runs ``--quick`` once to check the script works)::

    python bench/bench_speed.py [--repeats 5] [--threads 2] [--out bench/results.json] [--quick]

What is measured, each as a ratio taken side by side in this one process, libraries
interleaved repeat by repeat with a pause between them (NumPy's OpenBLAS threads spin for
a while after their last call and would stall the next library's first calls):

1. MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128, float32,
   2 epochs over 60,000 synthetic MNIST-shaped samples (pixels in [0, 1], labels from a
   fixed-seed random "teacher" network): glassnet vs PyTorch eager and scikit-learn's
   MLPClassifier (float32 and float64 inputs); glassnet as a fraction of the GEMM-only
   ceiling (the 8 matrix products of one step, timed alone with NumPy).
2. CNN 28×28×1 → Conv2D 3×3×8 (valid) → ReLU → MaxPool 2 → Flatten → Dense 10, batch 128,
   Adam, float32: glassnet vs PyTorch.
3. One-sample predict latency of the seed's 2-2-2 sigmoid network (same weights everywhere,
   outputs checked equal): glassnet's ``predict`` vs a bare NumPy expression, PyTorch
   ``no_grad`` and scikit-learn's ``predict_proba``.
4. Peak RSS of a separate process training glassnet on the 60,000 × 784 float32 data.
5. Start-up: ``import glassnet`` and ``glassnet --help`` in fresh interpreters.

Every figure is the median over repeats with its min–max; ratios are computed per repeat.
Test accuracy and last-epoch loss are reported for every library.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGETS = {"mlp_vs_torch": 1.4, "mlp_vs_sklearn_float32": 1.6, "gemm_fraction": 0.65, "cnn_vs_torch": 1.2,
           "latency_vs_numpy_max": 2.5, "latency_vs_torch": 1.0, "latency_vs_sklearn": 4.0,
           "rss_over_data_mb": 150.0, "startup_s": 0.3}


# ---------------------------------------------------------------- data


def make_data(n_train: int, n_test: int, seed: int = 0, images: bool = False):
    """MNIST-shaped samples (784 pixels in [0, 1], float32) labelled by a random teacher network.

    The teacher is a fixed-seed 784-64-10 tanh network; a sample's label is the argmax of its
    output, so the task is learnable but not trivial.
    """
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((784, 64)).astype(np.float32) / np.float32(np.sqrt(784 / 12))
    B = rng.standard_normal((64, 10)).astype(np.float32)
    X = np.empty((n_train + n_test, 784), dtype=np.float32)
    y = np.empty(n_train + n_test, dtype=np.int64)
    for lo in range(0, X.shape[0], 10_000):            # in slices: no large temporaries
        hi = min(lo + 10_000, X.shape[0])
        X[lo:hi] = rng.random((hi - lo, 784), dtype=np.float32)
        y[lo:hi] = (np.tanh((X[lo:hi] - 0.5) @ A) @ B).argmax(axis=1)
    if images:
        X = X.reshape(-1, 1, 28, 28)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


# ---------------------------------------------------------------- helpers


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def thread_report() -> list[dict]:
    """The thread pools loaded in this process and the threads each uses (threadpoolctl)."""
    from threadpoolctl import threadpool_info
    return [{"library": p.get("internal_api"), "prefix": p.get("prefix"), "version": p.get("version"),
             "num_threads": p.get("num_threads"), "filepath": p.get("filepath")} for p in threadpool_info()]


def pause(seconds: float) -> None:
    time.sleep(seconds)


def per_call_seconds(fn, calls: int, repeats: int = 5) -> float:
    """The best of ``repeats`` mean times of ``calls`` calls (for microsecond latencies)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


# ---------------------------------------------------------------- 1. the MLP


def mlp_glassnet(X, y, Xt, yt, epochs, batch, seed):
    from glassnet import Dense, Network
    net = Network([Dense(256, "relu"), Dense(128, "relu"), Dense(10, "softmax")],
                  loss="categorical_crossentropy", input_shape=784, dtype="float32", seed=seed)
    t0 = time.perf_counter()
    history = net.fit(X, y, epochs=epochs, batch_size=batch, optimizer="adam", learning_rate=1e-3, verbose=0)
    seconds = time.perf_counter() - t0
    accuracy = float(np.mean(net.predict(Xt).argmax(axis=1) == yt))
    return seconds, history.history["loss"][-1], accuracy


def mlp_torch(X, y, Xt, yt, epochs, batch, seed):
    import torch
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xtr, ytr = torch.from_numpy(X), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    n = X.shape[0]
    t0 = time.perf_counter()
    for _ in range(epochs):
        order, total = torch.randperm(n, generator=gen), 0.0
        for lo in range(0, n, batch):
            idx = order[lo:lo + batch]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(Xt)).argmax(1).numpy() == yt).mean())
    return seconds, total / n, accuracy


def mlp_sklearn(X, y, Xt, yt, epochs, batch, seed, dtype):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    clf = MLPClassifier(hidden_layer_sizes=(256, 128), activation="relu", solver="adam", alpha=0.0,
                        batch_size=batch, learning_rate_init=1e-3, max_iter=epochs, shuffle=True,
                        random_state=seed, tol=0.0, n_iter_no_change=epochs + 1)
    Xd = X.astype(dtype, copy=False)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xd, y)
    seconds = time.perf_counter() - t0
    accuracy = float(np.mean(clf.predict(Xt.astype(dtype, copy=False)) == yt))
    return seconds, float(clf.loss_curve_[-1]), accuracy


def gemm_step_seconds(batch: int, calls: int) -> float:
    """The 8 matrix products of one training step of the MLP, alone (NumPy, float32, preallocated)."""
    rng = np.random.default_rng(0)
    f = np.float32
    X = rng.random((batch, 784), dtype=f)
    W = [rng.standard_normal(s, dtype=f) * f(0.05) for s in [(256, 784), (128, 256), (10, 128)]]
    A = [np.empty((batch, k), f) for k in (256, 128, 10)]
    D = [rng.standard_normal((batch, k), dtype=f) * f(0.01) for k in (256, 128, 10)]
    G = [np.empty_like(w) for w in W]

    def step():
        np.matmul(X, W[0].T, out=A[0])       # forward: 3 products
        np.matmul(A[0], W[1].T, out=A[1])
        np.matmul(A[1], W[2].T, out=A[2])
        np.matmul(D[2].T, A[1], out=G[2])    # backward: 3 weight gradients, 2 input gradients
        np.matmul(D[2], W[2], out=D[1])
        np.matmul(D[1].T, A[0], out=G[1])
        np.matmul(D[1], W[1], out=D[0])
        np.matmul(D[0].T, X, out=G[0])
    return per_call_seconds(step, calls)


def bench_mlp(args, data, results) -> None:
    X, y, Xt, yt = data
    n = X.shape[0] * args.epochs
    runs = {
        "glassnet": lambda r: mlp_glassnet(X, y, Xt, yt, args.epochs, args.batch, r),
        "torch": lambda r: mlp_torch(X, y, Xt, yt, args.epochs, args.batch, r),
        "sklearn_float32": lambda r: mlp_sklearn(X, y, Xt, yt, args.epochs, args.batch, r, np.float32),
        "sklearn_float64": lambda r: mlp_sklearn(X, y, Xt, yt, args.epochs, args.batch, r, np.float64),
    }
    rates = {k: [] for k in list(runs) + ["gemm_ceiling"]}
    quality = {k: {"loss": [], "accuracy": []} for k in runs}
    threads = {}
    for r in range(args.repeats):
        for name, run in runs.items():
            pause(args.pause)
            seconds, loss, acc = run(r)
            rates[name].append(n / seconds)
            quality[name]["loss"].append(loss)
            quality[name]["accuracy"].append(acc)
            threads.setdefault(name, thread_report() if name != "torch" else _torch_threads())
        pause(args.pause)
        rates["gemm_ceiling"].append(args.batch / gemm_step_seconds(args.batch, args.gemm_calls))
    g = rates["glassnet"]
    results["mlp"] = {
        "samples_per_s": {k: summary(v) for k, v in rates.items()},
        "quality": {k: {m: summary(v) for m, v in q.items()} for k, q in quality.items()},
        "ratios": {"glassnet_vs_torch": summary([a / b for a, b in zip(g, rates["torch"])]),
                   "glassnet_vs_sklearn_float32": summary([a / b for a, b in zip(g, rates["sklearn_float32"])]),
                   "glassnet_vs_sklearn_float64": summary([a / b for a, b in zip(g, rates["sklearn_float64"])]),
                   "glassnet_fraction_of_gemm_ceiling": summary([a / b for a, b in zip(g, rates["gemm_ceiling"])])},
        "threads_used": threads,
    }


def _torch_threads() -> dict:
    import torch
    return {"torch.get_num_threads": torch.get_num_threads(), "pools": thread_report()}


# ---------------------------------------------------------------- 2. the CNN


def cnn_models(seed: int):
    import torch
    from glassnet import Conv2D, Dense, Flatten, MaxPool2D, Network
    net = Network([Conv2D(8, 3, activation="relu"), MaxPool2D(2), Flatten(), Dense(10, "softmax")],
                  loss="categorical_crossentropy", input_shape=(1, 28, 28), dtype="float32", seed=seed)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(8 * 13 * 13, 10))
    with torch.no_grad():                   # the same initial weights in both
        model[0].weight.copy_(torch.from_numpy(net.params["W1"]))
        model[0].bias.copy_(torch.from_numpy(net.params["b1"]))
        model[4].weight.copy_(torch.from_numpy(net.params["W2"]))
        model[4].bias.copy_(torch.from_numpy(net.params["b2"]))
    return net, model


def bench_cnn(args, data, results) -> None:
    import torch
    X, y, Xt, yt = data
    n = X.shape[0]
    rates = {"glassnet": [], "torch": []}
    quality = {k: {"loss": [], "accuracy": []} for k in rates}
    for r in range(args.repeats):
        net, model = cnn_models(r)
        pause(args.pause)
        t0 = time.perf_counter()
        history = net.fit(X, y, epochs=1, batch_size=args.batch, optimizer="adam", learning_rate=1e-3, verbose=0)
        rates["glassnet"].append(n / (time.perf_counter() - t0))
        quality["glassnet"]["loss"].append(history.history["loss"][-1])
        quality["glassnet"]["accuracy"].append(float(np.mean(net.predict(Xt).argmax(1) == yt)))
        pause(args.pause)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        Xtr, ytr = torch.from_numpy(X), torch.from_numpy(y)
        gen = torch.Generator().manual_seed(r)
        t0 = time.perf_counter()
        order, total = torch.randperm(n, generator=gen), 0.0
        for lo in range(0, n, args.batch):
            idx = order[lo:lo + args.batch]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        rates["torch"].append(n / (time.perf_counter() - t0))
        quality["torch"]["loss"].append(total / n)
        with torch.no_grad():
            quality["torch"]["accuracy"].append(float((model(torch.from_numpy(Xt)).argmax(1).numpy() == yt).mean()))
    results["cnn"] = {
        "samples": n,
        "samples_per_s": {k: summary(v) for k, v in rates.items()},
        "quality": {k: {m: summary(v) for m, v in q.items()} for k, q in quality.items()},
        "ratios": {"glassnet_vs_torch": summary([a / b for a, b in zip(rates["glassnet"], rates["torch"])])},
    }


# ---------------------------------------------------------------- 3. one-sample latency


SEED_W1, SEED_b1 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35])
SEED_W2, SEED_b2 = np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60])
SEED_x = np.array([[0.05, 0.10]])


def bench_latency(args, results) -> None:
    import torch
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from glassnet import Dense, Network
    net = Network([Dense(2, "sigmoid", W=SEED_W1, b=SEED_b1), Dense(2, "sigmoid", W=SEED_W2, b=SEED_b2)],
                  loss="total_error", input_shape=2)
    W1T, W2T = SEED_W1.T.copy(), SEED_W2.T.copy()

    def bare(x):
        h = 1.0 / (1.0 + np.exp(-(x @ W1T + SEED_b1)))
        return 1.0 / (1.0 + np.exp(-(h @ W2T + SEED_b2)))

    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 2),
                                torch.nn.Sigmoid()).double()
    with torch.no_grad():
        for layer, W, b in ((model[0], SEED_W1, SEED_b1), (model[2], SEED_W2, SEED_b2)):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
    xt = torch.from_numpy(SEED_x)

    def torch_predict(x):
        with torch.no_grad():
            return model(x)

    clf = MLPClassifier(hidden_layer_sizes=(2,), activation="logistic", max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0, 1], [1, 0]]))  # two sigmoid outputs
    clf.coefs_, clf.intercepts_ = [W1T, W2T], [SEED_b1.copy(), SEED_b2.copy()]

    outputs = {"glassnet": net.predict(SEED_x), "numpy": bare(SEED_x), "torch": torch_predict(xt).numpy(),
               "sklearn": clf.predict_proba(SEED_x)}
    for name, out in outputs.items():
        if not np.allclose(out, outputs["numpy"], rtol=1e-12, atol=0):
            raise SystemExit(f"{name} predicts {out} for the seed input; bare NumPy gives {outputs['numpy']}")
    calls = {"glassnet": lambda: net.predict(SEED_x), "numpy": lambda: bare(SEED_x),
             "torch": lambda: torch_predict(xt), "sklearn": lambda: clf.predict_proba(SEED_x)}
    times = {k: [] for k in calls}
    for _ in range(args.repeats):
        for name, fn in calls.items():
            pause(args.pause / 5)
            times[name].append(per_call_seconds(fn, args.latency_calls))
    g = times["glassnet"]
    results["latency"] = {
        "output": outputs["glassnet"].tolist(),
        "seconds_per_call": {k: summary(v) for k, v in times.items()},
        "ratios": {"glassnet_over_numpy": summary([a / b for a, b in zip(g, times["numpy"])]),
                   "torch_over_glassnet": summary([b / a for a, b in zip(g, times["torch"])]),
                   "sklearn_over_glassnet": summary([b / a for a, b in zip(g, times["sklearn"])])},
    }


# ---------------------------------------------------------------- 4. memory


RSS_SCRIPT = r"""
import json, resource, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from glassnet import Dense, Network


def peak_kb():
    # VmHWM: this process's peak resident set. (ru_maxrss can carry the parent's peak across exec.)
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


before = peak_kb()
data = np.load(sys.argv[2])
X, y = data["X"], data["y"]
loaded = peak_kb()
net = Network([Dense(256, "relu"), Dense(128, "relu"), Dense(10, "softmax")],
              loss="categorical_crossentropy", input_shape=784, dtype="float32", seed=0)
net.fit(X, y, epochs=int(sys.argv[3]), batch_size=128, verbose=0)
print(json.dumps({"rss_before_data_kb": before, "rss_after_load_kb": loaded, "peak_rss_kb": peak_kb(),
                  "data_bytes": int(X.nbytes + y.nbytes)}))
"""


def bench_memory(args, data, results) -> None:
    X, y = data[0], data[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        np.savez(path, X=X, y=y)
        out = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(ROOT / "src"), str(path), str(args.epochs)],
                             capture_output=True, text=True, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    mb = 1024.0  # kB
    m["peak_rss_mb"] = m["peak_rss_kb"] / mb
    m["data_mb"] = m["data_bytes"] / 2**20
    m["peak_over_data_mb"] = m["peak_rss_mb"] - m["data_mb"]
    m["peak_over_loaded_mb"] = (m["peak_rss_kb"] - m["rss_after_load_kb"]) / mb
    results["memory"] = m


# ---------------------------------------------------------------- 5. start-up


def bench_startup(args, results) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "import glassnet": [sys.executable, "-c", "import glassnet"],
                "glassnet --help": [sys.executable, "-m", "glassnet", "--help"]}
    times = {k: [] for k in commands}
    for _ in range(max(args.repeats, 3)):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            times[name].append(time.perf_counter() - t0)
    heavy = subprocess.run([sys.executable, "-c", "import sys, glassnet; print(' '.join(m for m in "
                            "('torch', 'sklearn', 'matplotlib', 'rich', 'scipy') if m in sys.modules))"],
                           env=env, check=True, capture_output=True, text=True).stdout.split()
    results["startup"] = {"seconds": {k: summary(v) for k, v in times.items()},
                          "heavy_modules_imported_by_import_glassnet": heavy}


# ---------------------------------------------------------------- report


def machine() -> dict:
    import sklearn
    import torch
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "sklearn": sklearn.__version__, "platform": platform.platform(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
            "load_average_at_start": os.getloadavg()}


def fmt(s: dict, scale: float = 1.0, digits: int = 2, unit: str = "") -> str:
    return f"{s['median'] * scale:.{digits}f}{unit} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"


def report(results: dict) -> str:
    lines = []
    m = results["machine"]
    lines.append(f"glassnet speed benchmark — {m['cpu']}, {m['cores']} cores, {results['settings']['threads']} threads, "
                 f"OPENBLAS_CORETYPE={m['OPENBLAS_CORETYPE']}, numpy {m['numpy']}, torch {m['torch']}, "
                 f"sklearn {m['sklearn']}; medians over {results['settings']['repeats']} repeats (min–max)")
    lines.append(f"load average (1, 5, 15 min) at start {tuple(round(x, 2) for x in m['load_average_at_start'])}, "
                 f"at end {tuple(round(x, 2) for x in m['load_average_at_end'])}: other work on the machine "
                 "skews every figure")
    rows = []
    if "mlp" in results:
        mlp = results["mlp"]
        lines.append("")
        lines.append(f"MLP 784-256-128-10, Adam, batch {results['settings']['batch']}, float32, "
                     f"{results['settings']['samples']} samples × {results['settings']['epochs']} epochs")
        lines.append(f"  {'':18s} {'samples/s':>26s} {'last-epoch loss':>16s} {'test accuracy':>14s}")
        for k, s in mlp["samples_per_s"].items():
            q = mlp["quality"].get(k)
            extra = f" {q['loss']['median']:16.4f} {q['accuracy']['median']:14.4f}" if q else "   (8 GEMMs of a step)"
            lines.append(f"  {k:18s} {fmt(s, 1e-3, 1, 'k'):>26s}{extra}")
        r = mlp["ratios"]
        rows += [("MLP glassnet / torch", r["glassnet_vs_torch"], f">= {TARGETS['mlp_vs_torch']}",
                  r["glassnet_vs_torch"]["median"] >= TARGETS["mlp_vs_torch"]),
                 ("MLP glassnet / sklearn float32", r["glassnet_vs_sklearn_float32"],
                  f">= {TARGETS['mlp_vs_sklearn_float32']}",
                  r["glassnet_vs_sklearn_float32"]["median"] >= TARGETS["mlp_vs_sklearn_float32"]),
                 ("MLP glassnet / sklearn float64", r["glassnet_vs_sklearn_float64"], "(reported)", None),
                 ("MLP glassnet / GEMM ceiling", r["glassnet_fraction_of_gemm_ceiling"],
                  f">= {TARGETS['gemm_fraction']}",
                  r["glassnet_fraction_of_gemm_ceiling"]["median"] >= TARGETS["gemm_fraction"])]
    if "cnn" in results:
        c = results["cnn"]
        lines.append("")
        lines.append(f"CNN conv 3×3×8 → relu → maxpool 2 → dense 10, batch {results['settings']['batch']}, "
                     f"{c['samples']} samples × 1 epoch")
        for k, s in c["samples_per_s"].items():
            q = c["quality"][k]
            lines.append(f"  {k:18s} {fmt(s, 1e-3, 1, 'k'):>26s} {q['loss']['median']:16.4f} "
                         f"{q['accuracy']['median']:14.4f}")
        rows.append(("CNN glassnet / torch", c["ratios"]["glassnet_vs_torch"], f">= {TARGETS['cnn_vs_torch']}",
                     c["ratios"]["glassnet_vs_torch"]["median"] >= TARGETS["cnn_vs_torch"]))
    if "latency" in results:
        lat = results["latency"]
        lines.append("")
        lines.append("One-sample predict, seed 2-2-2 sigmoid network (µs per call)")
        for k, s in lat["seconds_per_call"].items():
            lines.append(f"  {k:18s} {fmt(s, 1e6, 2, ' µs'):>26s}")
        r = lat["ratios"]
        rows += [("latency glassnet / bare NumPy", r["glassnet_over_numpy"], f"<= {TARGETS['latency_vs_numpy_max']}",
                  r["glassnet_over_numpy"]["median"] <= TARGETS["latency_vs_numpy_max"]),
                 ("latency torch / glassnet", r["torch_over_glassnet"], f"> {TARGETS['latency_vs_torch']}",
                  r["torch_over_glassnet"]["median"] > TARGETS["latency_vs_torch"]),
                 ("latency sklearn / glassnet", r["sklearn_over_glassnet"], f">= {TARGETS['latency_vs_sklearn']}",
                  r["sklearn_over_glassnet"]["median"] >= TARGETS["latency_vs_sklearn"])]
    lines.append("")
    lines.append(f"  {'ratio':32s} {'median (min–max)':>22s} {'target':>9s}  met")
    for name, s, target, met in rows:
        lines.append(f"  {name:32s} {fmt(s):>22s} {target:>9s}  {'-' if met is None else ('yes' if met else 'NO')}")
    if "memory" in results:
        mem = results["memory"]
        ok = mem["peak_over_data_mb"] <= TARGETS["rss_over_data_mb"]
        lines.append(f"  peak RSS training on {mem['data_mb']:.0f} MB of data: {mem['peak_rss_mb']:.0f} MB "
                     f"(data + {mem['peak_over_data_mb']:.0f} MB; target data + 150 MB: {'yes' if ok else 'NO'})")
    if "startup" in results:
        st = results["startup"]["seconds"]
        for k in ("import glassnet", "glassnet --help"):
            ok = st[k]["median"] < TARGETS["startup_s"]
            lines.append(f"  {k:32s} {fmt(st[k], 1, 3, ' s'):>22s} {'< 0.3 s':>9s}  {'yes' if ok else 'NO'}")
        lines.append(f"  (a bare `python -c pass` takes {fmt(st['python -c pass'], 1, 3, ' s')}; heavy modules "
                     f"loaded by import glassnet: {results['startup']['heavy_modules_imported_by_import_glassnet'] or 'none'})")
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="glassnet vs PyTorch vs scikit-learn: speed, memory, start-up")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: checks the script works")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--test-samples", type=int, default=10_000)
    parser.add_argument("--cnn-samples", type=int, default=12_800)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between libraries")
    parser.add_argument("--only", nargs="*", choices=["mlp", "cnn", "latency", "memory", "startup"],
                        help="run only these sections")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"), help="the JSON results file")
    args = parser.parse_args(argv)
    args.gemm_calls, args.latency_calls = 200, 2000
    if args.quick:
        args.repeats, args.samples, args.test_samples, args.cnn_samples = 1, 1024, 256, 256
        args.epochs, args.pause, args.gemm_calls, args.latency_calls = 1, 0.05, 5, 20

    import sklearn.neural_network  # noqa: F401  (loaded before the thread limits are set)
    import torch
    from threadpoolctl import threadpool_limits
    torch.set_num_threads(args.threads)
    limiter = threadpool_limits(limits=args.threads)    # every BLAS/OpenMP pool loaded so far

    sections = args.only or ["mlp", "cnn", "latency", "memory", "startup"]
    results = {"machine": machine(), "settings": {k: v for k, v in vars(args).items() if k != "out"},
               "targets": TARGETS, "threads_set": args.threads}
    if "mlp" in sections or "memory" in sections:
        data = make_data(args.samples, args.test_samples, seed=0)
    if "mlp" in sections:
        bench_mlp(args, data, results)
    if "cnn" in sections:
        cnn = make_data(args.cnn_samples, args.test_samples, seed=1, images=True)
        bench_cnn(args, cnn, results)
    if "latency" in sections:
        bench_latency(args, results)
    if "memory" in sections:
        bench_memory(args, data, results)
    if "startup" in sections:
        bench_startup(args, results)
    results["threads_at_end"] = thread_report()
    results["machine"]["load_average_at_end"] = os.getloadavg()
    limiter.restore_original_limits()
    print(report(results))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1, default=float))
    print(f"\nresults written to {args.out}")
    return results


if __name__ == "__main__":
    main()
