"""``glassnet train`` end to end, in-process through ``glassnet.cli.main`` (plus one real subprocess).

Oracles: an independent reader of the model files (``safetensors.numpy``) for bit-for-bit
comparisons, and scikit-learn's own linear regression for what a linear model must learn.
"""

from __future__ import annotations

import errno
import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from glassnet import checkpoints, io
from glassnet.cli import _checkpoint, main
from glassnet.cli import train as train_cmd
from glassnet.errors import DataError

SRC = Path(__file__).resolve().parents[1] / "src"


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tensors(path) -> dict[str, bytes]:
    """Every tensor's raw bytes, read by the safetensors library (not by glassnet)."""
    return {name: arr.tobytes() for name, arr in load_file(str(path)).items()}


def write_csv(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def blobs_csv(path: Path, n=60, labels=("cat", "dog", "emu"), seed=0, features=3, bom=False) -> Path:
    rng = np.random.default_rng(seed)
    rows = [",".join([f"f{j}" for j in range(features)] + ["animal"])]
    for i in range(n):
        k = i % len(labels)
        x = rng.normal(3.0 * k, 0.5, size=features)
        rows.append(",".join([*(f"{v:.6f}" for v in x), labels[k]]))
    return write_csv(path, "\n".join(rows) + "\n", bom)


def one_error_line(code, out, err, *fragments):
    """A refused command: exit 1, one line on stderr naming the problem, no traceback."""
    assert code == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("glassnet: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# ---------------------------------------------------------------- the default run


def test_no_arguments_trains_digits_and_never_replaces_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "train")
    assert code == 0, err
    lines = out.splitlines()
    assert sum(line.startswith("epoch ") for line in lines) == 30
    assert "epoch 30/30  loss" in out and "val_accuracy" in out
    accuracy = float(next(ln for ln in lines if ln.startswith("test accuracy")).split()[2])
    assert accuracy > 0.95                          # scikit-learn's MLPClassifier gets about 0.97 here
    assert "parameters     17,226" in out          # 64·128+128 + 128·64+64 + 64·10+10
    first = (tmp_path / "glassnet-digits.safetensors").read_bytes()
    info = io.info(tmp_path / "glassnet-digits.safetensors")
    assert info["architecture"]["layers"][0]["config"] == {"units": 128, "activation": "relu"}
    assert info["training"]["classes"] == list(range(10)) and info["training"]["epochs_run"] == 30
    assert info["training"]["n_train"] + info["training"]["n_val"] == 1437 and info["training"]["n_test"] == 360

    code, out, _ = cli(capsys, "train", "--epochs", "1")        # a default name: the next free one
    assert code == 0 and "glassnet-digits-2.safetensors" in out
    assert (tmp_path / "glassnet-digits.safetensors").read_bytes() == first


def test_quiet_prints_nothing(tmp_path, capsys):
    code, out, err = cli(capsys, "train", "--epochs", "1", "-q", "-o", tmp_path / "m.safetensors")
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "m.safetensors").is_file()


def test_same_seed_gives_byte_identical_tensors(tmp_path, capsys):
    args = ["train", "--epochs", "2", "-q", "--layers", "32"]
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        assert cli(capsys, *args, "--seed", seed, "-o", tmp_path / f"{name}.safetensors")[0] == 0
    a, b, c = (tensors(tmp_path / f"{n}.safetensors") for n in "abc")
    assert a == b
    assert a["W1"] != c["W1"]


