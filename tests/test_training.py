"""The fit loop, L2 regularisation and evaluate, checked against scikit-learn and by hand."""

import signal
import time
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from glassnet import Dense, Network, gradcheck
from glassnet.datasets import load_digits
from glassnet.errors import ConfigError, DataError, DivergenceError
from glassnet.optimizers import SGD, ReduceLROnPlateau, StepDecay
from glassnet.training import Callback, EarlyStopping, ProgressBar, evaluate, fit

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    X = rng.normal(size=(n, 2)) * 0.6 + np.array([[0, 2], [2, -1], [-2, -1]])[y]
    return X, y


def classifier(seed=0, l2=0.0, dtype="float64", hidden=8):
    return Network([Dense(hidden, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy",
                   input_shape=2, seed=seed, l2=l2, dtype=dtype)


class Recorder(Callback):
    """Keeps a copy of the weights at the end of every epoch."""

    def on_train_begin(self, logs):
        self.weights = {-1: self.network.flat_params.copy()}

    def on_epoch_end(self, epoch, logs):
        self.weights[epoch] = self.network.flat_params.copy()


# ---------------------------------------------------------------- targets of the issue


def test_mlp_reaches_97_percent_on_digits_and_matches_sklearn():
    X_train, X_test, y_train, y_test = load_digits(split=True, test_size=0.2, seed=0)
    net = Network([Dense(256, "relu", kernel_initializer="he_uniform"),
                   Dense(128, "relu", kernel_initializer="he_uniform"),
                   Dense(10, "softmax")], loss="categorical_crossentropy", input_shape=64, seed=0)
    # one BLAS thread: with the 2 cores shared (pytest-xdist), a second BLAS thread waits at every small
    # product — scikit-learn's fit below took 5.4 s instead of 0.5 s under such load
    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        history = net.fit(X_train, y_train, epochs=20, batch_size=32, optimizer="adam", learning_rate=1e-3,
                          verbose=0)
        seconds = time.perf_counter() - start
        ours = net.evaluate(X_test, y_test)["accuracy"]
        # the oracle: scikit-learn's MLP with the same sizes, optimizer, batch size and epochs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk = MLPClassifier(hidden_layer_sizes=(256, 128), solver="adam", learning_rate_init=1e-3, batch_size=32,
                               max_iter=20, alpha=0.0, random_state=0).fit(X_train, y_train)
    theirs = sk.score(X_test, y_test)     # measured: 0.9806, and glassnet 0.9806 in 0.3 s
    assert ours >= 0.97, f"glassnet test accuracy {ours:.4f} (scikit-learn {theirs:.4f})"
    assert ours >= theirs - 0.015, f"glassnet {ours:.4f} vs scikit-learn {theirs:.4f}"
    assert history["loss"][-1] < history["loss"][0] / 10
    assert seconds < 60


def test_xor_with_a_2_2_1_sigmoid_network():
    net = Network([Dense(2, "sigmoid"), Dense(1, "sigmoid")], loss="binary_crossentropy", input_shape=2, seed=1)
    history = net.fit(XOR_X, XOR_Y, epochs=2000, batch_size=4, optimizer=SGD(lr=2.0), shuffle=False, verbose=0)
    out = net.predict(XOR_X)[:, 0]
    np.testing.assert_array_equal(out > 0.5, XOR_Y > 0.5)
    assert history["accuracy"][-1] == 1.0 and history["loss"][-1] < 0.05


def test_divergence_stops_restores_last_good_weights_and_says_why():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1
    net = Network([Dense(8, "tanh"), Dense(1)], loss="mse", input_shape=3, seed=0)
    rec = Recorder()
    with pytest.raises(DivergenceError, match=r"diverged in epoch \d+.*Lower the learning rate") as info:
        net.fit(X, y, epochs=100, batch_size=16, optimizer="sgd", learning_rate=3.0, callbacks=[rec], verbose=0)
    history = info.value.history
    assert history.diverged and len(history.epoch) >= 1
    assert np.isfinite(net.flat_params).all()
    # the weights are those at the end of the last epoch that finished
    np.testing.assert_array_equal(net.flat_params, rec.weights[history.epoch[-1]])


def test_divergence_in_the_first_epoch_restores_the_initial_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    net = Network([Dense(8, "relu"), Dense(1)], loss="mse", input_shape=3, seed=0)
    initial = net.flat_params.copy()
    with pytest.raises(DivergenceError, match="epoch 1, batch [2-4].*start of training"):
        net.fit(X, X.sum(axis=1), epochs=3, batch_size=16, optimizer="sgd", learning_rate=1e30, verbose=0)
    np.testing.assert_array_equal(net.flat_params, initial)


def test_early_stopping_restores_the_best_weights():
    X, y = blobs()
    # validation labels that disagree with training: val_loss is best early, then rises
    y_val = (y + 1) % 3
    net = classifier()
    rec = Recorder()
    history = net.fit(X, y, epochs=50, batch_size=16, validation_data=(X, y_val),
                      callbacks=[rec, EarlyStopping(patience=3)], verbose=0)
    best = int(np.argmin(history["val_loss"]))
    assert history.stopped_epoch == best + 3 == history.epoch[-1] < 49
    assert history.best_epoch == best
    np.testing.assert_array_equal(net.flat_params, rec.weights[best])
    assert net.evaluate(X, y_val)["loss"] == pytest.approx(history["val_loss"][best], rel=1e-12)


def test_keyboard_interrupt_from_a_callback_keeps_weights_and_returns():
    class Interrupt(Callback):
        def on_batch_end(self, batch, logs):
            if len(self.history.epoch) == 1 and batch == 2:
                self.kept = self.network.flat_params.copy()
                raise KeyboardInterrupt

    X, y = blobs()
    net = classifier()
    cb = Interrupt()
    history = net.fit(X, y, epochs=5, batch_size=16, callbacks=[cb, EarlyStopping(monitor="loss")], verbose=0)
    assert history.interrupted and history.epoch == [0]
    np.testing.assert_array_equal(net.flat_params, cb.kept)


def test_ctrl_c_stops_after_the_current_batch():
    class PressCtrlC(Callback):
        def on_batch_end(self, batch, logs):
            self.seen = batch
            if batch == 1:
                self.after = self.network.flat_params.copy()
                signal.raise_signal(signal.SIGINT)   # handled by fit: only sets a flag

    before = signal.getsignal(signal.SIGINT)
    X, y = blobs()
    net = classifier()
    cb = PressCtrlC()
    history = net.fit(X, y, epochs=3, batch_size=16, callbacks=[cb], verbose=0)
    assert history.interrupted and history.epoch == [] and cb.seen == 1
    np.testing.assert_array_equal(net.flat_params, cb.after)
    assert signal.getsignal(signal.SIGINT) is before


def test_fit_is_bit_for_bit_repeatable():
    X, y = blobs()
    runs = []
    for seed in (3, 3, 4):
        net = classifier(seed=0)
        net.rng = np.random.default_rng(seed)     # same weights; shuffling from this Generator
        h = net.fit(X, y, epochs=4, batch_size=10, validation_split=0.2, verbose=0)
        runs.append((net.flat_params.copy(), h.history))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1]
    assert not np.array_equal(runs[0][0], runs[2][0])  # another shuffling order: other weights


