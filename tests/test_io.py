"""Model files: round trips, what save refuses, every kind of damaged or hostile file.

Oracles: the safetensors library reads what glassnet writes (and PyTorch runs it, via the
documented recipe); damaged files are made by flipping every single bit or cutting at every
length. Checkpoints are tested in test_checkpoints.py, saves that fail half-way in test_files.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import load_file

import glassnet.io as gio
from glassnet import Dense, ModelFileError, Network, _safetensors, activations, datasets, losses
from glassnet.activations import Activation
from model_file_helpers import small_net


def parts(path):
    """(header dict, data bytes) of a safetensors file."""
    raw = Path(path).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def write_raw(path, header: dict, data: bytes) -> None:
    text = json.dumps(header).encode()
    Path(path).write_bytes(len(text).to_bytes(8, "little") + text + data)


def rewrite(path, edit_architecture=None, tensors=None, **meta_changes):
    """Re-encode a glassnet file with a changed architecture/tensors and a *valid* checksum,
    so that the defect under test is the only thing wrong with it."""
    header, data = parts(path)
    meta = header.pop("__metadata__")
    meta.pop("sha256")
    if tensors is None:
        tensors = {name: np.frombuffer(data[s["data_offsets"][0]:s["data_offsets"][1]],
                                       dtype={"F32": "<f4", "F64": "<f8"}[s["dtype"]]).reshape(s["shape"])
                   for name, s in header.items()}
    if edit_architecture:
        arch = json.loads(meta["architecture"])
        edit_architecture(arch)
        meta["architecture"] = json.dumps(arch)
    meta.update(meta_changes)
    chunks = _safetensors.encode(tensors, meta)
    Path(path).write_bytes(b"".join(bytes(c) for c in chunks))


def refused(path, *words):
    with pytest.raises(ModelFileError) as info:
        gio.load(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_bit_identical(tmp_path, dtype):
    net = small_net(dtype, seed=3)
    net.freeze("b1")
    path = tmp_path / "m.safetensors"
    gio.save(net, path, metadata={"optimizer": "adam", "lr": 0.001})
    back = gio.load(path)
    assert back.dtype == np.dtype(dtype)
    assert gio.architecture(back) == gio.architecture(net)
    assert back.trainable == {"W1": True, "b1": False, "W2": True, "b2": True}
    for name, value in net.params.items():
        assert back.params[name].dtype == value.dtype
        assert back.params[name].tobytes() == value.tobytes(), name
    X = np.random.default_rng(0).normal(size=(7, 2)).astype(dtype)
    assert np.array_equal(back.predict(X), net.predict(X))
    summary = gio.info(path)
    assert summary["training"] == {"optimizer": "adam", "lr": 0.001}
    assert summary["n_params"] == 17 and summary["format"] == "model"


def test_round_trip_of_every_layer_kind_with_batchnorm_buffers(tmp_path):
    from glassnet.layers.batchnorm import BatchNorm
    from glassnet.layers.conv import Conv2D
    from glassnet.layers.dropout import Dropout
    from glassnet.layers.pooling import AveragePool2D, MaxPool2D
    from glassnet.layers.reshape import Flatten, Reshape

    net = Network([Reshape((1, 6, 6)), Conv2D(3, 3, activation="relu"), BatchNorm(), MaxPool2D(2),
                   AveragePool2D(1), Flatten(), Dropout(0.25), Dense(4, "tanh"), Dense(2, "softmax")],
                  loss="categorical_crossentropy", input_shape=36, seed=0, l2=0.01)
    X = np.random.default_rng(0).normal(size=(8, 36))
    for _ in range(2):  # training moves BatchNorm's running statistics away from their initial 0 and 1
        net.train_step(X, np.eye(2)[np.arange(8) % 2], 0.1)
    path = tmp_path / "cnn.safetensors"
    gio.save(net, path)
    assert set(load_file(path)) == {"W1", "b1", "gamma2", "beta2", "running_mean2", "running_var2",
                                    "W3", "b3", "W4", "b4"}
    back = gio.load(path)
    assert gio.architecture(back) == gio.architecture(net) and back.l2 == 0.01
    bn, bn_back = net.layers[2], back.layers[2]
    for name in ("running_mean", "running_var"):
        assert not np.all(bn.state[name] == (name == "running_var"))
        assert bn_back.state[name].tobytes() == bn.state[name].tobytes()
    assert np.array_equal(back.predict(X), net.predict(X))  # inference uses the running statistics


def test_the_safetensors_library_reads_what_glassnet_writes(saved):
    net = gio.load(saved)
    tensors = load_file(saved)  # the reference implementation, independent of glassnet's reader
    assert sorted(tensors) == ["W1", "W2", "b1", "b2"]
    for name, value in tensors.items():
        assert np.array_equal(value, net.params[name])
    with safe_open(saved, framework="np") as f:
        meta = f.metadata()
    assert json.loads(meta["architecture"])["layers"][0] == {"kind": "dense",
                                                             "config": {"units": 3, "activation": "tanh"}}
    # the checksum is SHA-256 of the canonical header without it, then the data — recompute it independently
    header, data = parts(saved)
    sha = header["__metadata__"].pop("sha256")
    canonical = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical + data).hexdigest() == sha


def test_a_registered_custom_activation_round_trips(tmp_path):
    swish = Activation("swish_io_test", value=lambda net: net * activations.sigmoid(net),
                       derivative=lambda net, out: out + activations.sigmoid(net) * (1 - out))
    activations.register(swish)
    try:
        net = Network([Dense(2, swish)], input_shape=2, seed=0)
        gio.save(net, tmp_path / "m.safetensors")
        assert gio.load(tmp_path / "m.safetensors").layers[0].activation is swish
    finally:
        activations._REGISTRY.pop("swish_io_test")


# ---------------------------------------------------------------- what save refuses

def test_save_refuses_unregistered_activation_loss_and_layer(tmp_path):
    path = tmp_path / "m.safetensors"
    custom = Activation("cube", value=lambda net: net ** 3, derivative=lambda net, out: 3 * net ** 2)
    with pytest.raises(ModelFileError, match=r"'cube'.*register"):
        gio.save(Network([Dense(2, custom)], input_shape=2), path)
    lookalike = Activation("leaky_relu", value=lambda net: net, derivative=lambda net, out: np.ones_like(net))
    with pytest.raises(ModelFileError, match=r"'leaky_relu'.*user-defined.*register"):
        gio.save(Network([Dense(2, lookalike)], input_shape=2), path)
    loss = losses.Loss("l1_io_test", per_sample=lambda o, t: np.abs(o - t).sum(axis=1),
                       grad=lambda o, t: np.sign(o - t))
    with pytest.raises(ModelFileError, match=r"'l1_io_test'.*register"):
        gio.save(Network([Dense(2)], loss=loss, input_shape=2), path)

    class MyDense(Dense):
        kind = "my_dense"

    with pytest.raises(ModelFileError, match=r"MyDense.*register_layer"):
        gio.save(Network([MyDense(2)], input_shape=2), path)
    assert os.listdir(tmp_path) == []


def test_save_refuses_nan_weights(tmp_path):
    net = small_net()
    net.params["W2"][1, 0] = np.nan
    with pytest.raises(ModelFileError, match=r"W2 holds 1 NaN/inf"):
        gio.save(net, tmp_path / "m.safetensors")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- damaged files

def test_every_truncation_is_refused(saved, tmp_path):
    raw = saved.read_bytes()
    cut = tmp_path / "cut.safetensors"
    for n in range(len(raw)):
        cut.write_bytes(raw[:n])
        with pytest.raises(ModelFileError):
            gio.load(cut)
    cut.write_bytes(raw[:-1])
    refused(cut, "truncated")


def test_every_single_bit_flip_is_detected(tmp_path):
    """safetensors has no checksum; glassnet's SHA-256 (and the structural checks) catch every flipped bit."""
    path = tmp_path / "tiny.safetensors"
    gio.save(Network([Dense(1, "sigmoid")], input_shape=2, dtype="float32", seed=0), path)
    raw = bytearray(path.read_bytes())
    flipped = tmp_path / "flipped.safetensors"
    messages = set()
    for i in range(len(raw)):
        for bit in range(8):
            raw[i] ^= 1 << bit
            flipped.write_bytes(raw)
            raw[i] ^= 1 << bit
            with pytest.raises(ModelFileError) as info:
                gio.load(flipped)
            messages.add(str(info.value).split(": ", 1)[1][:20])
    assert len(messages) > 5  # refused for many different reasons, each named


