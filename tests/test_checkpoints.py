"""Checkpoints: the optimizer's and the loop's state survive a round trip; resuming checks the network.

Oracle: a random Generator restored from a checkpoint continues exactly where the saved one stopped;
state that JSON and float tensors cannot hold faithfully is refused rather than changed.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import glassnet.io as gio
from glassnet import Dense, ModelFileError, Network
from glassnet.checkpoints import check_compatible, load_checkpoint, save_checkpoint
from model_file_helpers import small_net


def test_checkpoint_round_trip_and_resume_check(tmp_path):
    net = small_net()
    rng = np.random.default_rng(5)
    m, v = rng.normal(size=net.flat_params.size), rng.random(net.flat_params.size)
    state = {"epoch": 4, "best_loss": float("inf"), "history": {"loss": [0.5, 0.25]},
             "rng": rng.bit_generator.state, "perm": np.arange(6, dtype=np.float64)}
    path = tmp_path / "run.ckpt"
    save_checkpoint(net, {"m": m, "v": v, "t": 12, "lr": 1e-3}, state, path, metadata={"batch_size": 8})
    save_checkpoint(net, {"m": m, "v": v, "t": 12, "lr": 1e-3}, state, path)  # checkpoints overwrite
    ckpt = load_checkpoint(path)
    assert ckpt.optimizer_state["t"] == 12 and ckpt.optimizer_state["lr"] == 1e-3
    assert ckpt.optimizer_state["m"].tobytes() == m.tobytes() and ckpt.optimizer_state["v"].tobytes() == v.tobytes()
    assert ckpt.training_state["best_loss"] == float("inf") and ckpt.training_state["epoch"] == 4
    assert ckpt.training_state["history"] == {"loss": [0.5, 0.25]}
    assert np.array_equal(ckpt.training_state["perm"], np.arange(6))
    resumed = np.random.default_rng()
    resumed.bit_generator.state = ckpt.training_state["rng"]
    assert resumed.random() == rng.random()  # the generator continues exactly where it stopped
    assert ckpt.training is None
    assert gio.load(path).params["W1"].tobytes() == net.params["W1"].tobytes()  # load() takes checkpoints
    check_compatible(ckpt, small_net(seed=9))  # same architecture: fine


def test_resume_with_a_different_network_says_what_differs(tmp_path):
    path = tmp_path / "run.ckpt"
    save_checkpoint(small_net(), {"t": 1}, {"epoch": 1}, path)
    ckpt = load_checkpoint(path)
    other = Network([Dense(4, "tanh"), Dense(2, "softmax")], loss="mse", input_shape=5)
    with pytest.raises(ModelFileError) as info:
        check_compatible(ckpt, other)
    message = str(info.value)
    assert str(path) in message
    assert "input shape: saved (2,), now (5,)" in message
    assert "layer 1 (dense) units: saved 3, now 4" in message
    assert "layer 2 (dense) activation: saved 'sigmoid', now 'softmax'" in message
    unbuilt = Network([Dense(3, "tanh"), Dense(2, "sigmoid")], loss="mse")
    check_compatible(ckpt, unbuilt, input_shape=2)
    with pytest.raises(ModelFileError, match=r"input shape: saved \(2,\), now \(3,\)"):
        check_compatible(ckpt, unbuilt, input_shape=3)


def test_a_model_file_is_not_a_checkpoint(saved):
    with pytest.raises(ModelFileError, match="not a checkpoint"):
        load_checkpoint(saved)


def test_checkpoint_state_that_cannot_be_stored_faithfully_is_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    net = small_net()
    with pytest.raises(ModelFileError, match=r"optimizer\.m must be a float32 or float64 array; got dtype int64"):
        save_checkpoint(net, {"m": np.arange(3)}, {}, path)
    with pytest.raises(ModelFileError, match=r"optimizer\.v holds NaN/inf"):
        save_checkpoint(net, {"v": np.array([1.0, np.nan])}, {}, path)
    with pytest.raises(ModelFileError, match=r"key 'a\.b' in training must be a plain name"):
        save_checkpoint(net, {}, {"a.b": 1}, path)
    with pytest.raises(ModelFileError, match=r"training\.f is a builtin_function_or_method; expected arrays"):
        save_checkpoint(net, {}, {"f": len}, path)
    assert os.listdir(tmp_path) == []
