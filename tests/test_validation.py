"""Tests for glassnet.validation: what is accepted, and what each refusal says."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import DataError, GlassnetError
from glassnet.validation import as_float_array, check_finite


def test_accepts_and_converts():
    arr = as_float_array([[1, 2], [3, 4]])
    assert arr.dtype == np.float64 and arr.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert as_float_array([[True, False]]).tolist() == [[1.0, 0.0]]
    assert as_float_array([["1.5", "2"]]).tolist() == [[1.5, 2.0]]
    f32 = as_float_array(np.ones((2, 3)), dtype=np.float32)
    assert f32.dtype == np.float32
    assert as_float_array(np.ones((2, 1, 4, 4))).shape == (2, 1, 4, 4)  # images: samples first
    assert as_float_array([1, 2, 3], "y", min_ndim=1).shape == (3,)
    same = np.ones((2, 2))
    assert as_float_array(same) is same  # no copy when nothing changes


@pytest.mark.parametrize("bad", [[[1, 2], [3]], [["a", "b"]], [[1 + 2j]], [[{}, 1]]])
def test_ragged_or_non_numeric(bad):
    with pytest.raises(DataError, match="X could not be read as a numeric array.*ragged rows or non-numeric"):
        as_float_array(bad)


def test_one_dimensional_x_gets_a_hint():
    with pytest.raises(DataError) as info:
        as_float_array(np.arange(4.0))
    message = str(info.value)
    assert "X must have at least 2 dimensions (samples first); got shape (4,)" in message
    assert "X.reshape(1, -1)" in message and "X.reshape(-1, 1)" in message
    with pytest.raises(DataError, match=r"y must have at least 1 dimensions .* got shape \(\)$"):
        as_float_array(3.0, "y", min_ndim=1)


def test_empty():
    with pytest.raises(DataError, match=r"X has 0 samples \(shape \(0, 3\)\)"):
        as_float_array(np.empty((0, 3)))
    with pytest.raises(DataError, match=r"X has 0 features \(shape \(3, 0\)\)"):
        as_float_array(np.empty((3, 0)))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_names_the_first_bad_row_and_column(value):
    X = np.ones((5, 3))
    X[2, 1] = value
    X[4, 0] = np.nan
    with pytest.raises(DataError, match=rf"X contains {value} at row 2, column 1 \(0-based\); remove or impute"):
        as_float_array(X)


def test_non_finite_in_targets_and_images():
    with pytest.raises(DataError, match=r"^y contains nan at row 3 \(0-based\)"):
        as_float_array([0, 1, 1, np.nan], "y", min_ndim=1)
    images = np.zeros((3, 1, 2, 2))
    images[1, 0, 1, 0] = np.inf
    with pytest.raises(DataError, match=r"contains inf at row 1, column 2"):  # column of the flattened sample
        as_float_array(images)
    with pytest.raises(DataError, match="row 0"):
        check_finite(np.array([np.nan]), "w")


def test_number_beyond_float32_range_is_named():
    X = np.ones((3, 2))
    X[1, 1] = 1e39
    with pytest.raises(DataError, match=r"X holds 1e\+39 at row 1, column 1 .* beyond the float32 range"):
        as_float_array(X, dtype=np.float32)
    assert as_float_array(X).dtype == np.float64  # fine in float64
    X[0, 0] = np.nan  # a NaN already in the data is reported as such
    with pytest.raises(DataError, match="X contains nan at row 0, column 0"):
        as_float_array(X, dtype=np.float32)


def test_errors_are_value_errors_and_glassnet_errors():
    with pytest.raises(ValueError):
        as_float_array([])
    with pytest.raises(GlassnetError):
        as_float_array([[np.nan]])


def test_large_arrays_are_checked_in_blocks_without_a_full_size_temporary():
    import tracemalloc

    X = np.ones((60_000, 784), dtype=np.float32)         # MNIST-sized: 188 MB of data
    tracemalloc.start()
    try:
        assert as_float_array(X, dtype=np.float32) is X
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4e6, f"checking 60000x784 float32 took a {peak / 1e6:.1f} MB temporary"  # np.isfinite(X): 47 MB
    X[59_999, 783] = np.nan                              # in the last block, last entry
    with pytest.raises(DataError, match="X contains nan at row 59999, column 783"):
        as_float_array(X, dtype=np.float32)


@pytest.mark.parametrize("row", [0, 1336, 1337, 1338, 4095])
def test_first_bad_row_is_found_across_block_boundaries(row, monkeypatch):
    import glassnet.validation as validation

    monkeypatch.setattr(validation, "_BLOCK", 1337 * 3)  # 1337 rows of 3 per block
    X = np.zeros((4096, 3))
    X[row, 2] = -np.inf
    X[4095, 0] = np.nan                                  # a later one is not reported
    assert validation.first_non_finite_row(X) == row
    with pytest.raises(DataError, match=rf"X contains -inf at row {row}, column 2" if row != 4095
                       else "X contains nan at row 4095, column 0"):
        as_float_array(X)
    assert validation.first_non_finite_row(np.zeros((4096, 3))) is None