def test_a_flipped_data_bit_fails_the_checksum(saved):
    raw = bytearray(saved.read_bytes())
    raw[-3] ^= 0x01  # inside b2's last float: still a finite number, just a different one
    saved.write_bytes(raw)
    refused(saved, "checksum")


def test_non_finite_weights_are_refused(saved):
    net = small_net()
    tensors = net.get_params()
    tensors["b1"][0] = np.inf
    rewrite(saved, tensors=tensors)  # a valid checksum: only the value is wrong
    refused(saved, "'b1'", "NaN or infinite")


def test_huge_header_length(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes((2**60).to_bytes(8, "little") + b"{}")
    refused(path, "header", "more than")
    path.write_bytes((1000).to_bytes(8, "little") + b"{}")
    refused(path, "only 2 bytes follow")


@pytest.mark.parametrize("text, words", [
    (b"{not json at all}", ["not valid JSON"]),
    (b'{"W1": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}, "W1": {}}', ["duplicate key"]),
    (b'{"__metadata__": {"a": "b"}, "x": NaN}', ["not valid JSON"]),
    (b"{\xff\xfe}", ["not valid JSON"]),
    (b"[1, 2, 3]", ["does not start with '{'"]),
    (b'{"x": ' * 100_000, ["not valid JSON"]),
])
def test_malformed_header(tmp_path, text, words):
    path = tmp_path / "m.safetensors"
    path.write_bytes(len(text).to_bytes(8, "little") + text)
    refused(path, *words)


@pytest.mark.parametrize("specs, data_len, words", [
    ({"W1": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
      "b1": {"dtype": "F64", "shape": [2], "data_offsets": [8, 24]}}, 24, ["overlaps"]),
    ({"W1": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 16]}}, 16, ["needs 32 bytes", "span 16"]),
    ({"W1": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}, 16, ["gap of 8 bytes"]),
    ({"W1": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}, 16, ["trailing bytes"]),
    ({"W1": {"dtype": "F64", "shape": [4], "data_offsets": [0, 32]}}, 16, ["truncated"]),
    ({"W1": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, 8, ["dtype 'I64'", "F32 or F64"]),
    ({"W1": {"dtype": "F64", "shape": [-1], "data_offsets": [0, 8]}}, 8, ["shape [-1]"]),
    ({"W1": {"dtype": "F64", "shape": [1], "data_offsets": [8, 0]}}, 8, ["data_offsets [8, 0]"]),
    ({"W1": {"dtype": "F64", "shape": [1]}}, 8, ["exactly dtype, shape and data_offsets"]),
])
def test_inconsistent_tensor_table(saved, specs, data_len, words):
    meta = parts(saved)[0]["__metadata__"]
    write_raw(saved, {"__metadata__": meta, **specs}, bytes(data_len))
    refused(saved, *words)


