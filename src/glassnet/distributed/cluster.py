"""Connecting to a Dask cluster: a running scheduler, or a ``LocalCluster`` on this machine.

:func:`connect` gives the ``distributed.Client`` that :mod:`glassnet.distributed.data_parallel`
trains on, and that joblib's ``"dask"`` backend and dask-ml use for glassnet's
scikit-learn estimators. :func:`check_scheduler` checks an address without importing
Dask (the CLI calls it before anything starts).

Dask is an optional extra (``pip install "glassnet[dask]"``); it is imported only
inside the functions here.

>>> from glassnet.distributed import connect                           # doctest: +SKIP
>>> with connect("local:2") as client:                                 # doctest: +SKIP
...     client.scheduler_info()["workers"]
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from ..errors import ConfigError, GlassnetError


class ClusterError(GlassnetError, RuntimeError):
    """The Dask cluster could not finish a training step (a worker died for good, a timeout,
    an unreachable scheduler). The network keeps the weights of the last completed step."""


def _dask():
    try:
        import dask.array as da
        import distributed
    except ImportError:
        raise ConfigError('glassnet.distributed needs Dask: pip install "glassnet[dask]" '
                          "(dask[array], distributed)") from None
    return da, distributed


def check_scheduler(scheduler) -> str:
    """``scheduler`` stripped, once it has the form :func:`connect` accepts (checked without Dask).

    >>> check_scheduler(" local:2 ")
    'local:2'
    """
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ConfigError(f"scheduler must be an address such as 'tcp://host:8786' or 'local:N'; got {scheduler!r}")
    scheduler = scheduler.strip()
    if scheduler.startswith("local:"):
        count = scheduler[len("local:"):]
        if not count.isdigit() or int(count) < 1:
            raise ConfigError(f"scheduler 'local:N' needs a positive number of workers N; got {scheduler!r}")
    return scheduler


@contextlib.contextmanager
def connect(scheduler: str, *, timeout: float = 30.0, processes: bool = True) -> Iterator:
    """A ``distributed.Client`` for ``scheduler``, closed on exit.

    Parameters
    ----------
    scheduler : str
        The address of a running Dask scheduler (``"tcp://10.0.0.5:8786"``), or
        ``"local:N"`` to start a ``LocalCluster`` of ``N`` single-threaded workers on
        this machine, listening on loopback only (``tcp://127.0.0.1``), without a dashboard.
    timeout : float
        Seconds to wait for the scheduler.
    processes : bool
        For ``local:N``: workers in their own processes (default) or as threads.
    """
    scheduler = check_scheduler(scheduler)
    _, distributed = _dask()
    if scheduler.startswith("local:"):
        count = scheduler[len("local:"):]
        # Loopback only (in-process clusters too: otherwise their HTTP server listens on every interface).
        options = dict(n_workers=int(count), threads_per_worker=1, processes=processes, host="127.0.0.1",
                       protocol="tcp", dashboard_address=None)
        with distributed.LocalCluster(**options) as cluster, distributed.Client(cluster, timeout=timeout) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"could not reach the Dask scheduler at {scheduler!r} within {timeout:g} s ({exc}); "
                           "check the address, or use 'local:N' for a cluster on this machine") from None
    with client:
        yield client