# ---------------------------------------------------------------- L2 regularisation


def test_l2_is_scikit_learns_alpha():
    # One full-batch SGD step from the same weights in both libraries, alpha = l2 = 0.5.
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(8, 4)), np.array([0, 1, 2, 0, 1, 2, 2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = MLPClassifier(hidden_layer_sizes=(3,), activation="tanh", solver="sgd", alpha=0.5, batch_size=8,
                           learning_rate_init=0.1, momentum=0.0, max_iter=1, shuffle=False, random_state=0)
        sk.fit(X, y)
    net = Network([Dense(3, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=4, l2=0.5)
    net.set_params({"W1": sk.coefs_[0].T, "b1": sk.intercepts_[0], "W2": sk.coefs_[1].T, "b2": sk.intercepts_[1]})
    sk.partial_fit(X, y)
    history = net.fit(X, y, epochs=1, batch_size=8, optimizer=SGD(lr=0.1), shuffle=False, verbose=0)
    assert history["loss"][0] == pytest.approx(sk.loss_curve_[-1], rel=1e-12)
    np.testing.assert_allclose(net.params["W1"], sk.coefs_[0].T, rtol=1e-12)
    np.testing.assert_allclose(net.params["W2"], sk.coefs_[1].T, rtol=1e-12)
    np.testing.assert_allclose(net.params["b2"], sk.intercepts_[1], rtol=1e-12)


def test_l2_gradient_passes_finite_differences():
    X, y = blobs(10)
    net = classifier(l2=0.3)
    onehot = np.eye(3)[y]
    report = gradcheck(net, X, onehot, sample_weight=np.linspace(0.5, 2, 10))
    assert report.ok, str(report)
    # the penalty is really there: without it the loss differs by l2/(2n)·Σ‖W‖²
    penalty = 0.5 * 0.3 / 10 * sum(np.sum(w ** 2) for k, w in net.params.items() if k.startswith("W"))
    plain = net.loss_value(X, onehot)
    net.l2 = 0.0
    assert plain - net.loss_value(X, onehot) == pytest.approx(penalty, rel=1e-10)


def test_l2_must_be_non_negative():
    with pytest.raises(ConfigError, match="l2 must be"):
        classifier(l2=-1.0)


# ---------------------------------------------------------------- the loop's features


def test_evaluate_matches_sklearn_metrics():
    X, y = blobs()
    net = classifier()
    net.fit(X, y, epochs=2, verbose=0)
    probs = net.predict(X)
    result = evaluate(net, X, y, batch_size=7)
    assert result["loss"] == pytest.approx(log_loss(y, probs), rel=1e-10)
    assert result["accuracy"] == np.mean(probs.argmax(axis=1) == y)


def test_validation_split_holds_out_the_last_samples():
    X, y = blobs()
    net = classifier()
    history = fit(net, X, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
    held = net.evaluate(X[90:], y[90:])
    assert history["val_loss"][-1] == pytest.approx(held["loss"], rel=1e-12)
    assert history["val_accuracy"][-1] == held["accuracy"]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}


def test_integer_labels_and_one_hot_train_identically():
    X, y = blobs()
    a, b = classifier(), classifier()
    fit(a, X, y, epochs=2, verbose=0)
    fit(b, X, np.eye(3)[y], epochs=2, verbose=0)
    np.testing.assert_array_equal(a.flat_params, b.flat_params)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_one_hot_targets_train_through_their_class_labels(dtype, monkeypatch):
    # With one-hot targets fit gathers one class index per sample instead of K targets; the
    # weights come out bit for bit as through the general path (which sample weights take),
    # and probability targets that are not one-hot keep the general path.
    from glassnet.losses import Loss
    calls = []
    real = Loss.value_from_labels
    monkeypatch.setattr(Loss, "value_from_labels", lambda self, *a: calls.append(1) or real(self, *a))
    X, y = blobs()
    a, b = classifier(dtype=dtype), classifier(dtype=dtype)
    ha = fit(a, X, y, epochs=3, batch_size=16, verbose=0)
    assert len(calls) == 3 * 8
    hb = fit(b, X, y, sample_weight=np.ones(len(y)), epochs=3, batch_size=16, verbose=0)
    assert len(calls) == 3 * 8
    np.testing.assert_array_equal(a.flat_params, b.flat_params)
    np.testing.assert_allclose(ha["loss"], hb["loss"], rtol=1e-12 if dtype == "float64" else 1e-6)
    assert ha["accuracy"] == hb["accuracy"]
    soft = np.full((len(y), 3), 0.1)
    soft[np.arange(len(y)), y] = 0.8
    fit(classifier(dtype=dtype), X, soft, epochs=1, batch_size=16, verbose=0)
    assert len(calls) == 3 * 8


def test_sample_weight_equals_repeating_samples():
    X, y = blobs(20)
    w = np.ones(20)
    w[:5] = 2
    a, b = classifier(), classifier()
    fit(a, X, y, sample_weight=w, epochs=3, batch_size=20, optimizer=SGD(lr=0.5), shuffle=False, verbose=0)
    fit(b, np.vstack([X, X[:5]]), np.concatenate([y, y[:5]]), epochs=3, batch_size=25, optimizer=SGD(lr=0.5),
        shuffle=False, verbose=0)
    np.testing.assert_allclose(a.flat_params, b.flat_params, rtol=1e-12)


def test_schedule_sets_the_learning_rate_each_epoch():
    X, y = blobs()
    net = classifier()
    history = net.fit(X, y, epochs=5, optimizer=SGD(lr=0.4), schedule=StepDecay(2, gamma=0.5), verbose=0)
    assert history["lr"] == [0.4, 0.4, 0.2, 0.2, 0.1]
    with pytest.raises(ConfigError, match="monitors 'val_loss'.*validation_data"):
        net.fit(X, y, epochs=2, schedule=ReduceLROnPlateau(), verbose=0)


def test_float32_end_to_end():
    X, y = blobs()
    net = classifier(dtype="float32")
    opt = SGD(lr=0.1, momentum=0.9)
    history = net.fit(X, y, epochs=2, optimizer=opt, verbose=0)
    assert net.flat_params.dtype == np.float32
    assert all(v.dtype == np.float32 for s in opt.state for v in s.values())
    assert np.isfinite(history["loss"]).all()


def _dtypes_seen_by_every_layer(net) -> list:
    """Wrap each layer's passes to record the dtype of every array going in or out."""
    seen = []

    def spy(layer, method):
        inner = getattr(layer, method)

        def wrapped(*args, **kwargs):
            result = inner(*args, **kwargs)
            for a in (*args, result):
                if isinstance(a, np.ndarray):
                    seen.append((type(layer).__name__, method, a.dtype.name))
            return result
        setattr(layer, method, wrapped)

    for layer in net.layers:
        for method in ("forward", "backward", "backward_net"):
            if hasattr(layer, method):
                spy(layer, method)
    return seen


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_float32_every_array_of_a_cnn_fit_stays_float32(optimizer):
    from glassnet.layers import AveragePool2D, BatchNorm, Conv2D, Dropout, Flatten, MaxPool2D

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1, 8, 8))                # float64 data and sample weights: cast once, on entry
    y = rng.integers(0, 3, size=40)
    net = Network([Conv2D(4, 3, padding=1, activation="relu"), BatchNorm(), MaxPool2D(2),
                   Conv2D(4, 3, activation="tanh"), AveragePool2D(1), Flatten(), Dropout(0.3),
                   Dense(5, "sigmoid"), Dense(3, "softmax")],
                  loss="categorical_crossentropy", input_shape=(1, 8, 8), seed=0, dtype="float32", l2=0.1)
    seen = _dtypes_seen_by_every_layer(net)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # no overflow or cast warnings either
        history = net.fit(X, y, epochs=2, batch_size=16, optimizer=optimizer, sample_weight=rng.random(40),
                          validation_split=0.2, verbose=0)
    assert seen and {d for _, _, d in seen} == {"float32"}, sorted({s for s in seen if s[2] != "float32"})
    arrays = [v for layer in net.layers for d in (layer.params, layer.grads) for v in d.values()]
    arrays += [v for layer in net.layers for v in vars(layer).values()
               if isinstance(v, np.ndarray) and v.dtype.kind == "f"]   # caches, running statistics
    assert {a.dtype.name for a in arrays} == {"float32"}
    assert net.predict(X).dtype == np.float32 and np.isfinite(history["loss"]).all()


def test_a_seeded_fit_is_bit_for_bit_repeatable_from_a_fresh_network():
    from glassnet.layers import BatchNorm, Conv2D, Dropout, Flatten, MaxPool2D

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 1, 6, 6)), rng.integers(0, 3, size=40)

    def run(seed, dtype):
        np.random.seed(None)                          # NumPy's global state must play no part
        net = Network([Conv2D(3, 3, padding=1, activation="relu"), BatchNorm(), MaxPool2D(2), Flatten(),
                       Dropout(0.4), Dense(3, "softmax")],
                      loss="categorical_crossentropy", input_shape=(1, 6, 6), seed=seed, dtype=dtype)
        h = net.fit(X, y, epochs=3, batch_size=8, optimizer="adam", validation_split=0.25, verbose=0)
        return net.flat_params.copy(), h.history, net.predict(X)

    for dtype in ("float64", "float32"):
        first, again, other = run(0, dtype), run(0, dtype), run(1, dtype)
        assert np.array_equal(first[0], again[0]) and first[1] == again[1]
        assert np.array_equal(first[2], again[2])
        assert not np.array_equal(first[0], other[0])


