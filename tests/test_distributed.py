"""Data-parallel training on a Dask cluster (glassnet.distributed).

Oracles: single-process full-batch training with glassnet's own fit loop (a different
code path: one process, one batch, no partitions or sums) to 1e-10 in float64, and
PyTorch autograd for the gradient the cluster assembles. The clusters are
``distributed.LocalCluster`` on loopback only, always closed by context managers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import torch
from distributed import Client, LocalCluster

from glassnet import BatchNorm, Dense, Dropout, Network
from glassnet.distributed import ClusterError, DataParallel, connect, fit_distributed
from glassnet.errors import ConfigError, DataError, DivergenceError
from glassnet.optimizers import SGD, Adam
from glassnet.training import Callback, fit

LOOPBACK = dict(host="127.0.0.1", protocol="tcp", dashboard_address=None, threads_per_worker=1)
TIMEOUT = 30  # seconds for any one step: nothing in these tests may hang


@pytest.fixture(scope="module")
def client():
    """Two in-process workers, loopback only."""
    with LocalCluster(n_workers=2, processes=False, **LOOPBACK) as cluster, Client(cluster, timeout=TIMEOUT) as c:
        yield c


def classifier(l2=0.3, seed=1):
    return Network([Dense(7, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=5,
                   seed=seed, l2=l2)


def regressor(seed=2):
    return Network([Dense(6, "sigmoid"), Dense(2)], loss="mse", input_shape=4, seed=seed)


def data(n=103, d=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, 3, n)


def single_process(net, X, y, steps, optimizer, sample_weight=None, validation_data=None):
    """The oracle: the ordinary fit loop with one batch of all the data, in order."""
    return fit(net, X, y, epochs=steps, batch_size=len(X), shuffle=False, optimizer=optimizer,
               sample_weight=sample_weight, validation_data=validation_data, verbose=0)


# ---------------------------------------------------------------- the equality of the issue

@pytest.mark.parametrize("make_opt", [lambda: Adam(lr=0.05),
                                      lambda: SGD(lr=0.3, momentum=0.9, nesterov=True)], ids=["adam", "nesterov"])
@pytest.mark.parametrize("n_partitions", [None, 3])
def test_equals_single_process_full_batch(client, make_opt, n_partitions):
    X, y = data()                                   # 103 samples: partitions of 52+51 or 35+35+33
    val = data(n=20, seed=9)
    ref, net = classifier(), classifier()
    ref_hist = single_process(ref, X, y, 15, make_opt(), validation_data=val)
    hist = fit_distributed(net, X, y, client=client, steps=15, optimizer=make_opt(), n_partitions=n_partitions,
                           validation_data=val, timeout=TIMEOUT)
    np.testing.assert_allclose(net._flat, ref._flat, rtol=0, atol=1e-10)
    for key in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(hist.history[key], ref_hist.history[key], rtol=1e-12, err_msg=key)
    assert np.abs(net._flat - classifier()._flat).max() > 0.1   # it did train


def test_sample_weights_frozen_biases_and_a_dask_array_with_unknown_chunks(client):
    rng = np.random.default_rng(3)
    X, Y, w = rng.normal(size=(90, 4)), rng.normal(size=(90, 2)), rng.uniform(0, 2, 90)
    w[:30] = 0.0                                    # a whole partition of weight zero
    ref, net = regressor().freeze("b1"), regressor().freeze("b1")
    single_process(ref, X, Y, 12, SGD(lr=0.5, momentum=0.5), sample_weight=w)
    Xd = da.from_array(X, chunks=(30, 4))
    keep = Xd[:, 0] > -np.inf                       # boolean indexing: row chunk sizes become unknown (nan)
    Xd, Yd = Xd[keep], da.from_array(Y, chunks=(45, 2))[keep]
    assert np.isnan(Xd.chunks[0][0])
    fit_distributed(net, Xd, Yd, client=client, steps=12, optimizer=SGD(lr=0.5, momentum=0.5),
                    sample_weight=da.from_array(w, chunks=20), timeout=TIMEOUT)
    np.testing.assert_allclose(net._flat, ref._flat, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(net.params["b1"], regressor().params["b1"])   # frozen stayed put


def test_gradient_matches_torch_autograd(client):
    X, y = data(n=61)
    net = classifier(l2=0.5)
    with DataParallel(net, X, y, client=client, n_partitions=4, timeout=TIMEOUT) as dp:
        loss, _ = dp.loss_and_gradient()
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    Xt = torch.tensor(X)
    out = torch.nn.functional.linear(torch.tanh(torch.nn.functional.linear(Xt, p["W1"], p["b1"])), p["W2"], p["b2"])
    # E = mean cross-entropy + l2/(2n) (‖W1‖² + ‖W2‖²), scikit-learn's convention
    E = torch.nn.functional.cross_entropy(out, torch.tensor(y)) + 0.5 * 0.5 / 61 * (p["W1"].pow(2).sum() +
                                                                                  p["W2"].pow(2).sum())
    E.backward()
    assert loss == pytest.approx(E.item(), rel=1e-13)
    for name, g in net.grads.items():
        np.testing.assert_allclose(g, p[name].grad.numpy(), rtol=1e-11, atol=1e-14, err_msg=name)


# ---------------------------------------------------------------- what a step costs

def test_weights_sent_once_per_step_and_bytes_reported(client, monkeypatch):
    X, y = data()
    net = classifier()
    scattered = []
    real = client._scatter                          # what Client.scatter runs, and what each step calls

    async def spy(d, *a, **k):
        scattered.append(type(d))
        return await real(d, *a, **k)
    monkeypatch.setattr(client, "_scatter", spy)
    hist = fit_distributed(net, X, y, client=client, steps=4, optimizer="adam", n_partitions=5, timeout=TIMEOUT)
    # one scatter of the architecture, then one of the weights per step (not one per partition)
    assert scattered == [str] + [np.ndarray] * 4
    # 5·7 + 7 + 7·3 + 3 = 66 float64 parameters = 528 bytes, to each of 2 workers;
    # back: 5 partitions × (528 bytes of gradient + 3 numbers of 8 bytes)
    assert hist.history["bytes_sent"] == [66 * 8 * 2] * 4
    assert hist.history["bytes_received"] == [5 * (66 * 8 + 24)] * 4


# ---------------------------------------------------------------- refusals and failures

@pytest.mark.parametrize("layers, words", [([Dense(4), BatchNorm(), Dense(3, "softmax")], "batch statistics"),
                                           ([Dense(4), Dropout(0.5), Dense(3, "softmax")], "at random")])
def test_refuses_layers_whose_partitions_differ_from_the_full_batch(client, layers, words):
    net = Network(layers, loss="categorical_crossentropy", input_shape=5, seed=0)
    X, y = data()
    with pytest.raises(ConfigError, match=words):
        fit_distributed(net, X, y, client=client, steps=1, timeout=TIMEOUT)


def test_bad_arguments_name_what_is_wrong(client):
    X, y = data()
    with pytest.raises(DataError, match="one row per sample"):
        fit_distributed(classifier(), X, y[:-1], client=client, steps=1)
    with pytest.raises(DataError, match=r"samples of shape \(4,\)"):
        fit_distributed(classifier(), X[:, :4], y, client=client, steps=1)
    with pytest.raises(ConfigError, match="distributed.Client"):
        fit_distributed(classifier(), X, y, client="tcp://127.0.0.1:8786", steps=1)
    with pytest.raises(ConfigError, match="positive number of workers"):
        with connect("local:0"):
            pass


def test_nan_in_the_data_is_a_data_error_and_no_step_is_taken(client):
    X, y = data()
    X[70, 2] = np.nan                               # in the second partition
    net = classifier()
    before = net._flat.copy()
    with pytest.raises(DataError, match="row 18"):  # row 70 is row 18 of the partition 52..102
        fit_distributed(net, X, y, client=client, steps=3, timeout=TIMEOUT)
    np.testing.assert_array_equal(net._flat, before)


def test_a_step_that_cannot_finish_is_a_cluster_error_and_changes_nothing(client):
    X, y = data()
    net = classifier()
    before = net._flat.copy()
    with pytest.raises(ClusterError, match="last completed step"):
        fit_distributed(net, X, y, client=client, steps=3, timeout=1e-6, retries=1)
    np.testing.assert_array_equal(net._flat, before)


def test_divergence_keeps_the_weights_before_the_bad_step(client):
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(40, 4)) * 100, rng.normal(size=(40, 1))
    net = Network([Dense(1)], loss="mse", input_shape=4, seed=0)
    with pytest.raises(DivergenceError, match="diverged at step"):
        fit_distributed(net, X, Y, client=client, steps=200, optimizer="sgd", learning_rate=10.0, timeout=TIMEOUT)
    assert np.isfinite(net._flat).all()


def test_unreachable_scheduler_is_a_cluster_error():
    with pytest.raises(ClusterError, match="could not reach"):
        with connect("tcp://127.0.0.1:9", timeout=1):
            pass


def test_importing_glassnet_and_checking_a_scheduler_does_not_import_dask():
    """Dask is an optional extra: only connecting and training import it (a fresh interpreter)."""
    code = ("import sys, glassnet, glassnet.distributed as d; d.check_scheduler(' local:2 '); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- a worker dies mid-training

class _KillDuringStep(Callback):
    """After step ``at`` ends, kill one worker process a few milliseconds into the next step."""

    def __init__(self, pid, at):
        self.pid, self.at, self.completed, self.timer, self.killed = pid, at, 0, None, None

    def on_epoch_end(self, step, logs):
        self.completed = step + 1
        if step == self.at:
            self.timer = threading.Timer(0.003, self._kill, (self.pid,))
            self.timer.start()

    def _kill(self, pid):
        os.kill(pid, signal.SIGKILL)                # a worker process this test started
        self.killed = (pid, time.perf_counter())


def test_worker_killed_mid_training_recovers_or_fails_clearly_never_silently_wrong():
    X, y = data(n=400)
    steps = 30
    trajectory = [classifier()._flat.copy()]        # the oracle after every step
    ref, opt = classifier(), SGD(lr=0.2, momentum=0.9)
    for _ in range(steps):
        single_process(ref, X, y, 1, opt)           # one step at a time, the same optimizer state
        trajectory.append(ref._flat.copy())
    net = classifier()
    with LocalCluster(n_workers=2, processes=True, **LOOPBACK) as cluster, Client(cluster, timeout=TIMEOUT) as c:
        pids = c.run(os.getpid)                     # {worker address: pid}
        killer = _KillDuringStep(next(iter(pids.values())), at=4)
        try:
            # a step takes milliseconds; a broadcast caught by the kill gives up after 5 s (× 3 attempts)
            hist = fit_distributed(net, X, y, client=c, steps=steps, optimizer=SGD(lr=0.2, momentum=0.9),
                                   callbacks=[killer], timeout=5)
            outcome = "recovered"
        except ClusterError:
            outcome, hist = "failed clearly", None
        finished = time.perf_counter()
        killer.timer.join(TIMEOUT)
    assert killer.killed is not None and killer.killed[1] < finished   # killed while training was running
    with pytest.raises(ProcessLookupError):
        os.kill(killer.killed[0], 0)                # that worker is really gone
    if outcome == "recovered":
        assert len(hist.epoch) == steps
        np.testing.assert_allclose(net._flat, trajectory[steps], rtol=0, atol=1e-10)
    else:                                           # the weights of the last completed step, exactly
        np.testing.assert_allclose(net._flat, trajectory[killer.completed], rtol=0, atol=1e-10)


# ---------------------------------------------------------------- the documentation

def test_docs_scaling_examples_run(monkeypatch, tmp_path):
    """Every Python block of docs/scaling.md, in order, on the clusters they start themselves."""
    text = (Path(__file__).parent.parent / "docs" / "scaling.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_scaling"}
    for block in blocks:
        exec(compile(block, "docs/scaling.md", "exec"), namespace)
    assert np.abs(namespace["net"].flat_params - namespace["one"].flat_params).max() < 1e-10
    n = namespace["net"].n_params                   # the byte counts the page prints
    assert namespace["history"].history["bytes_sent"][-1] == 8 * n * 2
    assert namespace["history"].history["bytes_received"][-1] == 2 * (8 * n + 24)
    assert namespace["inc"].estimator_.score(namespace["X"], namespace["y"]) > 0.9


def test_a_broadcast_that_never_completes_fails_clearly_instead_of_hanging(client, monkeypatch):
    # Client.scatter's own timeout only bounds the wait for workers; a worker killed during the
    # broadcast once left a step waiting forever. The whole broadcast is bounded by `timeout`.
    import asyncio

    X, y = data(n=40)
    net = classifier()
    before = net._flat.copy()
    dp = DataParallel(net, X, y, client=client, timeout=0.5, retries=1)

    async def never(*args, **kwargs):
        await asyncio.sleep(3600)
    monkeypatch.setattr(client, "_scatter", never)
    start = time.perf_counter()
    with pytest.raises(ClusterError, match="after 2 attempt"):
        dp.loss_and_gradient()
    assert time.perf_counter() - start < 10
    np.testing.assert_array_equal(net._flat, before)