def test_safetensors_file_without_glassnet_metadata(tmp_path):
    path = tmp_path / "m.safetensors"
    write_raw(path, {"W1": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}, bytes(8))
    refused(path, "no glassnet metadata")


def test_newer_format_version(saved):
    rewrite(saved, format_version="2")
    refused(saved, "format_version '2'", "upgrade glassnet")


# ---------------------------------------------------------------- hostile architectures

def test_unknown_layer_kind(saved):
    rewrite(saved, lambda arch: arch["layers"][1].update(kind="transformer"))
    refused(saved, "layer 2", "unknown kind 'transformer'", "dense")


def test_an_importable_path_as_layer_kind_is_never_imported(saved, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    monkeypatch.setattr(gio.importlib, "import_module", lambda *a, **k: calls.append(a))
    for kind in ("os.system", "subprocess:Popen", "glassnet.layers.dense.Dense"):
        rewrite(saved, lambda arch: arch["layers"][0].update(kind=kind, config={"command": "echo hacked"}))
        refused(saved, f"unknown kind '{kind}'", "never code")
    assert calls == []


def test_unknown_activation(saved):
    rewrite(saved, lambda arch: arch["layers"][0]["config"].update(activation="os.system"))
    refused(saved, "layer 1", "unknown activation 'os.system'", "sigmoid")


def test_unknown_loss(saved):
    rewrite(saved, lambda arch: arch.update(loss="pickle.loads"))
    refused(saved, "unknown loss 'pickle.loads'")


def test_layer_config_that_does_not_build(saved):
    rewrite(saved, lambda arch: arch["layers"][0]["config"].update(units=-3))
    refused(saved, "layer 1 (dense) cannot be rebuilt", "positive integer")
    rewrite(saved, lambda arch: arch["layers"][0]["config"].update(evil=1))
    refused(saved, "layer 1 (dense) cannot be rebuilt", "evil")


def test_a_huge_layer_is_refused_before_allocating(saved):
    rewrite(saved, lambda arch: arch["layers"][0]["config"].update(units=10**9))
    refused(saved, "layer 1 (dense) would create 3,000,000,000 parameters", "the file holds only 17 values")


def test_parameter_shapes_are_known_before_building_each_glassnet_layer():
    """The allocation-free shape table in glassnet.io agrees with what each layer's build() creates."""
    from glassnet.layers.batchnorm import BatchNorm
    from glassnet.layers.conv import Conv2D
    from glassnet.layers.dropout import Dropout
    from glassnet.layers.pooling import AveragePool2D, MaxPool2D
    from glassnet.layers.reshape import Flatten, Reshape

    cases = [(Dense(3), (4,)), (Dense(3, use_bias=False), (4,)), (Conv2D(2, (3, 2)), (3, 6, 5)),
             (Conv2D(2, 3, use_bias=False), (1, 5, 5)), (BatchNorm(), (3, 4, 4)), (BatchNorm(), (5,)),
             (MaxPool2D(2), (1, 4, 4)), (AveragePool2D(2), (1, 4, 4)), (Flatten(), (1, 4, 4)),
             (Reshape((16,)), (1, 4, 4)), (Dropout(0.5), (4,))]
    builtin = {kind for kind, cls in gio.layer_kinds().items() if cls.__module__.startswith("glassnet.layers.")}
    assert builtin == {type(layer).kind for layer, _ in cases}  # a new layer kind must be added here
    for layer, shape in cases:
        predicted = gio._param_shapes(layer, shape)
        layer.build(shape, np.random.default_rng(0), np.float64)
        assert predicted == {name: p.shape for name, p in layer.params.items()}, layer


def test_a_mid_sized_cnn_loads_and_a_huge_conv_does_not(tmp_path):
    from glassnet.layers.conv import Conv2D

    path = tmp_path / "cnn.safetensors"
    net = Network([Conv2D(8, 3, padding="same")], input_shape=(8, 64, 64), seed=0)  # in × out > 10⁹
    gio.save(net, path)
    assert gio.load(path).params["W1"].tobytes() == net.params["W1"].tobytes()
    rewrite(path, lambda arch: arch["layers"][0]["config"].update(filters=10**8))
    refused(path, "layer 1 (conv2d) would create 7,300,000,000 parameters")  # W 10⁸·8·3·3 + b 10⁸


def test_a_registered_custom_layer_is_bounded_by_its_input_and_output_sizes(tmp_path):
    class Wide(Dense):
        kind = "wide_io_test"

    gio.register_layer(Wide)
    try:
        assert "dense" in gio.layer_kinds()
        path = tmp_path / "wide.safetensors"
        gio.save(Network([Wide(3)], input_shape=2, seed=0), path)
        assert type(gio.load(path).layers[0]) is Wide
        rewrite(path, lambda arch: arch["layers"][0]["config"].update(units=10**9))
        refused(path, "would create up to 3,000,000,003 parameters")
    finally:
        gio._LAYER_KINDS.pop("wide_io_test")


# ---------------------------------------------------------------- weights that do not fit

@pytest.mark.parametrize("change, words", [
    (lambda t: t.update(W1=np.zeros((2, 3))), ["'W1' has shape [2, 3]", "needs [3, 2]"]),
    (lambda t: t.pop("b2"), ["'b2' (shape [2]) is missing"]),
    (lambda t: t.update(W3=np.zeros(2)), ["'W3'", "no place for"]),
    (lambda t: t.update(W1=t["W1"].astype(np.float32)), ["'W1' is F32", "float64"]),
])
def test_weights_that_do_not_fit_the_architecture(saved, change, words):
    tensors = small_net().get_params()
    change(tensors)
    rewrite(saved, tensors=tensors)
    refused(saved, *words)


def test_trainable_flags_must_name_the_parameters(saved):
    rewrite(saved, trainable=json.dumps({"W1": True, "b1": "yes", "W2": True, "b2": True}))
    refused(saved, "trainable flags")


# ---------------------------------------------------------------- not a glassnet file at all

class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    assert pickle.dumps(_Payload(marker))  # the payload is real: unpickling it would create the marker
    for protocol in (2, 4, 5, 0):
        path = tmp_path / "model.safetensors"
        path.write_bytes(pickle.dumps(_Payload(marker), protocol=protocol))
        with pytest.raises(ModelFileError) as info:
            gio.load(path)
        assert str(path) in str(info.value)
        if protocol >= 2:
            assert "pickle" in str(info.value)
    assert not marker.exists()


def test_a_header_length_that_looks_like_a_pickle_signature_still_loads(tmp_path):
    # a 640-byte header is stored as 80 02 00 …: the first two bytes of a protocol-2 pickle
    path = tmp_path / "m.safetensors"
    net = Network([Dense(1)], input_shape=1, seed=0)  # its header is 528 bytes with an empty note
    gio.save(net, path, metadata={"note": "x" * (640 - 528)})
    assert path.read_bytes()[:3] == b"\x80\x02\x00"
    assert gio.load(path).params["W1"].tobytes() == net.params["W1"].tobytes()


def test_npz_npy_and_text_files_are_refused(tmp_path):
    np.savez(tmp_path / "weights.npz", W1=np.ones((3, 2)))
    refused(tmp_path / "weights.npz", "zip archive", ".npz")
    np.save(tmp_path / "w.npy", np.ones(3))
    refused(tmp_path / "w.npy", ".npy")
    (tmp_path / "data.csv").write_text("sepal_length,sepal_width\n5.1,3.5\n")    # not "a 7,308,…-byte header"
    assert "byte header" not in refused(tmp_path / "data.csv", "is a text file", "not a glassnet model file")
    datasets.write_idx(tmp_path / "labels-idx1-ubyte", np.arange(10, dtype=np.uint8))
    refused(tmp_path / "labels-idx1-ubyte", "is an IDX data file")
    (tmp_path / "short.csv").write_text("a,b\n")
    refused(tmp_path / "short.csv", "only 4 bytes")
    (tmp_path / "empty").write_bytes(b"")
    refused(tmp_path / "empty", "only 0 bytes")
    refused(tmp_path / "missing.safetensors", "no such file")
    refused(tmp_path, "folder")


def test_looks_like_safetensors_reads_only_the_start(saved, tmp_path):
    assert _safetensors.looks_like_safetensors(saved)
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    np.savez(tmp_path / "d.npz", X=np.ones(2))
    for path in (tmp_path / "data.csv", tmp_path / "d.npz", tmp_path / "missing", tmp_path):
        assert not _safetensors.looks_like_safetensors(path)


# ---------------------------------------------------------------- what the bare network does not apply


@pytest.mark.parametrize("training, words", [
    ({"task": "classify", "standardize": {"mean": [0.0, 1.0], "std": [1.0, 2.0]}}, ["standardised inputs"]),
    ({"task": "regress", "standardize": {"mean": [0.0, 1.0], "std": [1.0, 2.0]},
      "target_scale": {"mean": [3.0, 0.0], "std": [2.0, 1.0]}}, ["standardised inputs and scaled targets"]),
])
def test_load_warns_when_the_file_records_scaling_it_does_not_apply(tmp_path, training, words):
    from glassnet import trained

    path = tmp_path / "scaled.safetensors"
    gio.save(small_net(), path, metadata=training)
    with pytest.warns(UserWarning) as caught:
        gio.load(path)
    assert len(caught) == 1                                   # one warning, whatever the file records
    message = str(caught[0].message)
    assert caught[0].filename == __file__                    # points at the caller's line
    for word in [str(path), f"glassnet.trained.load({str(path)!r})", *words]:
        assert word in message, message
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # the advice it gives works, and quietly
        model = trained.load(path)
    np.testing.assert_array_equal(model.network.get_params()["W1"], small_net().get_params()["W1"])


def test_load_is_quiet_without_scaling(tmp_path, recwarn):
    for name, metadata in [("bare", None), ("plain", {"task": "classify", "standardize": None,
                                                      "target_scale": None}), ("notes", {"lr": 0.1})]:
        gio.save(small_net(), tmp_path / f"{name}.safetensors", metadata=metadata)
        gio.load(tmp_path / f"{name}.safetensors")
    assert not recwarn.list


@pytest.mark.parametrize("metadata", [{"standardize": True}, {"standardize": "yes", "target_scale": [1.0, 2.0]},
                                      {"standardize": {"mean": [0.0, 1.0]}}])
def test_load_is_quiet_about_entries_that_are_not_glassnet_trains_scaling(tmp_path, recwarn, metadata):
    path = tmp_path / "notes.safetensors"
    gio.save(small_net(), path, metadata=metadata)             # the user's own notes, saved with the network
    gio.load(path)
    assert not recwarn.list


# ---------------------------------------------------------------- the documentation

def test_docs_examples_run_including_pytorch(tmp_path, monkeypatch, capsys):
    """Every Python block of docs/model-files.md, in order, after the ``glassnet train`` command it shows
    (on scikit-learn's iris); the last block compares PyTorch's output."""
    import torch  # noqa: F401  (the oracle must be installed: never skipped)
    from sklearn.datasets import load_iris

    from glassnet.cli import main

    text = (Path(__file__).parent.parent / "docs" / "model-files.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    commands = re.findall(r"^\$ (glassnet .*)$", text, flags=re.M)
    assert len(blocks) == 4 and "to_torch" in blocks[-1] and "trained.load" in blocks[1]
    assert commands == ["glassnet train iris.csv --target species --standardize -o iris.safetensors"]
    monkeypatch.chdir(tmp_path)
    iris = load_iris()
    rows = [",".join([*(f"{v:g}" for v in x), iris.target_names[t]]) for x, t in zip(iris.data, iris.target)]
    Path("iris.csv").write_text("sepal_length,sepal_width,petal_length,petal_width,species\n" + "\n".join(rows))
    assert main([*commands[0].split()[1:], "-q"]) == 0
    namespace = {"__name__": "docs_model_files"}
    for block in blocks:
        exec(compile(block, "docs/model-files.md", "exec"), namespace)
    assert "['setosa']\n" in capsys.readouterr().out and namespace["proba"].argmax() == 0   # a setosa
    assert np.allclose(namespace["out"].sum(axis=1), 1.0)  # softmax rows: the comparison ran on real outputs
    assert "torch" in sys.modules


# ---------------------------------------------------------------- parametric activations

_ROUND_TRIP = """
import json, sys
import numpy as np
import glassnet.io as gio
net = gio.load(sys.argv[1])
print(json.dumps({"params": net.layers[0].activation.params,
                  "out": net.predict(np.array([[-1.0, 0.5], [2.0, -3.0]])).tolist()}))
"""


def _in_fresh_process(path) -> dict:
    done = subprocess.run([sys.executable, "-c", _ROUND_TRIP, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_leaky_relu_alpha_survives_a_fresh_process(tmp_path):
    path = tmp_path / "m.safetensors"
    net = Network([Dense(1, activations.leaky_relu(0.2), W=[[1.0, 0.0]], b=[0.0])], input_shape=2)
    gio.save(net, path)
    arch = gio.architecture(gio.load(path))
    assert arch["layers"][0]["config"]["activation"] == {"name": "leaky_relu", "alpha": 0.2}
    got = _in_fresh_process(path)
    # out = net if net > 0 else 0.2 · net, net = x₁: −1 → −0.2, 2 → 2
    assert got == {"params": {"alpha": 0.2}, "out": [[-0.2], [2.0]]}
    # the default slope saves too (it used to be refused)
    gio.save(Network([Dense(2, activations.leaky_relu())], input_shape=2), tmp_path / "d.safetensors")
    assert gio.load(tmp_path / "d.safetensors").layers[0].activation.params == {"alpha": 0.01}


_SAVEABLE = [n for n in activations.names() if activations.get(n).differentiable]


@pytest.mark.parametrize("name", _SAVEABLE)
def test_every_builtin_activation_round_trips_in_a_fresh_process(tmp_path, name):
    path = tmp_path / "m.safetensors"
    loss = "categorical_crossentropy" if name == "softmax" else "total_error"
    first = Network([Dense(2, name)], loss=loss, input_shape=2, seed=3)
    gio.save(first, path)
    got = _in_fresh_process(path)
    want = first.predict(np.array([[-1.0, 0.5], [2.0, -3.0]]))
    np.testing.assert_array_equal(np.array(got["out"]), want)
    assert got["params"] == activations.get(name).params


def test_old_files_naming_leaky_relu_load_with_the_default_slope():
    arch = {"input_shape": [2], "dtype": "float64", "loss": "total_error",
            "layers": [{"kind": "dense", "config": {"units": 2, "activation": "leaky_relu"}}]}
    net = gio._network_from_architecture(arch, "old.safetensors", 2**20)
    assert net.layers[0].activation is activations.get("leaky_relu")
    assert net.layers[0].activation.params == {"alpha": 0.01}


@pytest.mark.parametrize("bad", [{"name": "leaky_relu", "alpha": "x"}, {"name": "leaky_relu", "beta": 1},
                                 {"name": "leaky_relu", "alpha": float("inf")}, {"name": "sigmoid", "alpha": 1},
                                 {"name": "nope"}, {"alpha": 1}, 3])
def test_a_bad_parametric_activation_in_a_file_is_a_model_file_error(bad):
    arch = {"input_shape": [2], "dtype": "float64", "loss": "total_error",
            "layers": [{"kind": "dense", "config": {"units": 2, "activation": bad}}]}
    with pytest.raises(ModelFileError, match="activation"):
        gio._network_from_architecture(arch, "bad.safetensors", 2**20)