def test_verbose_two_prints_a_line_per_epoch_and_zero_prints_nothing(capsys):
    X, y = blobs()
    classifier().fit(X, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2  loss ")
    classifier().fit(X, y, epochs=2, verbose=1)       # not a terminal: no bar
    assert capsys.readouterr().out == ""


def test_verbose_one_in_a_jupyter_notebook_prints_a_line_per_epoch(capsys, monkeypatch):
    import io
    import sys

    class OutStream(io.StringIO):                     # as ipykernel's, which is not a terminal
        pass
    OutStream.__module__ = "ipykernel.iostream"
    out = OutStream()
    monkeypatch.setattr(sys, "stdout", out)
    X, y = blobs()
    classifier().fit(X, y, epochs=2)                  # verbose="auto" is 1
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 1/2  loss ")


def test_rich_progress_bar_shows_each_epoch_and_its_batches(capsys):
    X, y = blobs()
    history = classifier().fit(X, y, epochs=2, batch_size=60, callbacks=[ProgressBar(2, 2, "bar")], verbose=0)
    out = capsys.readouterr().out
    assert "epoch 2/2" in out and "2/2" in out.split("epoch 2/2", 1)[1]   # the last epoch, with both batches
    assert f"loss {history['loss'][-1]:.4g}" in out


def test_labels_of_the_wrong_length_are_counted_before_encoding():
    X, y = blobs()
    with pytest.raises(DataError, match=r"y has 7 rows \(y.shape = \(7,\)\); X has 120 samples"):
        classifier().fit(X, y[:7], verbose=0)


def test_bad_arguments_say_what_was_wrong():
    X, y = blobs()
    net = classifier()
    with pytest.raises(ConfigError, match="epochs must be a positive integer; got 0"):
        net.fit(X, y, epochs=0)
    with pytest.raises(ConfigError, match="validation_split must be a fraction"):
        net.fit(X, y, validation_split=1.5)
    with pytest.raises(ConfigError, match="not both"):
        net.fit(X, y, validation_split=0.2, validation_data=(X, y))
    with pytest.raises(ConfigError, match="learning_rate was given with an Optimizer"):
        net.fit(X, y, optimizer=SGD(), learning_rate=0.1)
    with pytest.raises(DataError, match=r"labels from 1 to 3; this network has 3 outputs \(labels 0 to 2\)"):
        net.fit(X, y + 1)
    with pytest.raises(ConfigError, match="callbacks must be"):
        net.fit(X, y, callbacks=[print])


def _classifier(seed=0):
    from glassnet import Dense, Network
    return Network([Dense(4, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=seed)


def _class_data():
    rng = np.random.default_rng(7)
    return rng.normal(size=(30, 2)), rng.integers(0, 3, size=30)


def test_a_single_callback_needs_no_list():
    from glassnet.training import EarlyStopping
    X, y = _class_data()
    history = _classifier().fit(X, y, epochs=3, callbacks=EarlyStopping(monitor="loss", patience=1), verbose=0)
    assert len(history.epoch) >= 1


@pytest.mark.parametrize("class_weight", [{0: 1, 1: 5}, "balanced"])
def test_class_weight_is_the_same_run_as_its_sample_weights_bit_for_bit(class_weight):
    X, y = _class_data()
    sw = np.linspace(0.5, 2.0, 30)
    if class_weight == "balanced":                  # scikit-learn: n / (n_classes · bincount)
        per_class = 30 / (3 * np.bincount(y))
    else:
        per_class = np.array([1.0, 5.0, 1.0])       # a class not in the dict weighs 1
    a, b = _classifier(), _classifier()
    ha = a.fit(X, y, epochs=3, batch_size=8, sample_weight=sw, class_weight=class_weight, verbose=0)
    hb = b.fit(X, y, epochs=3, batch_size=8, sample_weight=sw * per_class[y], verbose=0)
    assert ha.history == hb.history
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_class_weight_for_one_sigmoid_output_uses_the_0_1_targets():
    from glassnet import Dense, Network
    X, y = _class_data()
    y = (y > 0).astype(float)
    make = lambda: Network([Dense(1, "sigmoid")], loss="binary_crossentropy", input_shape=2, seed=0)
    a, b = make(), make()
    ha = a.fit(X, y, epochs=2, batch_size=8, class_weight={0: 1, 1: 5}, verbose=0)
    hb = b.fit(X, y, epochs=2, batch_size=8, sample_weight=np.where(y == 1, 5.0, 1.0), verbose=0)
    assert ha.history == hb.history


@pytest.mark.parametrize("class_weight, match", [({3: 2.0}, "0 to 2"), ({0: -1}, ">= 0"), ("even", "balanced")])
def test_bad_class_weight_says_what_is_expected(class_weight, match):
    from glassnet.errors import ConfigError
    X, y = _class_data()
    with pytest.raises(ConfigError, match=match):
        _classifier().fit(X, y, epochs=1, class_weight=class_weight, verbose=0)


def test_class_weight_on_a_regression_is_refused():
    from glassnet import Dense, Network
    from glassnet.errors import ConfigError
    net = Network([Dense(1)], loss="mse", input_shape=2)
    with pytest.raises(ConfigError, match="sample_weight"):
        net.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, class_weight={0: 2}, verbose=0)
