"""The seed's published figures, reproduced to the printed digit by the computation that produces each.

The worked single step is textbook (simultaneous) gradient descent; the error after
the first round and the outputs after 10,000 rounds come from the sequential order;
the printed 10,000-round error is the simultaneous order's error before round
10,000's update (docs/explain.md). The numbers are the published ones, typed in here.
"""

import numpy as np
import pytest

from glassnet.explain import PUBLISHED, explain, explain_seed, seed_network, train
from glassnet.explain.seed import SEED_X, SEED_Y, matches, seed_run


@pytest.fixture(scope="module")
def one_round():
    return explain_seed()


@pytest.mark.parametrize("quantity", sorted(PUBLISHED))
def test_single_step_figures_match_to_the_printed_digit(one_round, quantity):
    published = PUBLISHED[quantity]
    value = one_round.step(quantity).value
    decimals = len(published.split(".")[1])
    assert f"{round(value, decimals):.{decimals}f}" == published


def test_the_chain_rule_for_w5_reads_like_the_seed(one_round):
    step = one_round.step("∂E_total/∂w5")
    assert step.formula == "∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5"
    # 0.74136507 · 0.186815602 · 0.593269992 = 0.082167041 (published)
    assert step.substituted == "0.74136507 · 0.186815602 · 0.593269992"
    assert step.value == pytest.approx(0.74136507 * 0.186815602 * 0.593269992, rel=1e-8)


def test_hidden_gradient_is_the_sum_over_output_paths(one_round):
    s = one_round.step("∂E_total/∂out_h1")
    assert s.formula == "∂E_o1/∂out_h1 + ∂E_o2/∂out_h1"
    # seed: 0.055399425 + (−0.019049119) = 0.036350306
    assert one_round.step("∂E_o1/∂out_h1").value == pytest.approx(0.055399425, abs=1e-9)
    assert one_round.step("∂E_o2/∂out_h1").value == pytest.approx(-0.019049119, abs=1e-9)
    assert s.value == pytest.approx(0.036350306, abs=1e-9)


def test_sequential_order_misses_the_published_hidden_updates():
    e = explain(seed_network(), SEED_X, SEED_Y, 0.5, order="sequential")
    assert e.step("w5⁺").value == pytest.approx(0.35891648, abs=1e-8)   # the output layer is the same
    assert not matches(e.step("w1⁺").value, PUBLISHED["w1⁺"])            # 0.149817639, not 0.149780716
    assert e.step("w1⁺").value == pytest.approx(0.149817638561, abs=1e-11)
    # its hidden paths use the updated w5: 0.138498562 · 0.35891648
    assert e.step("∂net_o1/∂out_h1").quantity == "∂net_o1/∂out_h1"
    assert e.step("∂net_o1/∂out_h1").formula == "w5⁺"


def test_error_after_first_round_is_the_sequential_orders():
    assert matches(seed_run("sequential", 10000).errors[1], "0.291027924")
    assert not matches(seed_run("simultaneous", 10000).errors[1], "0.291027924")


def test_error_after_10000_rounds_is_simultaneous_before_the_last_update():
    simul = seed_run("simultaneous", 10000).errors
    assert matches(simul[9999], "0.0000351085")
    assert not matches(simul[10000], "0.0000351085")
    assert not any(matches(e, "0.0000351085") for e in seed_run("sequential", 10000).errors)


def test_outputs_after_10000_rounds_are_the_sequential_orders():
    seq = seed_run("sequential", 10000).outputs[0]
    assert matches(seq[0], "0.015912196") and matches(seq[1], "0.984065734")
    sim = seed_run("simultaneous", 10000).outputs[0]
    assert not matches(sim[0], "0.015912196") and not matches(sim[1], "0.984065734")


def test_sequential_engine_order_equals_an_independent_numpy_loop():
    # the sequential order written out by hand for the 2-2-2 network (the published code's loop)
    W1, W2 = np.array([[.15, .20], [.25, .30]]), np.array([[.40, .45], [.50, .55]])
    x, t = SEED_X[0], SEED_Y[0]
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for _ in range(3):
        h = sig(W1 @ x + .35)
        o = sig(W2 @ h + .60)
        d2 = (o - t) * o * (1 - o)
        W2 = W2 - 0.5 * np.outer(d2, h)
        d1 = (W2.T @ d2) * h * (1 - h)          # through the *updated* W2
        W1 = W1 - 0.5 * np.outer(d1, x)
    o = sig(W2 @ sig(W1 @ x + .35) + .60)
    run = train(seed_network(), SEED_X, SEED_Y, 0.5, 3, order="sequential")
    np.testing.assert_allclose(run.outputs[0], o, rtol=1e-13)


def test_training_leaves_the_network_unchanged():
    net = seed_network()
    before = net.get_params()
    train(net, SEED_X, SEED_Y, 0.5, 5, order="sequential")
    explain(net, SEED_X, SEED_Y, 0.5)
    for k, v in net.get_params().items():
        np.testing.assert_array_equal(v, before[k])


def test_the_published_error_after_the_round_is_checked_with_the_order_that_gives_it(one_round, capsys):
    from glassnet.cli import main
    table = one_round.section("Checked against the published figures").items[0]
    row = next(r for r in table.rows if r[0] == "E_total⁺")
    # published 0.291027924; this (simultaneous) round gives 0.291027773694, which does not round to it
    assert row[:3] == ["E_total⁺", "0.291027924", "0.291027773694"]
    assert not matches(one_round.step("E_total⁺").value, "0.291027924")
    assert row[3] == "no: sequential order"
    note = " ".join(table.notes)
    assert "0.291027923905" in note and "`glassnet explain seed --update sequential`" in note
    assert "`glassnet explain seed --rounds 10000`" in note
    text = str(one_round).split("Checked against the published figures")[1]
    assert "E_total⁺      0.291027924  0.291027773694   no: sequential order" in text
    # the pointers work: the options exist, and the sequential round prints the published figure
    assert main(["explain", "seed", "--update", "sequential"]) == 0
    out = capsys.readouterr().out
    assert "\nE_total⁺ = 0.291027924\n" in out
    sequential_row = next(ln for ln in out.split("Checked against")[1].splitlines() if ln.startswith("E_total⁺"))
    assert sequential_row.split() == ["E_total⁺", "0.291027924", "0.291027923905", "yes"]
    assert "w1⁺           0.149780716  0.149817638561   no: simultaneous order" in out
    assert main(["explain", "seed", "--rounds", "10000"]) == 0
    assert "0.291027924" in capsys.readouterr().out


def test_the_hidden_layer_introduces_each_outputs_slope_before_using_it(one_round):
    section = one_round.section("Backward pass: hidden layer")
    quantities = [s.quantity for s in section.items]
    first_use = next(k for k, s in enumerate(section.items) if "∂E_o1/∂net_o1" in s.formula)
    assert quantities.index("∂E_o1/∂net_o1") < first_use
    step = one_round.step("∂E_o1/∂net_o1")
    assert step.formula == "∂E_total/∂net_o1"
    assert step.value == one_round.step("∂E_total/∂net_o1").value
    # seed: ∂E_total/∂net_o1 = 0.74136507 · 0.186815602 = 0.138498562
    assert step.value == pytest.approx(0.138498562, abs=1e-9)
    assert "only E_o1 depends on net_o1" in step.note
