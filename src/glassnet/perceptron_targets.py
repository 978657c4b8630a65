"""Class labels ↔ perceptron targets: which neuron outputs stand for which class.

A perceptron neuron answers with one of two values, the low and high outputs of its
transfer function (``hardlim``: 0/1, ``hardlims``: −1/+1), so K classes need a code:

* two classes: one neuron, ``classes[1]`` ↔ the high output;
* ``coding="onehot"``: S = K neurons, the high output on the neuron of the class;
* ``coding="binary"``: S = ⌈log₂ K⌉ neurons spelling the class index in bits, most
  significant first.

:func:`encode_targets` turns labels into the target matrix ``T`` (Q, S) that
:meth:`~glassnet.perceptron.Perceptron.train` takes; :func:`decode_outputs` reads labels
back from the net inputs. Both are also importable from :mod:`glassnet.perceptron`.

>>> import numpy as np
>>> from glassnet.perceptron_targets import decode_outputs, encode_targets
>>> T, classes = encode_targets(["cat", "dog", "cat"], "hardlims")
>>> T.ravel().tolist(), classes.tolist()
([-1.0, 1.0, -1.0], ['cat', 'dog'])
>>> decode_outputs(np.array([[-0.5], [2.0]]), classes).tolist()
['cat', 'dog']
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError, DataError

#: The low and high output of each perceptron transfer: the only values a target may take.
TARGET_VALUES = {"hardlim": (0.0, 1.0), "hardlims": (-1.0, 1.0)}


def encode_targets(y, transfer: str = "hardlim", coding: str = "onehot") -> tuple[np.ndarray, np.ndarray]:
    """Turn class labels into perceptron targets: returns ``(T, classes)``.

    Two classes need one neuron (``classes[1]`` ↔ the high output). More classes use
    ``coding="onehot"`` (S = K neurons, one per class) or ``"binary"`` (S = ⌈log₂ K⌉
    neurons spelling the class index in bits, most significant first).

    >>> T, classes = encode_targets(["a", "b", "c"], "hardlims")
    >>> T.tolist()
    [[1.0, -1.0, -1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    if transfer not in TARGET_VALUES:
        raise ConfigError(f"transfer must be 'hardlim' or 'hardlims'; got {transfer!r}")
    if coding not in ("onehot", "binary"):
        raise ConfigError(f"coding must be 'onehot' or 'binary'; got {coding!r}")
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise DataError(f"y must be a non-empty 1-D array of labels; got shape {y.shape}")
    classes, index = np.unique(y, return_inverse=True)
    K = len(classes)
    if K < 2:
        raise DataError(f"y has only one class ({classes[0].item()!r}); a classifier needs at least two")
    if K == 2:
        bits = index.reshape(-1, 1)
    elif coding == "onehot":
        bits = (index[:, None] == np.arange(K)).astype(int)
    else:
        S = int(np.ceil(np.log2(K)))
        bits = (index[:, None] >> np.arange(S - 1, -1, -1)) & 1
    lo, hi = TARGET_VALUES[transfer]
    return np.where(bits == 1, hi, lo).astype(np.float64), classes


def decode_outputs(N, classes, coding: str = "onehot") -> np.ndarray:
    """Class labels from net inputs ``N`` (Q, S), the inverse of :func:`encode_targets`.

    One neuron: ``n ≥ 0`` → ``classes[1]``. One-hot: the neuron with the largest net
    input wins (ties to the first). Binary: the bits ``n ≥ 0``, clipped to the last class.
    """
    N = np.asarray(N)
    classes = np.asarray(classes)
    if N.shape[1] == 1:
        return classes[(N[:, 0] >= 0).astype(int)]
    if coding == "onehot":
        return classes[np.argmax(N, axis=1)]
    index = ((N >= 0).astype(int) << np.arange(N.shape[1] - 1, -1, -1)).sum(axis=1)
    return classes[np.minimum(index, len(classes) - 1)]


__all__ = ["encode_targets", "decode_outputs"]
