"""Training on a Dask cluster.

Two modules, one concept each:

- :mod:`glassnet.distributed.cluster` — :func:`connect` to a scheduler (or start a
  ``LocalCluster`` on loopback), :func:`check_scheduler`, :class:`ClusterError`;
- :mod:`glassnet.distributed.data_parallel` — :func:`fit_distributed` and
  :class:`DataParallel`: synchronous full-batch training with each partition's gradient
  computed on the worker that holds it, equal to single-process training.

Dask is an optional extra (``pip install "glassnet[dask]"``); importing this package
does not import it, the functions do.

>>> from glassnet import Network, Dense                                # doctest: +SKIP
>>> from glassnet.distributed import connect, fit_distributed          # doctest: +SKIP
>>> net = Network([Dense(8, "tanh"), Dense(1)], loss="mse", input_shape=4, seed=0)   # doctest: +SKIP
>>> with connect("local:2") as client:                                 # doctest: +SKIP
...     history = fit_distributed(net, X, y, client=client, steps=100, optimizer="adam")
>>> history.history["bytes_sent"][-1]                                  # doctest: +SKIP
"""

from .cluster import ClusterError, check_scheduler, connect
from .data_parallel import DataParallel, fit_distributed

__all__ = ["ClusterError", "DataParallel", "fit_distributed", "connect", "check_scheduler"]