def test_python_dash_m_entry_point(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-m", "glassnet", "train", "--epochs", "2", "--quiet"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert sorted(os.listdir(tmp_path)) == ["glassnet-digits.safetensors"]


# ---------------------------------------------------------------- interrupt, checkpoints, resume


def _interrupt_in_epoch(epoch: int, batch: int):
    def on_batch_end(self, b, logs):
        if len(self.history.epoch) == epoch - 1 and b == batch:
            raise KeyboardInterrupt
    return on_batch_end


def test_ctrl_c_writes_a_checkpoint_and_resuming_matches_an_uninterrupted_run(tmp_path, monkeypatch, capsys):
    common = ["--epochs", "4", "--layers", "32", "--seed", "3", "-q"]
    assert cli(capsys, "train", *common, "-o", tmp_path / "whole.safetensors")[0] == 0

    with monkeypatch.context() as m:
        m.setattr(_checkpoint.Checkpointer, "on_batch_end", _interrupt_in_epoch(3, 5), raising=False)
        code, out, err = cli(capsys, "train", *common, "-o", tmp_path / "cut.safetensors")
    ckpt = tmp_path / "cut.ckpt.safetensors"
    assert code == 130
    assert err.count("\n") == 1 and "interrupted during epoch 3" in err and "after 2 epoch(s)" in err
    assert f"glassnet train --resume {ckpt}" in err
    assert not (tmp_path / "cut.safetensors").exists()
    assert checkpoints.load_checkpoint(ckpt).training_state["epoch"] == 2

    code, out, err = cli(capsys, "train", "--resume", ckpt)       # every setting comes from the checkpoint
    assert code == 0, err
    assert tensors(tmp_path / "cut.safetensors") == tensors(tmp_path / "whole.safetensors")
    assert io.info(tmp_path / "cut.safetensors")["training"]["epochs_run"] == 4


def test_checkpoint_every_then_resume_further_with_early_stopping_state(tmp_path, capsys):
    common = ["--layers", "16", "--seed", "1", "--early-stopping", "10", "-q"]
    assert cli(capsys, "train", *common, "--epochs", "6", "-o", tmp_path / "whole.safetensors")[0] == 0
    assert cli(capsys, "train", *common, "--epochs", "3", "--checkpoint-every", "3",
               "-o", tmp_path / "half.safetensors")[0] == 0
    ckpt = tmp_path / "half.ckpt.safetensors"
    state = checkpoints.load_checkpoint(ckpt).training_state
    assert state["epoch"] == 3 and len(state["history"]["val_loss"]) == 3 
    assert state["early_stopping"]["best"] == min(state["history"]["val_loss"])
    code, _, err = cli(capsys, "train", "--resume", ckpt, "--epochs", "6", "-o", tmp_path / "rest.safetensors")
    assert code == 0, err
    assert tensors(tmp_path / "rest.safetensors") == tensors(tmp_path / "whole.safetensors")
    assert len(io.info(tmp_path / "rest.safetensors")["training"]["history"]["loss"]) == 6

    code, out, err = cli(capsys, "train", "--resume", ckpt, "--epochs", "3", "-o", tmp_path / "x.safetensors")
    one_error_line(code, out, err, "already holds 3 of 3 epochs", "--epochs")


def test_resume_with_a_different_architecture_or_data_shape_is_refused(tmp_path, capsys):
    data3 = blobs_csv(tmp_path / "three.csv")
    base = ["--target", "animal", "--epochs", "1", "--checkpoint-every", "1", "-q"]
    assert cli(capsys, "train", data3, *base, "--layers", "8", "-o", tmp_path / "m.safetensors")[0] == 0
    ckpt = tmp_path / "m.ckpt.safetensors"
    before = ckpt.read_bytes()

    code, out, err = cli(capsys, "train", "--resume", ckpt, "--layers", "16", "--epochs", "2")
    one_error_line(code, out, err, str(ckpt), "cannot resume", "layer 1 (dense) units: saved 8, now 16")

    data4 = blobs_csv(tmp_path / "four.csv", features=4)
    code, out, err = cli(capsys, "train", data4, "--resume", ckpt, "--epochs", "2")
    one_error_line(code, out, err, "input shape: saved (3,), now (4,)")

    code, out, err = cli(capsys, "train", "--resume", ckpt, "--seed", "5", "--epochs", "2")
    one_error_line(code, out, err, "the training rows have other values")

    code, out, err = cli(capsys, "train", "--resume", tmp_path / "m.safetensors", "--epochs", "2")
    one_error_line(code, out, err, "is a model file, not a checkpoint")
    assert ckpt.read_bytes() == before and not (tmp_path / "m-2.safetensors").exists()


def test_resuming_a_finished_run_goes_on_writing_its_checkpoint_and_keeps_its_model(tmp_path, monkeypatch,
                                                                                        capsys):
    """docs/cli.md: ``--resume ckpt --epochs N`` trains a finished run further, with no --overwrite."""
    monkeypatch.chdir(tmp_path)
    common = ["--layers", "16", "--seed", "2", "-q"]
    assert cli(capsys, "train", *common, "--epochs", "3", "-o", "whole.safetensors")[0] == 0
    assert cli(capsys, "train", *common, "--epochs", "2", "--checkpoint-every", "1") == (0, "", "")
    first = Path("glassnet-digits.safetensors").read_bytes()
    ckpt = "glassnet-digits.ckpt.safetensors"

    code, out, err = cli(capsys, "train", "--resume", ckpt, "--epochs", "3", "-q")
    assert (code, out) == (0, ""), err
    assert err.splitlines() == ["glassnet: glassnet-digits.safetensors already exists, so the model was saved as "
                                "glassnet-digits-2.safetensors (pass --overwrite to replace it, or -o FILE)"]
    assert Path("glassnet-digits.safetensors").read_bytes() == first              # the 2-epoch model is kept
    assert tensors("glassnet-digits-2.safetensors") == tensors("whole.safetensors")
    assert checkpoints.load_checkpoint(ckpt).training_state["epoch"] == 3          # the same checkpoint, on

    code, _, err = cli(capsys, "train", "--resume", ckpt, "--epochs", "4", "-q")   # and once more: -3, not -2-2
    assert code == 0 and "saved as glassnet-digits-3.safetensors" in err, err
    code, _, err = cli(capsys, "train", "--resume", ckpt, "--epochs", "5", "-q", "--overwrite")
    assert (code, err) == (0, "")
    assert io.info("glassnet-digits.safetensors")["training"]["epochs_run"] == 5
    assert sorted(os.listdir()) == ["glassnet-digits-2.safetensors", "glassnet-digits-3.safetensors", ckpt,
                                    "glassnet-digits.safetensors", "whole.safetensors"]


def test_resuming_into_another_existing_file_still_needs_overwrite(tmp_path, capsys):
    model, ckpt = tmp_path / "m.safetensors", tmp_path / "m.ckpt.safetensors"
    assert cli(capsys, "train", "--layers", "8", "--epochs", "1", "--checkpoint-every", "1", "-q", "-o", model)[0] == 0
    before = model.read_bytes()
    one_error_line(*cli(capsys, "train", "--resume", ckpt, "--epochs", "2", "-o", model), str(model),
                   "already exists", "--overwrite")
    other = tmp_path / "other.safetensors"
    (tmp_path / "other.ckpt.safetensors").write_bytes(b"another run")
    one_error_line(*cli(capsys, "train", "--resume", ckpt, "--epochs", "2", "-o", other),
                   "other.ckpt.safetensors already exists", "--overwrite")
    assert model.read_bytes() == before and (tmp_path / "other.ckpt.safetensors").read_bytes() == b"another run"
    assert cli(capsys, "train", "--resume", ckpt, "--epochs", "2", "-q", "-o", model, "--overwrite")[0] == 0
    assert io.info(model)["training"]["epochs_run"] == 2


def test_a_new_run_never_replaces_an_interrupted_runs_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("m.ckpt.safetensors").write_bytes(b"interrupted run")
    one_error_line(*cli(capsys, "train", "--epochs", "1", "-o", "m.safetensors"),
                   "m.ckpt.safetensors already exists", "--overwrite", "--resume m.ckpt.safetensors")
    assert os.listdir() == ["m.ckpt.safetensors"]
    Path("glassnet-digits.ckpt.safetensors").write_bytes(b"interrupted run")     # a default name passes it by
    code, out, err = cli(capsys, "train", "--layers", "8", "--epochs", "1", "--checkpoint-every", "1", "-q")
    assert (code, out) == (0, "")
    assert err.splitlines() == ["glassnet: glassnet-digits.ckpt.safetensors (an earlier run's checkpoint) already "
                                "exists, so the model was saved as glassnet-digits-2.safetensors (pass -o FILE to "
                                "choose the name)"]
    assert Path("glassnet-digits.ckpt.safetensors").read_bytes() == b"interrupted run"
    assert Path("glassnet-digits-2.ckpt.safetensors").is_file()


def test_a_default_name_that_is_taken_is_said_even_with_quiet(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, "train", "--layers", "8", "--epochs", "1", "-q") == (0, "", "")
    code, out, err = cli(capsys, "train", "--layers", "8", "--epochs", "1", "-q")
    assert (code, out) == (0, "")
    assert err.splitlines() == ["glassnet: glassnet-digits.safetensors already exists, so the model was saved as "
                                "glassnet-digits-2.safetensors (pass -o FILE to choose the name)"]


# ---------------------------------------------------------------- the user's data


def test_csv_with_string_labels_and_a_byte_order_mark(tmp_path, capsys):
    data = blobs_csv(tmp_path / "animals.csv", bom=True)
    model = tmp_path / "animals.safetensors"
    code, out, err = cli(capsys, "train", data, "--target", "animal", "--standardize", "--layers", "8",
                         "--epochs", "60", "--lr", "0.01", "-o", model)
    assert code == 0, err
    assert "classify into 3 classes" in out
    training = io.info(model)["training"]
    assert training["classes"] == ["cat", "dog", "emu"] and training["feature_names"] == ["f0", "f1", "f2"]
    assert training["test"]["accuracy"] == 1.0       # three well-separated blobs
    assert len(training["standardize"]["mean"]) == 3


def test_binary_crossentropy_with_two_string_classes(tmp_path, capsys):
    data = blobs_csv(tmp_path / "two.csv", labels=("no", "yes"))
    model = tmp_path / "two.safetensors"
    code, out, err = cli(capsys, "train", data, "--target", "animal", "--loss", "binary_crossentropy",
                         "--layers", "none", "--epochs", "40", "--lr", "0.05", "-o", model, "-q")
    assert code == 0, err
    assert io.load(model).output_shape == (1,)
    code, out, err = cli(capsys, "predict", model, data)
    assert code == 0, err
    assert out.splitlines()[1:5] == ["no", "yes", "no", "yes"]


def test_regression_is_chosen_for_continuous_targets_and_matches_least_squares(tmp_path, capsys):
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) * [10.0, 0.1]
    y = 3.0 * X[:, 0] - 20.0 * X[:, 1] + 50.0
    np.savez(tmp_path / "lin.npz", X=X, y=y)
    model = tmp_path / "lin.safetensors"
    code, out, err = cli(capsys, "train", tmp_path / "lin.npz", "--standardize", "--layers", "none",
                         "--epochs", "150", "--lr", "0.05", "-o", model)
    assert code == 0, err
    assert "regress" in out and "test r2" in out
    training = io.info(model)["training"]
    assert training["task"] == "regress" and training["target_scale"] is not None
    X_new = rng.normal(size=(5, 2)) * [10.0, 0.1]
    np.savez(tmp_path / "new.npz", X=X_new)
    code, out, err = cli(capsys, "predict", model, tmp_path / "new.npz")
    assert code == 0, err
    predicted = np.array([float(v) for v in out.splitlines()[1:]])
    expected = LinearRegression().fit(X, y).predict(X_new)       # the exact least-squares answer
    np.testing.assert_allclose(predicted, expected, atol=1e-3 * np.abs(expected).max())


