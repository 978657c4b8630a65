"""The seed's worked example (Matt Mazur's "A Step by Step Backpropagation Example").

A 2-2-2 network, sigmoid everywhere, total error E = Σ ½ (target − out)², learning
rate 0.5, biases held fixed. Every number asserted below is the published one, to the
digits printed there, and the arithmetic that produces it is written out beside it
(in the manner of scikit-learn's ``test_fit``).

Names: w1 = W1[0, 0], w2 = W1[0, 1], w3 = W1[1, 0], w4 = W1[1, 1] (input → hidden);
w5 = W2[0, 0], w6 = W2[0, 1], w7 = W2[1, 0], w8 = W2[1, 1] (hidden → output).
"""

from __future__ import annotations

import numpy as np

from glassnet import Dense, Network

X = np.array([[0.05, 0.10]])          # i1, i2
Y = np.array([[0.01, 0.99]])          # targets of o1, o2


def seed_network() -> Network:
    net = Network([Dense(2, "sigmoid", W=[[0.15, 0.20], [0.25, 0.30]], b=[0.35, 0.35]),
                   Dense(2, "sigmoid", W=[[0.40, 0.45], [0.50, 0.55]], b=[0.60, 0.60])],
                  loss="total_error", input_shape=2)
    return net.freeze("b1", "b2")


def test_forward_pass_and_total_error():
    net = seed_network()
    out = net.forward(X)
    hidden, output = net.layers
    # net_h1 = w1·i1 + w2·i2 + b1 = 0.15·0.05 + 0.20·0.10 + 0.35 = 0.3775
    assert round(hidden.net[0, 0], 4) == 0.3775
    # out_h1 = 1 / (1 + e^−0.3775) = 0.593269992;  likewise out_h2 = σ(0.3925) = 0.596884378
    assert round(hidden.out[0, 0], 9) == 0.593269992
    assert round(hidden.out[0, 1], 9) == 0.596884378
    # net_o1 = w5·out_h1 + w6·out_h2 + b2 = 0.40·0.593269992 + 0.45·0.596884378 + 0.60 = 1.105905967
    assert round(output.net[0, 0], 9) == 1.105905967
    # out_o1 = σ(1.105905967) = 0.75136507;  out_o2 = σ(1.224921404) = 0.772928465
    assert round(out[0, 0], 8) == 0.75136507
    assert round(out[0, 1], 9) == 0.772928465
    # E_total = ½(0.01 − 0.75136507)² + ½(0.99 − 0.772928465)² = 0.274811083 + 0.023560026 = 0.298371109
    assert round(net.loss_value(X, Y), 9) == 0.298371109


def test_backward_pass_chain_rule_factors():
    net = seed_network()
    _, grads = net.gradients(X, Y)
    hidden, output = net.layers
    # ∂E/∂out_o1 = −(target_o1 − out_o1) = −(0.01 − 0.75136507) = 0.74136507
    # ∂out_o1/∂net_o1 = out_o1 (1 − out_o1) = 0.75136507 · (1 − 0.75136507) = 0.186815602
    # δ_o1 = ∂E/∂net_o1 = 0.74136507 · 0.186815602 = 0.138498562
    assert round(output.dout[0, 0], 8) == 0.74136507
    assert round(output.delta[0, 0], 9) == 0.138498562
    # ∂E/∂w5 = δ_o1 · ∂net_o1/∂w5 = 0.138498562 · out_h1 = 0.138498562 · 0.593269992 = 0.082167041
    assert round(grads["W2"][0, 0], 9) == 0.082167041
    # ∂E/∂out_h1 = δ_o1 · w5 + δ_o2 · w7 = 0.138498562 · 0.40 + (−0.038098236) · 0.50
    #            = 0.055399425 − 0.019049119 = 0.036350306
    assert abs(output.delta[0, 1] - -0.038098236) < 1e-9  # −0.0380982365…, printed cut, not rounded
    assert round(hidden.dout[0, 0], 9) == 0.036350306
    # ∂out_h1/∂net_h1 = out_h1 (1 − out_h1) = 0.593269992 · 0.406730008 = 0.241300709
    assert round(hidden.delta[0, 0] / hidden.dout[0, 0], 9) == 0.241300709
    # ∂E/∂w1 = ∂E/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1 = 0.036350306 · 0.241300709 · 0.05 = 0.000438568
    assert round(grads["W1"][0, 0], 9) == 0.000438568


