"""Convolution and max pooling, explained: the numbers against PyTorch, the routing of the gradient."""

import numpy as np
import pytest
import torch

from glassnet.cli import main
from glassnet.explain import explain_conv
from glassnet.explain.convolution import DEFAULT_IMAGE, DEFAULT_KERNEL
from glassnet.explain.formula import evaluate
from glassnet.explain.render_html import render_html


def _torch(image, kernel, bias, act):
    x = torch.tensor(np.asarray(image, float))[None, None]
    w = torch.tensor(np.asarray(kernel, float))[None, None].requires_grad_()
    b = torch.tensor([float(bias)], dtype=torch.float64, requires_grad=True)
    net = torch.nn.functional.conv2d(x, w, b)
    net.retain_grad()
    out = {"identity": lambda z: z, "relu": torch.relu, "tanh": torch.tanh}[act](net)
    out.retain_grad()
    pool = torch.nn.functional.max_pool2d(out, 2)
    E = 0.5 * (pool ** 2).sum()                       # total_error with zero targets
    E.backward()
    return E.item(), net.detach().numpy()[0, 0], pool.detach().numpy()[0, 0], out.grad.numpy()[0, 0], \
        w.grad.numpy()[0, 0], b.grad.item()


@pytest.mark.parametrize("act", ["identity", "relu", "tanh"])
def test_numbers_match_pytorch(act):
    rng = np.random.default_rng(len(act))
    image, kernel = rng.normal(size=(5, 5)), rng.normal(size=(2, 2))
    e = explain_conv(image, kernel, bias=0.3, activation=act)
    E, net, pool, dout, dW, db = _torch(image, kernel, 0.3, act)
    assert e.step("E").value == pytest.approx(E, rel=1e-12)
    for p in range(4):
        for q in range(4):
            assert e.step(f"net_{p + 1}{q + 1}").value == pytest.approx(net[p, q], rel=1e-12, abs=1e-14)
    for P in range(2):
        for Q in range(2):
            assert e.step(f"pool_{P + 1}{Q + 1}").value == pytest.approx(pool[P, Q], rel=1e-12)
    for i in range(2):
        for j in range(2):
            assert e.step(f"∂E/∂w_{i + 1}{j + 1}").value == pytest.approx(dW[i, j], rel=1e-10)
    assert e.step("∂E/∂b").value == pytest.approx(db, rel=1e-10)
    grid = e.section("Backward: max pooling").items[-1]
    np.testing.assert_allclose(np.array([row[1:] for row in grid.rows], float), dout, rtol=1e-12)


def test_each_output_cell_is_four_multiply_adds_and_each_formula_computes_its_value():
    e = explain_conv()
    s = e.step("net_11")
    # x_11..x_22 = 1 2 / 0 1 and the kernel 1 −1 / 0.5 2: 1·1 + (−1)·2 + 0.5·0 + 2·1 = 1
    assert s.substituted == "1 · 1 + (−1) · 2 + 0.5 · 0 + 2 · 1 + 0" and s.value == 1
    for step in e.steps:
        if step.substituted:
            assert evaluate(step.substituted) == pytest.approx(step.value, abs=1e-9), step.quantity


def test_max_pooling_routes_the_gradient_to_the_winner_only():
    e = explain_conv()
    # window 1 holds net_11..net_22 = 1, 8.5, 0, 0: net_12 wins and takes all of ∂E/∂pool_11 = 8.5
    assert e.step("pool_11").note == "the winner is net_12"
    assert e.step("∂E/∂net_12").value == e.step("∂E/∂pool_11").value == 8.5
    grid = np.array([row[1:] for row in e.section("Backward: max pooling").items[-1].rows], float)
    assert np.count_nonzero(grid) == 4
    # ∂E/∂w_11 = Σ over the winners of δ · x: 8.5·2 + 5·2 + 8.5·2 + 5·2 = 54
    assert e.step("∂E/∂w_11").value == 54


def test_renders_and_cli(capsys):
    e = explain_conv(np.asarray(DEFAULT_IMAGE), DEFAULT_KERNEL)
    assert render_html(e, strict=True).count("<math") >= len(e.steps)
    assert main(["explain", "conv"]) == 0
    out = capsys.readouterr().out
    assert "the winner takes the whole gradient" in out and max(map(len, out.splitlines())) <= 100


@pytest.mark.parametrize("kwargs, message", [
    ({"image": [[1, 2, np.nan], [0, 1, 2], [1, 1, 1]]}, r"image contains nan at row 0, column 2"),
    ({"image": [[1, 2], [3]]}, r"image could not be read"),
    ({"image": [1, 2, 3]}, r"image must be a 2-D array"),
    ({"kernel": [[1, np.inf], [0, 1]]}, r"kernel contains inf"),
    ({"kernel": "abc"}, r"kernel could not be read"),
    ({"bias": np.nan}, r"bias must be a finite number; got nan"),
    ({"bias": True}, r"bias must be a finite number; got True"),
    ({"bias": "1"}, r"bias must be a finite number"),
    ({"targets": [0, 0, np.nan, 0]}, r"targets contains nan"),
    ({"targets": [0, 0, 0]}, r"targets must hold 4 values, one per pooled output \(2×2\); got 3"),
    ({"digits": 0}, r"digits must be a whole number ≥ 1"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explain_conv(**kwargs)