def test_idx_images_and_labels(tmp_path, capsys):
    from glassnet.datasets import write_idx

    rng = np.random.default_rng(0)
    labels = np.arange(40, dtype=np.uint8) % 2
    images = (rng.integers(0, 60, size=(40, 4, 4)) + 180 * labels[:, None, None]).astype(np.uint8)
    write_idx(tmp_path / "img.idx3-ubyte.gz", images)
    write_idx(tmp_path / "lab.idx1-ubyte", labels)
    model = tmp_path / "idx.safetensors"
    code, out, err = cli(capsys, "train", tmp_path / "img.idx3-ubyte.gz", "--labels", tmp_path / "lab.idx1-ubyte",
                         "--layers", "8", "--epochs", "20", "--lr", "0.01", "-o", model, "-q")
    assert code == 0, err
    assert io.info(model)["training"]["n_features"] == 16
    code, out, err = cli(capsys, "predict", model, tmp_path / "img.idx3-ubyte.gz")
    assert code == 0 and out.splitlines()[1:] == [str(v) for v in labels]


# ---------------------------------------------------------------- bad input and faults


BAD_CSV = {
    "nan_feature": ("a,b,y\n1,2,0\n3,nan,1\n", ["bad.csv line 3, column 2", "not a finite number"]),
    "inf_target": ("a,b,y\n1,2,0\n3,4,inf\n", ["bad.csv line 3, column 3 (target)", "not a finite number"]),
    "non_numeric": ("a,b,y\n1,2,0\n3,abc,1\n", ["bad.csv line 3, column 2", "'abc'", "not a number"]),
    "ragged": ("a,b,y\n1,2,0\n3,4\n", ["bad.csv line 3", "has 2 fields, expected 3"]),
    "empty": ("", ["bad.csv", "the file is empty"]),
    "header_only": ("a,b,y\n", ["bad.csv", "no data rows"]),
    "missing_target": ("a,b,label\n1,2,0\n3,4,1\n", ["bad.csv", "no column named 'y'", "label"]),
    "only_target": ("y\n0\n1\n", ["bad.csv", "no feature columns"]),
    "one_sample": ("a,b,y\n1,2,0.5\n", ["bad.csv", "1 sample(s)", "--test-split"]),
    "one_class": ("a,b,y\n1,2,k\n3,4,k\n5,6,k\n", ["bad.csv", "only one class ('k')", "at least two"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_is_one_line_naming_file_line_and_column(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text, fragments = BAD_CSV[case]
    data = write_csv(tmp_path / "bad.csv", text)
    code, out, err = cli(capsys, "train", data, "--target", "y", "--epochs", "1")
    one_error_line(code, out, err, *fragments)
    assert os.listdir(tmp_path) == ["bad.csv"]


BAD_NPZ = {
    "nan_X": (lambda: (np.array([[1.0, np.nan], [2.0, 3.0]]), np.array([0, 1])), ["bad.npz", "nan at row 0, column 1"]),
    "inf_y": (lambda: (np.ones((4, 2)), np.array([0.5, np.inf, 1.0, 2.0])), ["bad.npz", "inf at row 1"]),
    "1d_X": (lambda: (np.arange(5.0), np.arange(5)), ["bad.npz", "shape (5,)", "2-D", "reshape(-1, 1)"]),
    "0_rows": (lambda: (np.zeros((0, 3)), np.zeros(0, dtype=int)), ["bad.npz", "0 rows"]),
    "0_cols": (lambda: (np.zeros((4, 0)), np.arange(4)), ["bad.npz", "0 feature columns"]),
}


@pytest.mark.parametrize("case", sorted(BAD_NPZ))
def test_bad_npz(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make, fragments = BAD_NPZ[case]
    X, y = make()
    np.savez(tmp_path / "bad.npz", X=X, y=y)
    one_error_line(*cli(capsys, "train", "bad.npz", "--epochs", "1"), *fragments)
    assert os.listdir(tmp_path) == ["bad.npz"]


def test_continuous_target_given_to_a_classifier(tmp_path, capsys):
    data = write_csv(tmp_path / "c.csv", "a,y\n1,0.5\n2,1.25\n3,2\n4,3\n")
    one_error_line(*cli(capsys, "train", data, "--target", "y", "--task", "classify"),
                   "c.csv", "continuous values (0.5 in row 1)", "--task regress")
    data = blobs_csv(tmp_path / "s.csv")
    one_error_line(*cli(capsys, "train", data, "--target", "animal", "--task", "regress"),
                   "s.csv", "labels such as 'cat'", "--task classify")


def test_idx_bad_magic_and_mismatched_sizes(tmp_path, capsys):
    from glassnet.datasets import write_idx

    (tmp_path / "bad.idx3-ubyte").write_bytes(b"\x08\x03\x00\x01" + bytes(20))
    write_idx(tmp_path / "lab.idx1-ubyte", np.zeros(5, dtype=np.uint8))
    one_error_line(*cli(capsys, "train", tmp_path / "bad.idx3-ubyte", tmp_path / "lab.idx1-ubyte"),
                   "bad.idx3-ubyte", "bad magic number 08 03 00 01")
    write_idx(tmp_path / "img.idx3-ubyte", np.zeros((6, 2, 2), dtype=np.uint8))
    one_error_line(*cli(capsys, "train", tmp_path / "img.idx3-ubyte", tmp_path / "lab.idx1-ubyte"),
                   "holds 6 images", "holds 5 labels")
    data = (tmp_path / "img.idx3-ubyte").read_bytes()
    (tmp_path / "cut.idx3-ubyte.gz").write_bytes(gzip.compress(data[:-3]))
    one_error_line(*cli(capsys, "train", tmp_path / "cut.idx3-ubyte.gz", "--labels", tmp_path / "lab.idx1-ubyte"),
                   "cut.idx3-ubyte.gz", "truncated", "need 24 data bytes, found 21")
    one_error_line(*cli(capsys, "train", tmp_path / "img.idx3-ubyte"), "give its labels file", "--labels")


@pytest.mark.parametrize("argv, fragments", [
    (["--layers", "64,x"], ["--layers", "'64,x'"]),
    (["--epochs", "0"], ["--epochs must be a positive integer; got 0"]),
    (["--val-split", "1.5"], ["--val-split must be a fraction in [0, 1); got 1.5"]),
    (["--lr", "-1"], ["--lr must be a positive number"]),
    (["--loss", "mse"], ["--loss mse does not fit classification"]),
])
def test_bad_options(argv, fragments, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    one_error_line(*cli(capsys, "train", *argv), *fragments)
    assert os.listdir(tmp_path) == []


def test_csv_needs_a_target_column(tmp_path, capsys):
    data = blobs_csv(tmp_path / "b.csv")
    one_error_line(*cli(capsys, "train", data), "b.csv", "--target", "f0, f1, f2, animal")


def test_existing_output_needs_overwrite_and_is_left_intact(tmp_path, capsys):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"precious")
    one_error_line(*cli(capsys, "train", "--epochs", "1", "-o", target), str(target), "already exists", "--overwrite")
    assert target.read_bytes() == b"precious"
    assert cli(capsys, "train", "--epochs", "1", "-q", "-o", target, "--overwrite")[0] == 0
    assert io.load(target).n_params == 17226


def test_missing_output_folder(tmp_path, capsys):
    target = tmp_path / "nope" / "m.safetensors"
    one_error_line(*cli(capsys, "train", "--epochs", "1", "-o", target), str(target), "does not exist")


def test_read_only_output_folder_is_refused_before_training(tmp_path, monkeypatch, capsys):
    target = tmp_path / "m.safetensors"
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(tmp_path) else real_access(p, mode))
    code, out, err = cli(capsys, "train", "--epochs", "1", "-o", target)
    one_error_line(code, out, err, str(target), "not writable")
    assert out == "" and os.listdir(tmp_path) == []


def test_failed_save_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch, capsys):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"previous model")

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = cli(capsys, "train", "--epochs", "1", "-q", "-o", target, "--overwrite")
    one_error_line(code, out, err, f"could not save {target}", "permission denied", "unchanged")
    assert os.listdir(tmp_path) == ["m.safetensors"] and target.read_bytes() == b"previous model"


def test_diverging_loss_stops_with_a_hint_and_saves_nothing(tmp_path, capsys):
    x = np.linspace(0, 1000, 50)
    np.savez(tmp_path / "big.npz", X=x[:, None], y=1000 * x)
    target = tmp_path / "m.safetensors"
    code, out, err = cli(capsys, "train", tmp_path / "big.npz", "--task", "regress", "--optimizer", "sgd",
                         "--lr", "10", "--layers", "none", "-o", target)
    line = one_error_line(code, out, err, "training diverged in epoch ", "the loss became",
                          "Try a smaller learning rate, e.g. --lr 1 (it was 10), or --standardize")
    assert f"Nothing was saved to {target}" in line
    assert "clip" not in line and "Adam(" not in line and "put back" not in line    # Python words, not options
    assert os.listdir(tmp_path) == ["big.npz"]
    code, out, err = cli(capsys, "train", tmp_path / "big.npz", "--task", "regress", "--optimizer", "sgd",
                         "--lr", "100", "--epochs", "300", "--layers", "none", "--standardize", "-o", target)
    line = one_error_line(code, out, err, "e.g. --lr 10 (it was 100).")
    assert "--standardize" not in line                                  # it was given already


def test_the_python_api_keeps_its_divergence_advice():
    from glassnet import DivergenceError, Network, optimizers, training
    from glassnet.layers import Dense

    x = np.linspace(0, 1000, 50)[:, None]
    net = Network([Dense(1, "identity")], loss="mse", input_shape=1, seed=0)
    with pytest.raises(DivergenceError, match=r"clip the gradients \(e\.g\. Adam\(clip_norm=1\.0\)\)"):
        training.fit(net, x, 1000 * x, epochs=50, optimizer=optimizers.get("sgd", lr=10.0), verbose=0)


def test_debug_shows_the_traceback(tmp_path, capsys):
    data = write_csv(tmp_path / "bad.csv", "a,y\n1,0\nx,1\n")
    with pytest.raises(DataError, match="line 3, column 1"):
        main(["train", str(data), "--target", "y", "--debug"])


def test_help_has_examples(capsys):
    for command in ("train", "predict", "evaluate", "info"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert "examples:" in capsys.readouterr().out


def test_train_on_a_local_dask_cluster(tmp_path, capsys):
    """``--dask-scheduler local:2``: full-batch data-parallel training; the model is written."""
    out = tmp_path / "m.safetensors"
    assert main(["train", "--dask-scheduler", "local:2", "--epochs", "3", "--lr", "0.01",
                 "-q", "-o", str(out)]) == 0
    assert out.exists()
    assert main(["train", "--dask-scheduler", "local:2", "--batch-size", "8", "-q",
                 "-o", str(tmp_path / "n.safetensors")]) == 1
    assert "full batches" in capsys.readouterr().err


@pytest.mark.parametrize("argv, fragment", [
    (["--dask-scheduler", "local:x"], "'local:N' needs a positive number of workers N; got 'local:x'"),
    (["--dask-scheduler", "local:0"], "got 'local:0'"),
    (["--dask-scheduler", " "], "an address such as 'tcp://host:8786' or 'local:N'"),
    (["--dask-scheduler", "local:2", "--batch-size", "8"], "full batches"),
])
def test_a_bad_dask_option_is_refused_before_the_data_are_read(argv, fragment, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(train_cmd, "_load", lambda s: pytest.fail("the data were read"))
    code, out, err = cli(capsys, "train", *argv)
    one_error_line(code, out, err, fragment)
    assert out == "" and os.listdir(tmp_path) == []


def test_a_full_disk_while_saving_names_the_path_and_leaves_the_previous_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"previous model")
    real_write, calls = os.write, []

    def full(fd, data):                             # the first write gets part of the way, then ENOSPC
        if not calls:
            calls.append(fd)
            return real_write(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    real_fit = train_cmd.training.fit

    def fit_then_fill_the_disk(*args, **kwargs):    # only the save meets the full disk, not the import
        history = real_fit(*args, **kwargs)
        monkeypatch.setattr(os, "write", full)
        return history

    monkeypatch.setattr(train_cmd.training, "fit", fit_then_fill_the_disk)
    code, out, err = cli(capsys, "train", "--epochs", "1", "-q", "-o", target, "--overwrite")
    one_error_line(code, out, err, f"could not save {target}", "disk is full", "unchanged")
    assert calls, "the save never wrote"
    assert os.listdir(tmp_path) == ["m.safetensors"] and target.read_bytes() == b"previous model"
