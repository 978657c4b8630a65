"""glassnet's scikit-learn estimators on a Dask cluster: dask-ml's Incremental and
joblib's "dask" backend for GridSearchCV / RandomizedSearchCV.

Oracle: the same computation without Dask, in this process — ``partial_fit`` called on
the blocks one after another, and the searches run with ``n_jobs=1`` — must give the
same weights and the same cross-validation scores. The task stream proves the work
ran on the cluster's workers (two processes on loopback, so every estimator crosses a
process boundary by pickling).
"""

from __future__ import annotations

import dask.array as da
import joblib
import numpy as np
import pytest
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster, get_task_stream
from scipy.stats import loguniform
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from glassnet.mlp_estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)   # short max_iter on purpose
LOOPBACK = dict(host="127.0.0.1", protocol="tcp", dashboard_address=None, threads_per_worker=1)


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, processes=True, **LOOPBACK) as cluster, Client(cluster, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)      # three classes
    return X, y


def test_incremental_trains_chunk_by_chunk_like_partial_fit_in_order(client, blobs):
    X, y = blobs
    make = lambda: MLPClassifier((8,), "tanh", solver="adam", learning_rate_init=0.05, batch_size=50,  # noqa: E731
                                 random_state=0)
    inc = Incremental(make(), shuffle_blocks=False)
    with get_task_stream(client) as stream:
        inc.fit(da.from_array(X, chunks=(60, 4)), da.from_array(y, chunks=60), classes=[0, 1, 2])
    fits = [t["key"][1] for t in stream.data if isinstance(t["key"], tuple) and str(t["key"][0]).startswith("fit-")]
    assert sorted(k for k in fits if k >= 0) == [0, 1, 2, 3, 4]   # one partial_fit task per block, on the workers
    ref = make()
    for lo in range(0, 300, 60):                     # the same blocks, in order, in this process
        ref.partial_fit(X[lo:lo + 60], y[lo:lo + 60], classes=[0, 1, 2])
    for got, want in zip(inc.estimator_.coefs_ + inc.estimator_.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    assert inc.estimator_.score(X, y) > 0.75         # and it learned something


def test_incremental_regressor_on_a_dask_array(client):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)
    make = lambda: MLPRegressor((6,), "identity", solver="sgd", learning_rate_init=0.02, batch_size=40,  # noqa: E731
                                random_state=1)
    inc = Incremental(make(), shuffle_blocks=False)
    for _ in range(3):                               # three passes over the data
        inc.partial_fit(da.from_array(X, chunks=(50, 3)), da.from_array(y, chunks=50))
    ref = make()
    for _ in range(3):
        for lo in range(0, 200, 50):
            ref.partial_fit(X[lo:lo + 50], y[lo:lo + 50])
    np.testing.assert_allclose(inc.estimator_.coefs_[0], ref.coefs_[0], rtol=0, atol=1e-10)
    assert inc.estimator_.score(X, y) > 0.9


def test_grid_search_under_the_dask_joblib_backend(client, blobs):
    X, y = blobs
    grid = {"alpha": [1e-4, 1e-1], "hidden_layer_sizes": [(4,), (8,)]}
    make = lambda: GridSearchCV(MLPClassifier(activation="tanh", max_iter=30, random_state=0), grid, cv=3)  # noqa: E731
    with get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        on_dask = make().set_params(n_jobs=-1).fit(X, y)
    assert stream.data                               # the 4 candidates × 3 folds ran on the workers
    local = make().set_params(n_jobs=1).fit(X, y)
    assert on_dask.best_params_ == local.best_params_
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"],
                               rtol=0, atol=1e-12)


def test_randomized_search_under_the_dask_joblib_backend(client, blobs):
    X, y = blobs
    space = {"alpha": loguniform(1e-5, 1e-1), "learning_rate_init": loguniform(1e-3, 1e-1)}
    make = lambda: RandomizedSearchCV(MLPClassifier((6,), "relu", max_iter=20, random_state=0), space,  # noqa: E731
                                      n_iter=4, cv=2, random_state=3)
    with get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        on_dask = make().set_params(n_jobs=-1).fit(X, y)
    assert stream.data
    local = make().set_params(n_jobs=1).fit(X, y)
    assert on_dask.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"],
                               rtol=0, atol=1e-12)
    assert on_dask.best_estimator_.score(X, y) == pytest.approx(local.best_estimator_.score(X, y), abs=1e-12)
