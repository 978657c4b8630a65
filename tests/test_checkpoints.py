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


# ---------------------------------------------------------------- glassnet train --resume: the run's files


def _train(capsys, *argv):
    from glassnet.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _two_blobs(path):
    rng = np.random.default_rng(0)
    rows = ["a,b,c"] + [f"{x:.6f},{y:.6f},{k}" for k in (0, 1) for x, y in rng.normal(2.0 * k, 0.5, size=(30, 2))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _interrupted(monkeypatch, capsys, *argv, epoch=1):
    """``glassnet train ARGV`` stopped by Ctrl-C in epoch ``epoch``: a checkpoint and no model."""
    from glassnet.cli import _checkpoint

    def ctrl_c(self, batch, logs):
        if len(self.history.epoch) == epoch - 1:
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(_checkpoint.Checkpointer, "on_batch_end", ctrl_c, raising=False)
        assert _train(capsys, *argv)[0] == 130


def test_a_resumed_run_never_takes_another_runs_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _two_blobs(tmp_path / "d.csv")
    run = ["train", "d.csv", "--target", "c", "--layers", "4", "--epochs", "2", "-q"]
    assert _train(capsys, *run, "--checkpoint-every", "1") == (0, "", "")      # A: finished, with a checkpoint
    _interrupted(monkeypatch, capsys, *run)                                       # B: interrupted, no model yet
    assert sorted(os.listdir()) == ["d.csv", "glassnet-d-2.ckpt.safetensors", "glassnet-d.ckpt.safetensors",
                                    "glassnet-d.safetensors"]
    a_model = (tmp_path / "glassnet-d.safetensors").read_bytes()

    # A trained further: glassnet-d-2 is B's name (its checkpoint), so A's model goes to glassnet-d-3
    code, out, err = _train(capsys, "train", "--resume", "glassnet-d.ckpt.safetensors", "--epochs", "5", "-q")
    assert (code, out) == (0, "") and err.splitlines() == [
        "glassnet: glassnet-d.safetensors already exists, so the model was saved as glassnet-d-3.safetensors "
        "(pass --overwrite to replace it, or -o FILE)"]                         # glassnet-d is A's own model
    assert gio.info("glassnet-d-3.safetensors")["training"]["epochs_run"] == 5
    assert not os.path.exists("glassnet-d-2.safetensors")

    # B resumed: its own name, free, with nothing to say
    assert _train(capsys, "train", "--resume", "glassnet-d-2.ckpt.safetensors", "-q") == (0, "", "")
    assert gio.info("glassnet-d-2.safetensors")["training"]["epochs_run"] == 2
    assert (tmp_path / "glassnet-d.safetensors").read_bytes() == a_model


def test_the_advice_of_a_resumed_run_never_replaces_another_runs_model(tmp_path, monkeypatch, capsys):
    """What an earlier glassnet left: A's model under the name B's interrupted checkpoint recorded."""
    import shutil

    monkeypatch.chdir(tmp_path)
    _two_blobs(tmp_path / "d.csv")
    run = ["train", "d.csv", "--target", "c", "--layers", "4", "--epochs", "3", "-q"]
    _interrupted(monkeypatch, capsys, *run, "--seed", "1", "-o", "b.safetensors", epoch=2)   # B: 1 epoch done
    assert _train(capsys, *run, "-o", "a.safetensors") == (0, "", "")                      # A: seed 0
    shutil.copy("a.safetensors", "b.safetensors")
    a_model = (tmp_path / "b.safetensors").read_bytes()
    code, out, err = _train(capsys, "train", "--resume", "b.ckpt.safetensors", "-q")
    assert (code, out) == (0, ""), err
    assert err.splitlines() == ["glassnet: b.safetensors (not this run's model) already exists, so the model was "
                                "saved as b-2.safetensors (pass -o FILE to choose the name)"]
    assert (tmp_path / "b.safetensors").read_bytes() == a_model

    # trained further again: b-2 is B's own model and b.safetensors still A's, so still no --overwrite
    code, out, err = _train(capsys, "train", "--resume", "b.ckpt.safetensors", "-q", "--epochs", "4")
    assert code == 0 and err.splitlines() == ["glassnet: b.safetensors (not this run's model) already exists, so "
                                              "the model was saved as b-3.safetensors (pass -o FILE to choose "
                                              "the name)"]


def test_a_missing_folder_of_the_recorded_model_file_names_the_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _two_blobs(tmp_path / "d.csv")
    (tmp_path / "sub").mkdir()
    _interrupted(monkeypatch, capsys, "train", "d.csv", "--target", "c", "--layers", "4", "--epochs", "2",
                 "-o", os.path.join("sub", "m.safetensors"))
    os.replace(os.path.join("sub", "m.ckpt.safetensors"), "snap.safetensors")
    os.rmdir("sub")
    code, out, err = _train(capsys, "train", "--resume", "snap.safetensors")
    model = os.path.join("sub", "m.safetensors")
    assert (code, out) == (1, "") and err.splitlines() == [
        f"glassnet: error: cannot write the model file recorded in snap.safetensors, {model}: the folder "
        f"{tmp_path / 'sub'} does not exist (create it first); give -o FILE to save the model elsewhere"]
    assert "-o/--output" not in err
    assert _train(capsys, "train", "--resume", "snap.safetensors", "-q", "-o", "m.safetensors") == (0, "", "")