def test_one_round_of_gradient_descent():
    net = seed_network()
    before = net.train_step(X, Y, learning_rate=0.5)
    assert round(before, 9) == 0.298371109
    W1, W2 = net.params["W1"], net.params["W2"]
    # w5+ = w5 − η ∂E/∂w5 = 0.40 − 0.5 · 0.082167041 = 0.35891648
    assert round(W2[0, 0], 8) == 0.35891648
    # w6+ = 0.45 − 0.5 · (δ_o1 · out_h2) = 0.45 − 0.5 · 0.082667628 = 0.408666186
    assert round(W2[0, 1], 9) == 0.408666186
    # w7+ = 0.50 − 0.5 · (δ_o2 · out_h1) = 0.50 − 0.5 · (−0.022602540) = 0.511301270
    assert round(W2[1, 0], 9) == 0.511301270
    # w8+ = 0.55 − 0.5 · (δ_o2 · out_h2) = 0.55 − 0.5 · (−0.022740242) = 0.561370121
    assert round(W2[1, 1], 9) == 0.561370121
    # w1+ = w1 − η ∂E/∂w1 = 0.15 − 0.5 · 0.000438568 = 0.149780716
    assert round(W1[0, 0], 9) == 0.149780716
    # w2+ = 0.20 − 0.5 · (0.036350306 · 0.241300709 · 0.10) = 0.20 − 0.5 · 0.000877135 = 0.19956143
    assert round(W1[0, 1], 8) == 0.19956143
    # ∂E/∂out_h2 = δ_o1 · w6 + δ_o2 · w8 = 0.138498562 · 0.45 − 0.038098236 · 0.55 = 0.041370323
    # ∂out_h2/∂net_h2 = 0.596884378 · (1 − 0.596884378) = 0.240613417
    # w3+ = 0.25 − 0.5 · (0.041370323 · 0.240613417 · 0.05) = 0.25 − 0.5 · 0.000497713 = 0.24975114
    assert round(W1[1, 0], 8) == 0.24975114
    # w4+ = 0.30 − 0.5 · (0.041370323 · 0.240613417 · 0.10) = 0.30 − 0.5 · 0.000995425 = 0.29950229
    assert round(W1[1, 1], 8) == 0.29950229
    # the biases were frozen: they did not move
    assert net.params["b1"].tolist() == [0.35, 0.35] and net.params["b2"].tolist() == [0.60, 0.60]


def test_error_after_one_round_agrees_with_the_published_weights():
    # Feeding the published updated weights forward gives E = 0.291027774: glassnet's
    # own step lands on the same error. (The article prints 0.291027924, which its code
    # obtained by backpropagating to the hidden layer through the already-updated
    # w5..w8; the published weights above are the textbook simultaneous update.)
    published = Network([Dense(2, "sigmoid", W=[[0.149780716, 0.19956143], [0.24975114, 0.29950229]],
                               b=[0.35, 0.35]),
                         Dense(2, "sigmoid", W=[[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
                               b=[0.60, 0.60])], loss="total_error", input_shape=2)
    net = seed_network()
    net.train_step(X, Y, learning_rate=0.5)
    assert round(published.loss_value(X, Y), 9) == 0.291027774
    assert round(net.loss_value(X, Y), 9) == 0.291027774


def test_ten_thousand_rounds_match_a_plain_numpy_loop():
    # An independent implementation of the same textbook update, written out in NumPy.
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    W1, W2 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])
    x, t, b1, b2 = X[0], Y[0], 0.35, 0.60
    for _ in range(10_000):
        h = sigma(W1 @ x + b1)
        o = sigma(W2 @ h + b2)
        d2 = (o - t) * o * (1 - o)             # δ_o = −(t − o) · o(1 − o)
        d1 = (W2.T @ d2) * h * (1 - h)          # δ_h = Σ_o δ_o w_ho · h(1 − h)
        W2 = W2 - 0.5 * np.outer(d2, h)
        W1 = W1 - 0.5 * np.outer(d1, x)
    net = seed_network()
    for _ in range(10_000):
        net.train_step(X, Y, learning_rate=0.5)
    np.testing.assert_allclose(net.params["W1"], W1, rtol=1e-12)
    np.testing.assert_allclose(net.params["W2"], W2, rtol=1e-12)
    # the error has fallen from 0.298 to 3.51e-05; outputs approach the targets 0.01, 0.99
    assert round(net.loss_value(X, Y), 10) == 0.0000351019
    out = net.forward(X)[0]
    assert round(out[0], 6) == 0.015914 and round(out[1], 6) == 0.984064
