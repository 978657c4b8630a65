"""What ``glassnet train`` prints while it trains: one line per finished epoch.

On a terminal (with rich installed) a progress bar runs over the current epoch's
batches and each finished epoch becomes a line above it (:class:`Bar`); otherwise —
a pipe, a file, a Dask run — only the lines are printed (:class:`EpochLines`). Both
count epochs over the whole run, so a resumed run goes on from where it stopped:

    epoch  7/30  loss 0.1234  accuracy 0.9650  val_loss 0.1500  val_accuracy 0.9583
"""

from __future__ import annotations

from .. import training

#: logged numbers the epoch line leaves out (the learning rate, Dask's traffic, timings)
_NOT_SHOWN = ("lr", "bytes_sent", "bytes_received", "seconds")


def epoch_line(epoch: int, total: int, logs: dict) -> str:
    """``epoch  E/TOTAL  name value …`` for the 0-based ``epoch``, numbers to 4 decimals (4 significant
    digits from a million on)."""
    numbers = "  ".join(f"{k} {v:.4f}" if abs(v) < 1e6 else f"{k} {v:.4g}" for k, v in logs.items()
                        if k not in _NOT_SHOWN)
    return f"epoch {epoch + 1:>{len(str(total))}}/{total}  {numbers}"


class EpochLines(training.Callback):
    """One printed line per epoch (when standard output is not a terminal).

    Parameters
    ----------
    start : int
        Epochs already done before this call to ``fit`` (a resumed run's).
    total : int
        Epochs of the whole run.
    """

    def __init__(self, start: int, total: int):
        self.start, self.total = start, total

    def on_epoch_end(self, epoch, logs):
        print(epoch_line(self.start + epoch, self.total, logs), flush=True)


class Bar(training.ProgressBar):
    """The rich progress bar over the current epoch's batches; each finished epoch becomes a line above it.

    ``start`` and ``total`` are as for :class:`EpochLines`; ``steps`` is the number of batches per epoch.
    """

    def __init__(self, start: int, total: int, steps: int):
        super().__init__(total, steps, "bar")
        self.start = start

    def on_epoch_begin(self, epoch, logs):
        super().on_epoch_begin(self.start + epoch, logs)

    def on_epoch_end(self, epoch, logs):
        self._progress.remove_task(self._task)
        self._progress.console.print(epoch_line(self.start + epoch, self.epochs, logs), highlight=False)
