"""Synchronous data-parallel training on a Dask cluster.

The training data is a Dask array split by rows into partitions ``X_1 … X_P`` that stay
on the workers. Each step is one full-batch gradient-descent step, computed in pieces::

    θ  → every worker                          # the current weights, sent once per step
    S_k = Σ_{i∈k} w_i ∂L_i/∂θ,  W_k = Σ_{i∈k} w_i,  E_k = Σ_{i∈k} w_i L_i   # on the worker of partition k
    W  = Σ_k W_k                               # n, or the sum of the sample weights
    g  = Σ_k S_k / W  (+ (l2 / W) · W for each kernel W)       # on the client
    E  = Σ_k E_k / W  (+ l2 / (2 W) · Σ ‖W‖²)
    optimizer.step(θ, g)                       # on the client

which is exactly the mean-reduced loss of :mod:`glassnet.losses` over all the data, so
the weights equal single-process full-batch training (``fit(..., batch_size=n,
shuffle=False)``) up to rounding (the tests ask for 1e-10 in float64). The L2 penalty
is applied once, on the client.

Workers rebuild the network from its architecture (:func:`glassnet.io.architecture`:
layer kinds and configs, looked up in glassnet's registries) — no user code is
pickled. Layers that behave differently on a part of the batch than on the whole
(:class:`~glassnet.layers.BatchNorm`'s batch statistics, random dropout masks) are
refused, because the result would no longer equal full-batch training.

A step either completes or changes nothing: the optimizer runs only after every
partition's gradient has arrived and been checked (count of samples, shapes,
finiteness). When a worker dies, Dask recomputes its partitions elsewhere and the
step is retried; if it still cannot finish, :class:`~glassnet.distributed.ClusterError`
says so and the weights are those after the last completed step.

The client comes from :func:`glassnet.distributed.connect`; Dask is imported only
inside the functions here.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Sequence

import numpy as np

from .. import activations, losses
from .. import io as _io
from .. import optimizers as _optimizers
from ..errors import ConfigError, DataError, DivergenceError, GlassnetError
from ..network import Network
from ..training import Callback, History, _CallbackList, _positive_int, _skip_data_gradient, _targets, evaluate
from .cluster import ClusterError, _dask

_WHERE = "the network sent to the workers"


# ---------------------------------------------------------------- on the workers

_local = threading.local()  # one rebuilt network per (thread, architecture): layers keep per-pass buffers


def _worker_network(spec: str) -> Network:
    cache = getattr(_local, "networks", None)
    if cache is None:
        cache = _local.networks = {}
    net = cache.get(spec)
    if net is None:
        desc = json.loads(spec)
        net = _io._network_from_architecture(desc["architecture"], _WHERE, desc["n_params"])
        if desc["frozen"]:
            net.freeze(*desc["frozen"])
        _skip_data_gradient(net)                       # ∂E/∂X is never needed here
        if len(cache) >= 4:
            cache.clear()
        cache[spec] = net
    return net


def _partition_gradient(spec: str, weights: np.ndarray, X, y, sample_weight=None):
    """On a worker: ``(n_k, W_k, E_k, S_k)`` of one partition for the weights ``weights``.

    ``S_k = Σ w_i ∂L_i/∂θ`` over the trainable parameters and ``E_k = Σ w_i L_i``
    (sums, not means: the client divides by the total ``W``). No L2 penalty here.
    """
    net = _worker_network(spec)
    net._flat[...] = weights
    n = int(X.shape[0])
    total = float(n) if sample_weight is None else float(np.sum(sample_weight))
    if n == 0 or total == 0.0:
        return n, total, 0.0, np.zeros(net.flat_grads.size, dtype=net.dtype)
    X = net._check_input(X)
    y = _targets(net, y, n)
    with np.errstate(over="ignore", invalid="ignore"):   # divergence is detected and reported on the client
        out = net._forward(X, training=True)
        loss = net._loss(out, y, sample_weight)        # the weighted mean over the partition
        net._backward(out, y, sample_weight)           # its gradient, in net.flat_grads
    return n, total, loss * total, net.flat_grads * total   # a new array: the buffer is reused


# ---------------------------------------------------------------- on the client

def _spec(network: Network) -> str:
    """The JSON the workers rebuild the network from (without l2: that is applied on the client)."""
    for i, layer in enumerate(network.layers, 1):
        if layer.state:
            raise ConfigError(f"layer {i} ({type(layer).__name__}) keeps batch statistics; data-parallel training "
                              "computes each partition separately, which would not equal full-batch training. "
                              "Remove it or train in one process")
        if getattr(layer, "rate", 0.0):
            raise ConfigError(f"layer {i} ({type(layer).__name__}) drops inputs at random while training; "
                              "workers would draw other masks than one process. Set rate=0 or train in one process")
        if _io.layer_kinds().get(layer.kind) is not type(layer):
            raise ConfigError(f"layer {i} is a {type(layer).__name__}, which the workers cannot rebuild by name; "
                              f"register it with glassnet.io.register_layer({type(layer).__name__}) "
                              "(on the workers too)")
        for act in (v for v in vars(layer).values() if isinstance(v, activations.Activation)):
            if not activations.is_named(act):
                raise ConfigError(f"layer {i} uses activation {act.name!r}, which is not the registered activation "
                                  "of that name; the workers would rebuild another one")
    if losses._REGISTRY.get(network.loss.name) is not network.loss:
        raise ConfigError(f"the loss {network.loss.name!r} is not registered; the workers would rebuild another one")
    arch = _io.architecture(network)
    arch.pop("l2", None)
    spec = json.dumps({"architecture": arch, "n_params": network.n_params,
                       "frozen": [name for name, flag in network.trainable.items() if not flag]}, sort_keys=True)
    rebuilt = _worker_network(spec)                # what a worker will build, built here once to check it
    shapes = {k: v.shape for k, v in network.params.items()}
    got = {k: v.shape for k, v in rebuilt.params.items()}
    if got != shapes or rebuilt.flat_grads.size != network.flat_grads.size:
        raise ConfigError(f"the network rebuilt from its architecture has parameters {got}, not {shapes}: "
                          "a layer's config() does not describe it fully")
    return spec


def _known_rows(arr):
    """The Dask array ``arr`` with its row-block sizes known (boolean indexing leaves them nan)."""
    if arr.ndim and any(math.isnan(c) for c in arr.chunks[0]):
        arr = arr.compute_chunk_sizes()
    return arr


def _rows(da, data, name: str, chunks: tuple, dtype=None):
    """``data`` as a Dask array with the row blocks ``chunks`` (nothing split along other axes)."""
    if not isinstance(data, da.Array):
        data = np.asarray(data)
        if data.ndim and data.shape[0] == sum(chunks):  # split here: no one worker gets it all first
            data = da.from_array(data, chunks=(tuple(chunks),) + data.shape[1:])
    arr = _known_rows(data if isinstance(data, da.Array) else da.from_array(data, chunks=-1))
    if arr.ndim == 0 or arr.shape[0] != sum(chunks):
        raise DataError(f"{name} must have one row per sample ({sum(chunks)}); got shape {arr.shape}")
    if dtype is not None and arr.dtype != dtype:
        if arr.dtype.kind not in "fiub":
            raise DataError(f"{name} must be numeric; got dtype {arr.dtype}")
        arr = arr.astype(dtype)
    return arr.rechunk((tuple(chunks),) + tuple(-1 for _ in arr.shape[1:]))


class DataParallel:
    """The data of one network, partitioned and persisted on a Dask cluster, and the steps on it.

    Parameters
    ----------
    network : Network
        Trained in place. Built from ``X`` if it is not built yet.
    X, y : Dask arrays or array-likes
        Samples (rows) and targets (integer labels are one-hot encoded for a softmax
        output, as :func:`glassnet.training.fit` does). NumPy arrays are split into
        ``n_partitions`` row blocks; Dask arrays keep their row chunks unless
        ``n_partitions`` is given.
    client : distributed.Client
    sample_weight : array of shape (n,), optional
    n_partitions : int, optional
        Default: one per worker for NumPy input.
    timeout : float
        Seconds a step may take before it counts as failed.
    retries : int
        Times a step is tried again after the cluster lost a worker during it.
    """

    def __init__(self, network: Network, X, y, *, client, sample_weight=None, n_partitions: int | None = None,
                 timeout: float = 60.0, retries: int = 2):
        da, distributed = _dask()
        if not isinstance(network, Network):
            raise ConfigError(f"network must be a glassnet Network; got {type(network).__name__}")
        if not isinstance(client, distributed.Client):
            raise ConfigError(f"client must be a distributed.Client (see glassnet.distributed.connect); "
                              f"got {type(client).__name__}")
        self.network, self.client = network, client
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
            raise ConfigError(f"timeout must be a positive number of seconds; got {timeout!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ConfigError(f"retries must be an integer >= 0; got {retries!r}")
        self.timeout, self.retries = float(timeout), retries
        X = _known_rows(X) if isinstance(X, da.Array) else np.asarray(X)
        if X.ndim < 2 or X.shape[0] == 0:
            raise DataError(f"X must have samples first and at least one feature; got shape {X.shape}")
        if not network.built:
            network.build(X.shape[1:])
        if tuple(X.shape[1:]) != network.input_shape:
            raise DataError(f"X has samples of shape {tuple(X.shape[1:])}; this network takes {network.input_shape}")
        self.spec = _spec(network)
        self._n_workers = self._count_workers()
        n = int(X.shape[0])
        if n_partitions is not None or not isinstance(X, da.Array):   # default: one partition per worker
            size = -(-n // (self._n_workers if n_partitions is None else _positive_int(n_partitions, "n_partitions")))
            chunks = tuple(min(size, n - lo) for lo in range(0, n, size))
        else:
            chunks = X.chunks[0]
        parts = [_rows(da, X, "X", chunks, network.dtype), _rows(da, y, "y", chunks)]
        if sample_weight is not None:
            parts.append(_rows(da, sample_weight, "sample_weight", chunks, np.float64))
            if parts[2].ndim != 1:
                raise DataError(f"sample_weight must have one number per sample; got shape {parts[2].shape}")
        parts = client.persist(parts)                     # the data now lives on the workers
        blocks = [p.to_delayed().ravel().tolist() for p in parts]
        self._data = [client.compute(list(b)) for b in zip(*blocks)]   # futures of (X_k, y_k[, w_k])
        self.n_samples, self.n_partitions = n, len(self._data)
        self._spec_future = client.scatter(self.spec, broadcast=True, hash=False)

    def _count_workers(self) -> int:
        return max(1, len(self.client.scheduler_info()["workers"]))

    # -- one evaluation of the full-batch gradient ------------------------------------------
    def _round(self, weights: np.ndarray) -> list:
        """Send the weights once, compute every partition's sums where it lives, bring them back."""
        _, distributed = _dask()
        # Once per step. Client.scatter's own timeout only bounds the wait for workers to appear; a
        # worker killed during the broadcast could leave it waiting forever, so the whole call is bounded.
        wf = self.client.sync(self.client._scatter, weights, broadcast=True, hash=False, timeout=self.timeout,
                              callback_timeout=self.timeout)
        futures = []
        try:
            futures = [self.client.submit(_partition_gradient, self._spec_future, wf, *part, pure=False)
                       for part in self._data]
            distributed.wait(futures, timeout=self.timeout)
            return self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)               # nothing of a failed round keeps running
            raise
        finally:
            wf.release()

    def loss_and_gradient(self) -> tuple[float, dict]:
        """The full-batch loss at the network's current weights; fills ``network.flat_grads``.

        Returns ``(loss, info)`` with ``info``: ``bytes_sent`` (weights × workers),
        ``bytes_received`` (the partitions' gradients and counts) and ``attempts``.
        """
        net = self.network
        weights = net._flat.copy()
        n_workers = self._n_workers                       # each one receives the weights
        for attempt in range(self.retries + 1):
            try:
                results = self._round(weights)
                break
            except GlassnetError:
                raise                                     # the data or the network is wrong: no retry helps
            except Exception as exc:                      # noqa: BLE001 — whatever the cluster raised
                if attempt == self.retries:
                    raise ClusterError(
                        f"the Dask cluster could not compute the gradients of {self.n_partitions} partition(s) "
                        f"after {attempt + 1} attempt(s): {type(exc).__name__}: {exc}. The network keeps the "
                        "weights of the last completed step") from exc
                n_workers = self._n_workers = self._count_workers()
        count = sum(r[0] for r in results)
        if len(results) != self.n_partitions or count != self.n_samples:
            raise ClusterError(f"the cluster returned {len(results)} partition(s) with {count} samples; expected "
                               f"{self.n_partitions} with {self.n_samples}. No step was taken")
        total = sum(r[1] for r in results)
        if not total > 0:
            raise ConfigError(f"sample_weight must have a positive sum; got {total!r}")
        grads = net.flat_grads
        grads[...] = 0.0
        for _, _, _, S in results:
            if S.shape != grads.shape:
                raise ClusterError(f"a worker returned a gradient of shape {S.shape}; expected {grads.shape}")
            grads += S
        grads *= 1.0 / total                              # Σ_k S_k / W
        loss = sum(r[2] for r in results) / total
        if net.l2:                                        # once, on the client: + l2/(2W) Σ‖W‖², ∂ = (l2/W) W
            loss += 0.5 * net.l2 / total * sum(float(np.vdot(W, W)) for W in net._kernels())
            for layer in net.layers:
                if "W" in layer.params and layer.trainable["W"]:
                    layer.grads["W"] += (net.l2 / total) * layer.params["W"]
        info = {"bytes_sent": weights.nbytes * n_workers,
                "bytes_received": sum(r[3].nbytes + 3 * 8 for r in results), "attempts": attempt + 1}
        return float(loss), info

    # -- training -------------------------------------------------------------------------
    def fit(self, steps: int = 100, optimizer="adam", learning_rate: float | None = None,
            callbacks: Sequence[Callback] = (), validation_data: tuple | None = None) -> History:
        """Take ``steps`` full-batch steps; return a :class:`~glassnet.training.History`.

        Per step (``history.epoch`` counts steps): ``loss`` (before the step), ``lr``,
        ``bytes_sent``, ``bytes_received``, ``seconds``, and with ``validation_data``
        (``(X_val, y_val)``, NumPy arrays, scored here on the client after the step)
        ``val_loss`` and, for classification, ``val_accuracy``. Callbacks see each step
        as an epoch (``EarlyStopping`` works).
        """
        steps = _positive_int(steps, "steps")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ConfigError("validation_data must be (X_val, y_val)")
            Xv = self.network._check_input(validation_data[0])
            validation_data = (Xv, _targets(self.network, validation_data[1], Xv.shape[0]))
        if isinstance(optimizer, _optimizers.Optimizer):
            if learning_rate is not None:
                raise ConfigError("learning_rate was given with an Optimizer instance: set it on the optimizer")
            opt = optimizer
        else:
            opt = _optimizers.get(optimizer, **({} if learning_rate is None else {"lr": learning_rate}))
        history = History()
        cbs = _CallbackList(callbacks)
        for cb in cbs.callbacks:
            if not isinstance(cb, Callback):
                raise ConfigError(f"callbacks must be glassnet.training.Callback objects; got {type(cb).__name__}")
            cb.network, cb.optimizer, cb.history, cb.stop_training = self.network, opt, history, False
        net = self.network
        cbs.on_train_begin({})
        try:
            for step in range(steps):
                cbs.on_epoch_begin(step, {})
                start = time.perf_counter()
                loss, info = self.loss_and_gradient()
                if not math.isfinite(loss) or not np.isfinite(net.flat_grads).all():
                    history.diverged = True
                    raise DivergenceError(f"training diverged at step {step + 1}: the loss became {loss}. The "
                                          f"weights before that step are kept. Lower the learning rate (it was "
                                          f"{opt.lr:g}), clip the gradients or standardise the inputs")
                opt.step(net.flat_params, net.flat_grads)
                logs = {"loss": loss, "lr": opt.lr, "bytes_sent": info["bytes_sent"],
                        "bytes_received": info["bytes_received"], "seconds": time.perf_counter() - start}
                if validation_data is not None:
                    logs.update({f"val_{k}": v for k, v in evaluate(net, *validation_data).items()})
                history._append(step, logs)
                cbs.on_epoch_end(step, logs)
                if cbs.stop_training:
                    break
        except KeyboardInterrupt:
            history.interrupted = True
        finally:
            cbs.on_train_end({"interrupted": history.interrupted, "diverged": history.diverged})
        return history

    def close(self) -> None:
        """Release the data held on the workers."""
        for part in getattr(self, "_data", []):
            for f in part:
                f.release()
        self._data = []

    def __enter__(self) -> "DataParallel":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"DataParallel({self.n_samples} samples in {self.n_partitions} partitions, "
                f"{self.network.flat_params.size} trainable parameters)")


def fit_distributed(network: Network, X, y, *, client, steps: int = 100, optimizer="adam",
                    learning_rate: float | None = None, sample_weight=None, n_partitions: int | None = None,
                    callbacks: Sequence[Callback] = (), validation_data: tuple | None = None,
                    timeout: float = 60.0, retries: int = 2) -> History:
    """Full-batch training of ``network`` on data partitioned over a Dask cluster.

    The same weights as ``fit(network, X, y, epochs=steps, batch_size=len(X),
    shuffle=False, optimizer=...)`` in one process (see the module docstring for the
    arithmetic), with each partition's gradient computed where its data lives. See
    :class:`DataParallel` for the data and cluster arguments and :meth:`DataParallel.fit`
    for the others; returns the History.

    Raises
    ------
    ClusterError
        A step could not be completed (weights of the last completed step kept).
    DivergenceError
        The loss became NaN or infinite (weights before that step kept).
    """
    with DataParallel(network, X, y, client=client, sample_weight=sample_weight, n_partitions=n_partitions,
                      timeout=timeout, retries=retries) as data:
        return data.fit(steps, optimizer, learning_rate, callbacks, validation_data)
