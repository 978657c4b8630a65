"""Tests for glassnet.datasets: toy generators, digits, IDX, CSV, NPZ and helpers."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import sklearn.datasets

from glassnet import datasets
from glassnet.errors import DataError

# --------------------------------------------------------------------------- generators

GENERATORS = [
    (datasets.make_xor, {"n_samples": 50}, 50, 2, {0, 1}),
    (datasets.make_blobs, {"n_samples": 60, "centers": 4, "n_features": 3}, 60, 3, {0, 1, 2, 3}),
    (datasets.make_moons, {"n_samples": 41}, 41, 2, {0, 1}),
    (datasets.make_circles, {"n_samples": 41}, 41, 2, {0, 1}),
    (datasets.make_spirals, {"n_samples": 100, "n_classes": 4}, 100, 2, {0, 1, 2, 3}),
]
IDS = [g[0].__name__ for g in GENERATORS]


@pytest.mark.parametrize("make, kwargs, n, d, labels", GENERATORS, ids=IDS)
def test_generator_shapes_dtypes_labels(make, kwargs, n, d, labels):
    X, y = make(**kwargs, seed=0)
    assert X.shape == (n, d) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(y.tolist()) == labels
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make, kwargs, n, d, labels", GENERATORS, ids=IDS)
def test_generator_seeds(make, kwargs, n, d, labels):
    state = np.random.get_state()[1].copy()
    X1, y1 = make(**kwargs, seed=7)
    X2, y2 = make(**kwargs, seed=7)
    X3, _ = make(**kwargs, seed=8)
    X4, y4 = make(**kwargs, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(X1, X4)
    np.testing.assert_array_equal(y1, y4)
    assert not np.array_equal(X1, X3)
    assert np.array_equal(np.random.get_state()[1], state), "global random state was touched"


@pytest.mark.parametrize("make", [g[0] for g in GENERATORS], ids=IDS)
@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_generator_rejects_bad_n_samples(make, bad):
    with pytest.raises(DataError, match="n_samples"):
        make(n_samples=bad)


def test_generator_rejects_negative_noise():
    with pytest.raises(DataError, match="noise"):
        datasets.make_moons(noise=-0.1)


@pytest.mark.parametrize("name, expected", [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0]),
    ("nand", [1, 1, 1, 0]), ("NOR", [1, 0, 0, 0]),
])
def test_logic_gate(name, expected):
    X, y = datasets.logic_gate(name)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and X.dtype == np.float64
    assert y.tolist() == expected and y.dtype == np.int64


def test_logic_gate_unknown_name():
    with pytest.raises(DataError, match="'xnor'.*'and'"):
        datasets.logic_gate("xnor")


def test_make_xor_labels_follow_corners():
    X, y = datasets.make_xor(400, noise=0.05, seed=1)
    corner = np.round(X).astype(int)
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])
    assert np.bincount(y).tolist() == [200, 200]


def test_make_blobs_balanced_and_given_centers():
    X, y = datasets.make_blobs(31, centers=3, seed=0)
    assert np.bincount(y).tolist() == [11, 10, 10]
    centers = np.array([[-5.0, 0.0, 5.0], [5.0, 0.0, -5.0]])
    X, y = datasets.make_blobs(200, centers=centers, cluster_std=0.1, seed=0)
    assert X.shape == (200, 3)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.05)
    with pytest.raises(DataError, match="centers"):
        datasets.make_blobs(centers=np.zeros(3))


def _sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


def test_make_moons_matches_sklearn_geometry():
    sk = sklearn.datasets
    X, y = datasets.make_moons(101, noise=0.0, seed=0)
    Xs, ys = sk.make_moons(101, noise=0.0, random_state=0)
    for k in (0, 1):  # without noise, each class is exactly the same set of points
        np.testing.assert_allclose(_sorted_rows(X[y == k]), _sorted_rows(Xs[ys == k]), atol=1e-12)
    X, y = datasets.make_moons(2000, noise=0.1, seed=0)
    Xs, ys = sk.make_moons(2000, noise=0.1, random_state=0)
    for k in (0, 1):
        np.testing.assert_allclose(X[y == k].mean(axis=0), Xs[ys == k].mean(axis=0), atol=0.05)
        np.testing.assert_allclose(np.ptp(X[y == k], axis=0), np.ptp(Xs[ys == k], axis=0),
                                   rtol=0.15)


def test_make_circles_matches_sklearn_geometry():
    sk = sklearn.datasets
    X, y = datasets.make_circles(100, noise=0.0, factor=0.3, seed=0)
    Xs, ys = sk.make_circles(100, noise=0.0, factor=0.3, random_state=0)
    for k, radius in ((0, 1.0), (1, 0.3)):
        np.testing.assert_allclose(np.hypot(*X[y == k].T), radius)
        np.testing.assert_allclose(np.hypot(*Xs[ys == k].T), radius)
    X, y = datasets.make_circles(2000, noise=0.05, seed=0)
    Xs, ys = sk.make_circles(2000, noise=0.05, factor=0.5, random_state=0)
    for k in (0, 1):
        r, rs = np.hypot(*X[y == k].T), np.hypot(*Xs[ys == k].T)
        assert abs(r.mean() - rs.mean()) < 0.02 and abs(r.std() - rs.std()) < 0.02


@pytest.mark.parametrize("factor", [0, 1, 1.5, -0.2])
def test_make_circles_bad_factor(factor):
    with pytest.raises(DataError, match="factor"):
        datasets.make_circles(factor=factor)


def test_make_spirals_geometry():
    X, y = datasets.make_spirals(301, n_classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(*X.T)
    assert r.min() == 0.0 and np.isclose(r.max(), 1.0)
    first = X[y == 0]  # CS231n: arm j has angle linspace(4j, 4j + 4), radius linspace(0, 1)
    t, rad = np.linspace(0, 4, 101), np.linspace(0, 1, 101)
    np.testing.assert_allclose(first, np.column_stack([rad * np.sin(t), rad * np.cos(t)]))


# --------------------------------------------------------------------------- digits

@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


def test_load_digits_split(digits):
    X_train, X_test, y_train, y_test = digits
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - counts * 0.2) <= 1)
    assert np.all(np.abs(np.bincount(y_train, minlength=10) - counts * 0.8) <= 1)


def test_load_digits_no_split_images_and_seed(digits):
    X, y = datasets.load_digits(split=False)
    assert X.shape == (1797, 64) and y.shape == (1797,)
    images, y2 = datasets.load_digits(split=False, images=True)
    assert images.shape == (1797, 1, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y, y2)
    X_train, X_test, _, _ = datasets.load_digits(images=True, test_size=0.25, seed=0)
    assert X_train.shape[1:] == (1, 8, 8) and len(X_test) == 450
    np.testing.assert_array_equal(datasets.load_digits()[0], digits[0])
    assert not np.array_equal(datasets.load_digits(seed=1)[0], digits[0])


# --------------------------------------------------------------------------- IDX

IDX_DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@pytest.mark.parametrize("dtype", IDX_DTYPES)
@pytest.mark.parametrize("shape", [(10,), (5, 4, 3)], ids=["1d", "3d"])
@pytest.mark.parametrize("suffix", ["", ".gz"], ids=["plain", "gzip"])
def test_idx_round_trip(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    array = (rng.random(shape) * 100).astype(dtype)
    path = tmp_path / f"data.idx{suffix}"
    datasets.write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    back = datasets.read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_idx_header_is_mnist_layout(tmp_path):
    path = tmp_path / "labels"
    datasets.write_idx(path, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32))
    raw = path.read_bytes()
    assert raw[:4] == b"\x00\x00\x0c\x02" and raw[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"
    assert raw[12:16] == b"\x00\x00\x00\x01"  # big-endian data


def test_idx_gzip_detected_by_magic_not_extension(tmp_path):
    path = tmp_path / "images.gz"
    datasets.write_idx(path, np.arange(6, dtype=np.uint8))
    renamed = path.rename(tmp_path / "images-idx1-ubyte")
    np.testing.assert_array_equal(datasets.read_idx(renamed), np.arange(6))


def test_write_idx_accepts_big_endian_and_rejects_other_dtypes(tmp_path):
    datasets.write_idx(tmp_path / "a", np.arange(4, dtype=">f8"))
    np.testing.assert_array_equal(datasets.read_idx(tmp_path / "a"), np.arange(4.0))
    for bad in (np.arange(3, dtype=np.int64), np.array([True]), np.array(3, dtype=np.uint8)):
        with pytest.raises(DataError, match="write_idx"):
            datasets.write_idx(tmp_path / "b", bad)


def _good_idx(tmp_path):
    path = tmp_path / "good"
    datasets.write_idx(path, np.arange(12, dtype=np.uint8).reshape(3, 4))
    return path.read_bytes()


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: b"\x01\x00" + raw[2:], "bad magic number"),
    (lambda raw: b"", "bad magic number"),
    (lambda raw: raw[:2] + b"\x0a" + raw[3:], "unknown IDX type code 0x0A"),
    (lambda raw: raw[:-1], "truncated"),
    (lambda raw: raw[:10], "truncated"),
    (lambda raw: raw + b"\x00\x00", "trailing bytes"),
    (lambda raw: gzip.compress(raw)[:-6], "corrupt gzip"),
])
def test_read_idx_corrupt_files(tmp_path, mutate, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(mutate(_good_idx(tmp_path)))
    with pytest.raises(DataError, match=message) as info:
        datasets.read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_missing_file(tmp_path):
    path = tmp_path / "nope.idx"
    with pytest.raises(DataError, match="no such file") as info:
        datasets.read_idx(path)
    assert str(path) in str(info.value)


def test_load_idx(tmp_path):
    images = np.arange(2 * 3 * 2, dtype=np.uint8).reshape(2, 3, 2) * 20
    datasets.write_idx(tmp_path / "img.gz", images)
    datasets.write_idx(tmp_path / "lab", np.array([7, 3], dtype=np.uint8))
    X, y = datasets.load_idx(tmp_path / "img.gz", tmp_path / "lab")
    assert X.shape == (2, 6) and X.dtype == np.float64
    np.testing.assert_allclose(X, images.reshape(2, 6) / 255.0)
    assert y.tolist() == [7, 3] and y.dtype == np.int64
    datasets.write_idx(tmp_path / "imgf", images.astype(np.float32))
    X, _ = datasets.load_idx(tmp_path / "imgf", tmp_path / "lab")
    assert X.max() == 220.0  # only unsigned bytes are scaled


def test_load_idx_errors(tmp_path):
    datasets.write_idx(tmp_path / "img", np.zeros((3, 2, 2), dtype=np.uint8))
    datasets.write_idx(tmp_path / "lab", np.zeros(2, dtype=np.uint8))
    with pytest.raises(DataError, match="3 images.*2 labels"):
        datasets.load_idx(tmp_path / "img", tmp_path / "lab")
    with pytest.raises(DataError, match="swapped"):
        datasets.load_idx(tmp_path / "lab", tmp_path / "img")


# --------------------------------------------------------------------------- CSV

def _csv(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_read_csv_header_and_target_by_name(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2,0\n3.5,-4e1,1\n\n\n")
    X, y, names = datasets.read_csv(path, target="label")
    np.testing.assert_array_equal(X, [[1, 2], [3.5, -40]])
    assert X.dtype == np.float64 and y.dtype == np.int64 and y.tolist() == [0, 1]
    assert names == ["a", "b"]


def test_read_csv_no_header_target_by_index(tmp_path):
    path = _csv(tmp_path, "1;0;2\n3;1;4\n", name="semi.csv")
    X, y, names = datasets.read_csv(path, target=1, delimiter=";")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    assert y.tolist() == [0, 1] and names == ["x0", "x2"]
    X, y, names = datasets.read_csv(path, target=-1, delimiter=";")
    assert y.tolist() == [2, 4] and names == ["x0", "x1"]
    X, y, names = datasets.read_csv(path, delimiter=";")
    assert X.shape == (2, 3) and y is None


def test_read_csv_bom_and_string_labels(tmp_path):
    path = _csv(tmp_path, "\ufeffsepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n")
    X, y, names = datasets.read_csv(path, target="species")
    assert names == ["sepal", "petal"]  # the BOM is not part of the first name
    assert y.dtype.kind == "U" and y.tolist() == ["setosa", "versicolor"]
    classes, y_int = datasets.encode_labels(y)
    assert classes.tolist() == ["setosa", "versicolor"] and y_int.tolist() == [0, 1]


def test_read_csv_string_labels_without_header_are_not_a_header(tmp_path):
    path = _csv(tmp_path, "5.1,setosa\n7.0,versicolor\n")
    X, y, names = datasets.read_csv(path, target=1)
    assert X.tolist() == [[5.1], [7.0]] and y.tolist() == ["setosa", "versicolor"]
    assert names == ["x0"]


def test_read_csv_explicit_header_flag_and_float_target(tmp_path):
    path = _csv(tmp_path, "1,2\n3,4.5\n")
    X, y, names = datasets.read_csv(path, target=1, header=True)
    assert names == ["1"] and X.tolist() == [[3.0]] and y.dtype == np.float64
    with pytest.raises(DataError, match="header must be"):
        datasets.read_csv(path, header="yes")
    with pytest.raises(DataError, match="delimiter"):
        datasets.read_csv(path, delimiter=";;")


@pytest.mark.parametrize("text, target, pattern", [
    ("", None, r"the file is empty"),
    ("\n\n  \n", None, r"the file is empty"),
    ("a,b\n", None, r"header but no data rows"),
    ("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,2,3\n1,2,3\n1,2,abc\n", None,
     r"data\.csv line 7, column 3 \('abc'\): not a number"),
    ("a,b,c\n1,2,3\n4,5\n", None, r"line 3: has 2 fields, expected 3"),
    ("1,2,3\n4,5,6,7\n", None, r"line 2: has 4 fields, expected 3"),
    ("a,b\n1,2\n", "label", r"no column named 'label'; available columns: \['a', 'b'\]"),
    ("a,b\n1,2\n", 5, r"index 5 is out of range"),
    ("a,b\n1,2\n", 1.5, r"target must be"),
    ("a,b,y\n1,2,0\n3,nan,1\n", "y", r"line 3, column 2 \('nan'\): not a finite number"),
    ("a,b,y\n1,2,0\n3,-inf,1\n", "y", r"line 3, column 2 \('-inf'\): not a finite number"),
    ("a,b,y\n1,2,0\n\n3,,1\n", "y", r"line 4, column 2: empty cell"),
    ("a,b,y\n1,2,0\n3,4,\n", "y", r"line 3, column 3: empty target cell"),
    ("a,b,y\n1,2,cat\n3,4,\n", "y", r"line 3, column 3: empty target cell"),
    ("a,b,y\n1,2,0\n3,4,nan\n", "y", r"line 3, column 3 \(target\) \('nan'\): not a finite"),
    ("y\n1\n", "y", r"no feature columns"),
])
def test_read_csv_errors(tmp_path, text, target, pattern):
    path = _csv(tmp_path, text)
    with pytest.raises(DataError, match=pattern) as info:
        datasets.read_csv(path, target=target)
    if "target must be" not in pattern:
        assert str(path) in str(info.value)


def test_read_csv_missing_and_non_utf8(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        datasets.read_csv(tmp_path / "missing.csv")
    path = _csv(tmp_path, "a,b\n1,é\n", encoding="latin-1")
    with pytest.raises(DataError, match="not UTF-8"):
        datasets.read_csv(path)


@pytest.mark.parametrize("text, expected", [
    ("a,b,label\n1,2,0\n", ["a", "b", "label"]),
    ("\ufeff sepal , petal,species\n5.1,1.4,setosa\n", ["sepal", "petal", "species"]),
    ("5.1,3.5,setosa\n4.9,3.0,setosa\n", ["x0", "x1", "x2"]),          # string labels are not a header
    ("\n\n1,2\n3,4\n", ["x0", "x1"]),
    (",a,b\n0,1,2\n1,3,4\n", ["", "a", "b"]),                         # pandas' index column has no name
    ("", []),
])
def test_csv_column_names_are_the_names_read_csv_gives(tmp_path, text, expected):
    path = _csv(tmp_path, text)
    assert datasets.files.csv_column_names(path) == expected
    if expected:                                     # read_csv agrees
        assert datasets.read_csv(path, target=-1)[2] == expected[:-1]


@pytest.mark.parametrize("text, first, header", [
    ("x0,x1,y\n1,2,0\n", ["x0", "x1", "y"], True),               # a real header, though named like read_csv's
    ("0,1,2\n5.1,3.5,1.4\n", ["0", "1", "2"], False),            # pandas' unnamed columns look like data
    (",0,1\n0,5.1,3.5\n", ["", "0", "1"], False),
    ("\ufeff a , b\n1,2\n", ["a", "b"], True),
    ("", [], False),
])
def test_csv_first_row_and_whether_it_is_a_header(tmp_path, text, first, header):
    path = _csv(tmp_path, text)
    assert datasets.files.csv_first_row(path) == (first, header)
    if first:                                        # the names read_csv gives, with the header forced or refused
        assert datasets.files.csv_column_names(path, header=True) == first
        assert datasets.files.csv_column_names(path, header=False) == datasets.files.headerless_names(len(first))


def test_csv_column_names_reads_only_the_start_of_big_or_compressed_files(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5},{i % 3}" for i in range(120_000))      # about 2 MB
    (tmp_path / "big.csv").write_text("id,value,label\n" + rows + "\n")
    (tmp_path / "big.csv.gz").write_bytes(gzip.compress(rows.encode()))
    assert datasets.files.csv_column_names(tmp_path / "big.csv") == ["id", "value", "label"]
    assert datasets.files.csv_column_names(tmp_path / "big.csv.gz") == ["x0", "x1", "x2"]
    (tmp_path / "broken.csv.gz").write_bytes(b"\x1f\x8b" + b"junk" * 10)
    assert datasets.files.csv_column_names(tmp_path / "broken.csv.gz") == []
    assert datasets.files.csv_column_names(tmp_path / "missing.csv") == []
    assert datasets.files.csv_column_names(tmp_path, ";") == []                # a folder


# --------------------------------------------------------------------------- NPZ

def test_load_npz(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, X=np.arange(6, dtype=np.int32).reshape(3, 2), y=np.array([0, 1, 0], np.uint8),
             images=np.zeros((3, 1, 2, 2)))
    X, y = datasets.load_npz(path)
    assert X.dtype == np.float64 and X.shape == (3, 2) and y.dtype == np.int64
    X, y = datasets.load_npz(path, features="images", target=None)
    assert X.shape == (3, 1, 2, 2) and y is None


def test_load_npz_errors(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, data=np.zeros((3, 2)), labels=np.zeros(2))
    with pytest.raises(DataError, match=r"no array named 'X'; the file holds \['data', 'labels'\]"):
        datasets.load_npz(path)
    with pytest.raises(DataError, match="same number of rows"):
        datasets.load_npz(path, features="data", target="labels")
    with pytest.raises(DataError, match="no such file"):
        datasets.load_npz(tmp_path / "missing.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(DataError, match="not an .npz archive"):
        datasets.load_npz(tmp_path / "single.npy")
    np.savez(tmp_path / "obj.npz", X=np.array([{"a": 1}], dtype=object), y=np.zeros(1))
    with pytest.raises(DataError, match="obj.npz"):
        datasets.load_npz(tmp_path / "obj.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(DataError, match="text.npz"):
        datasets.load_npz(tmp_path / "text.npz")


# --------------------------------------------------------------------------- helpers

def test_one_hot():
    out = datasets.one_hot(np.array([2, 0, 1, 2]))
    assert out.dtype == np.float64 and out.shape == (4, 3)
    np.testing.assert_array_equal(out.argmax(axis=1), [2, 0, 1, 2])
    assert datasets.one_hot([1, 0], n_classes=4).shape == (2, 4)
    assert datasets.one_hot(np.array([1.0, 0.0])).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(DataError, match="n_classes=2.*label 2"):
        datasets.one_hot([0, 2], n_classes=2)
    with pytest.raises(DataError, match=">= 0"):
        datasets.one_hot([0, -1])
    for bad in (np.array(["a"]), np.array([0.5]), np.zeros((2, 2), dtype=int)):
        with pytest.raises(DataError, match="encode_labels"):
            datasets.one_hot(bad)


def test_encode_labels():
    classes, y_int = datasets.encode_labels(np.array([3, 10, 3, -1]))
    assert classes.tolist() == [-1, 3, 10] and y_int.tolist() == [1, 2, 1, 0]
    assert y_int.dtype == np.int64
    np.testing.assert_array_equal(classes[y_int], [3, 10, 3, -1])
    with pytest.raises(DataError, match="1-D"):
        datasets.encode_labels(np.zeros((2, 2)))


def test_standardize():
    X = np.array([[1.0, 5.0, 0.1], [3.0, 5.0, 0.1], [5.0, 5.0, 0.1]])
    Z, mean, std = datasets.standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, 0].std(), 1.0)
    np.testing.assert_allclose(Z[:, 1:], 0.0, atol=1e-12)  # constant columns: centred only
    assert std[1] == 1.0 and std[2] == 1.0
    Z_test, mean2, std2 = datasets.standardize(np.array([[7.0, 6.0, 0.1]]), mean, std)
    np.testing.assert_allclose(Z_test, [[(7 - 3) / std[0], 1.0, 0.0]], atol=1e-12)
    assert mean2 is not None and np.array_equal(std2, std)
    _, _, std3 = datasets.standardize(X, mean, np.array([2.0, 0.0, 1.0]))
    assert std3.tolist() == [2.0, 1.0, 1.0]
    with pytest.raises(DataError, match=r"mean has shape \(2,\), expected \(3,\)"):
        datasets.standardize(X, mean=np.zeros(2))
    with pytest.raises(DataError, match="2-D"):
        datasets.standardize(np.zeros(3))


def test_train_test_split_stratified():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    X = np.arange(100.0).reshape(100, 1)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_size=0.2, seed=0)
    assert len(X_test) == 20 and len(X_train) == 80
    assert np.bincount(y_test).tolist() == [10, 6, 4]
    assert sorted(np.concatenate([X_train, X_test]).ravel().tolist()) == X.ravel().tolist()
    np.testing.assert_array_equal(y[X_test.ravel().astype(int)], y_test)  # rows stay paired
    again = datasets.train_test_split(X, y, test_size=0.2, seed=0)
    other = datasets.train_test_split(X, y, test_size=0.2, seed=1)
    np.testing.assert_array_equal(again[1], X_test)
    assert not np.array_equal(other[1], X_test)


def test_train_test_split_uneven_classes_and_options():
    y = np.array(["a"] * 7 + ["b"] * 5 + ["c"] * 3)
    X = np.zeros((15, 2))
    _, X_test, _, y_test = datasets.train_test_split(X, y, test_size=4, seed=3)
    assert len(X_test) == 4
    counts = {c: int(np.sum(y_test == c)) for c in "abc"}
    for c, n in (("a", 7), ("b", 5), ("c", 3)):
        assert abs(counts[c] - 4 * n / 15) < 1
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, 0.5, stratify=False)
    assert len(X_test) == 8 and len(y_train) == 7


@pytest.mark.parametrize("kwargs, pattern", [
    ({"test_size": 0.0}, "test_size"), ({"test_size": 1.0}, "test_size"),
    ({"test_size": 10}, "both sides"), ({"test_size": 0}, "both sides"),
    ({"test_size": "20%"}, "test_size"),
])
def test_train_test_split_errors(kwargs, pattern):
    with pytest.raises(DataError, match=pattern):
        datasets.train_test_split(np.zeros((10, 2)), np.arange(10) % 2, **kwargs)
    with pytest.raises(DataError, match="same number of rows"):
        datasets.train_test_split(np.zeros((10, 2)), np.zeros(9))


# --------------------------------------------------------------------------- random_state, scikit-learn's spelling

@pytest.mark.parametrize("make", [datasets.make_xor, datasets.make_blobs, datasets.make_moons,
                                  datasets.make_circles, datasets.make_spirals])
def test_random_state_is_a_synonym_of_seed(make):
    X1, y1 = make(random_state=3)
    X2, y2 = make(seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    with pytest.raises(DataError, match="both seed=1 and random_state=2"):
        make(seed=1, random_state=2)


def test_train_test_split_accepts_random_state():
    X, y = datasets.make_blobs(60, seed=0)
    a = datasets.train_test_split(X, y, random_state=5)
    b = datasets.train_test_split(X, y, seed=5)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(DataError, match="random_state is scikit-learn's spelling"):
        datasets.train_test_split(X, y, seed=1, random_state=5)


def test_load_digits_accepts_random_state():
    a = datasets.load_digits(random_state=4)
    b = datasets.load_digits(seed=4)
    np.testing.assert_array_equal(a[3], b[3])
