"""The speed benchmark still runs (on tiny sizes; timings are never asserted), and the paths
that make glassnet fast compute the same numbers as PyTorch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from glassnet import optimizers
from glassnet.optimizers import Adam

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_runs_and_writes_its_results(tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_speed.py"), "--quick", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "MLP glassnet / torch" in run.stdout and "latency glassnet / bare NumPy" in run.stdout
    results = json.loads(out.read_text())
    assert set(results) >= {"machine", "settings", "mlp", "cnn", "latency", "memory", "startup"}
    for section, libraries in (("mlp", ["glassnet", "torch", "sklearn_float32", "sklearn_float64"]),
                               ("cnn", ["glassnet", "torch"])):
        for lib in libraries:
            quality = results[section]["quality"][lib]
            assert 0.0 <= quality["accuracy"]["median"] <= 1.0
            assert np.isfinite(quality["loss"]["median"]) and quality["loss"]["median"] > 0
            assert results[section]["samples_per_s"][lib]["median"] > 0
    # the seed network's output, the same in every library (checked inside the script too)
    np.testing.assert_allclose(results["latency"]["output"], [[0.75136507, 0.772928465]], rtol=1e-8)
    assert results["memory"]["peak_rss_mb"] > results["memory"]["data_mb"]
    assert results["mlp"]["threads_used"]["torch"]["torch.get_num_threads"] == results["threads_set"]


def test_adam_over_several_chunks_follows_torch():
    """A vector as long as an MLP's, updated chunk by chunk (the fast path), against torch.optim.Adam."""
    n = 2 * optimizers.CHUNK + 12_345
    rng = np.random.default_rng(3)
    theta = rng.standard_normal(n)
    p, g = theta.copy(), np.empty(n)
    opt = Adam(lr=0.01, weight_decay=0.1, amsgrad=True)
    tp = torch.tensor(theta.copy(), requires_grad=True)
    topt = torch.optim.Adam([tp], lr=0.01, weight_decay=0.1, amsgrad=True)
    for k in range(5):
        g[...] = np.sin(3 * p) + 0.1 * k                       # the same gradient function in both
        opt.step(p, g)
        tp.grad = torch.from_numpy(np.sin(3 * tp.detach().numpy()) + 0.1 * k)
        topt.step()
    np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-10, atol=1e-12)
