"""Network specs in JSON and TOML: the examples load, and every mistake names its field."""

import json
import sys
from pathlib import Path

import pytest

from glassnet import ConfigError
from glassnet.explain import explain, explain_seed
from glassnet.explain.spec import build, load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED = json.loads((EXAMPLES / "seed.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["seed.json", "seed.toml"])
def test_seed_spec_gives_the_seed_example(name):
    if name.endswith(".toml") and sys.version_info < (3, 11):
        pytest.importorskip("tomli")
    spec = load_spec(EXAMPLES / name)
    e = explain(spec.network, spec.X, spec.y, spec.learning_rate)
    reference = explain_seed()
    for q in ("E_total", "∂E_total/∂w5", "w1⁺", "w8⁺"):
        assert e.step(q).value == reference.step(q).value
    assert spec.network.trainable == {"W1": True, "b1": False, "W2": True, "b2": False}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_example_explains(path):
    spec = load_spec(path)
    view = spec.view or "scalar"
    assert explain(spec.network, spec.X, spec.y, spec.learning_rate, view=view, notation=spec.notation or "seed").steps


def _bad(**changes):
    spec = json.loads(json.dumps(SEED))
    for key, value in changes.items():
        target, field = spec, key
        if "__" in key:
            i, field = key.split("__")
            target = spec["layers"][int(i[1:])]
        if value is None:
            target.pop(field, None)
        else:
            target[field] = value
    return spec


@pytest.mark.parametrize("changes, message", [
    ({"L1__weights": None}, r"layers\[1\]: missing field 'weights'"),
    ({"L1__weights": [[0.4, 0.45, 0.1], [0.5, 0.55, 0.1]]}, r"layers\[1\]\.weights: expected shape 2×2 .* got 2×3"),
    ({"L0__weights": [0.1, 0.2]}, r"layers\[0\]\.weights: expected a list of rows"),
    ({"L0__activation": "sigmod"}, r"layers\[0\]\.activation: unknown activation 'sigmod'"),
    ({"L0__activation": "hardlim"}, r"layers\[0\]\.activation: .*no useful derivative"),
    ({"L0__biases": [0.1, 0.2, 0.3]}, r"layers\[0\]\.biases: expected 2 numbers"),
    ({"L0__trainable": ["weigths"]}, r"layers\[0\]\.trainable"),
    ({"L0__units": 3}, r"layers\[0\]\.units is 3 but layers\[0\]\.weights has 2 rows"),
    ({"L0__weight": 1}, r"layers\[0\]: unknown field 'weight'"),
    ({"inputs": None}, r"missing field 'inputs'"),
    ({"targets": [0.1, 0.2, 0.3]}, r"targets: expected 1 sample\(s\) of 2 value"),
    ({"loss": "hinge"}, r"loss: unknown loss 'hinge'"),
    ({"learning_rate": -1}, r"learning_rate: expected a positive number"),
    ({"update": "random"}, r"update: expected 'simultaneous' or 'sequential'"),
    ({"layers": []}, r"layers: expected a non-empty list"),
    ({"lerning_rate": 0.1}, r"unknown field 'lerning_rate'"),
    ({"L0__weights": [[0.1, "x"], [0.2, 0.3]]}, r"layers\[0\]\.weights: expected numbers"),
    ({"view": "tensor"}, r"net.json: view: expected 'scalar' or 'matrix'; got 'tensor'"),
    ({"notation": "rows"}, r"net.json: notation: expected 'seed' or 'batch'; got 'rows'"),
    ({"L0__weights": [[float("nan"), 0.2], [0.25, 0.3]]}, r"layers\[0\]\.weights: values must be finite"),
])
def test_bad_specs_name_the_field(changes, message):
    with pytest.raises(ConfigError, match=message):
        build(_bad(**changes), "net.json")


def test_file_errors(tmp_path):
    (tmp_path / "a.json").write_text('{"inputs": [1, 2],\n "layers": [}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a.json: not valid JSON: .* line 2"):
        load_spec(tmp_path / "a.json")
    (tmp_path / "a.yaml").write_text("x: 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="must end in .json or .toml"):
        load_spec(tmp_path / "a.yaml")
    (tmp_path / "b.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="top level"):
        load_spec(tmp_path / "b.json")


def test_bad_toml_is_reported(tmp_path):
    if sys.version_info < (3, 11):
        pytest.importorskip("tomli")
    (tmp_path / "a.toml").write_text("inputs = [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a.toml: not valid TOML"):
        load_spec(tmp_path / "a.toml")


def test_a_missing_spec_file_is_one_line(tmp_path):
    path = tmp_path / "missing.json"
    with pytest.raises(ConfigError) as info:
        load_spec(path)
    assert str(info.value) == f"{path}: no such file"
