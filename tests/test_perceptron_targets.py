"""Class labels ↔ perceptron targets: two classes, one-hot and binary codes, and back.

Oracles: the codes written out by hand (binary: the class index in bits, most significant
first). Training on encoded targets is tested in test_perceptron.py.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import glassnet.perceptron_targets
from glassnet.errors import DataError
from glassnet.perceptron_targets import decode_outputs, encode_targets


def test_encode_and_decode_targets():
    T, classes = encode_targets(["b", "a", "b"], "hardlims")
    assert classes.tolist() == ["a", "b"] and T.ravel().tolist() == [1, -1, 1]
    T, classes = encode_targets([0, 1, 2, 3, 4], "hardlim", coding="binary")
    assert T.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0]]
    assert decode_outputs(np.where(T > 0, 1.0, -1.0), classes, "binary").tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(DataError, match="only one class"):
        encode_targets([1, 1], "hardlim")


def test_module_examples_run():
    failures, tried = doctest.testmod(glassnet.perceptron_targets)
    assert tried > 0 and failures == 0
