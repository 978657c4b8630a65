"""A small CNN reaches >= 98% test accuracy on scikit-learn's 8×8 digits (issue 5's target).

Stratified 80/20 split with seed 0, images channels-first ``(n, 1, 8, 8)``; float32, Adam,
20 epochs of batches of 32 — a few seconds on 2 cores. Seeds 0–7 of this network reach
98.1–99.4% (measured when the test was written; seed 0, used here, 99.4%).

BLAS runs on one thread here: when other processes keep the 2 cores busy (pytest-xdist, other
jobs), OpenBLAS's second thread waits to be scheduled at every one of these small matrix
products, and the same training took 45 s instead of 6 s in a measurement.
"""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from glassnet import Dense, Network
from glassnet.datasets import load_digits
from glassnet.layers.conv import Conv2D
from glassnet.layers.dropout import Dropout
from glassnet.layers.pooling import MaxPool2D
from glassnet.layers.reshape import Flatten
from glassnet.training import fit


def test_cnn_reaches_98_percent_on_digits():
    X_train, X_test, y_train, y_test = load_digits(split=True, test_size=0.2, seed=0, images=True)
    assert X_train.shape == (1437, 1, 8, 8)
    net = Network([Conv2D(16, 3, padding="same", activation="relu", kernel_initializer="he_uniform"),
                   Conv2D(32, 3, padding="same", activation="relu", kernel_initializer="he_uniform"),
                   MaxPool2D(2), Flatten(), Dropout(0.25),
                   Dense(128, "relu", kernel_initializer="he_uniform"), Dense(10, "softmax")],
                  loss="categorical_crossentropy", input_shape=(1, 8, 8), dtype="float32", seed=0)
    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        history = fit(net, X_train, y_train, epochs=20, batch_size=32, optimizer="adam", learning_rate=1e-3,
                      verbose=0)
        elapsed = time.perf_counter() - start
    accuracy = float(np.mean(net.forward(X_test).argmax(axis=1) == y_test))
    assert accuracy >= 0.98, f"test accuracy {accuracy:.4f}"
    assert history.history["loss"][-1] < history.history["loss"][0] / 10
    assert net.forward(X_test).dtype == np.float32
    assert elapsed < 60, f"training took {elapsed:.1f} s"
