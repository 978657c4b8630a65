"""Metrics and plain-text tables: what ``glassnet train`` and ``evaluate`` print.

Classification: accuracy, per-class precision, recall and F1 (0 where undefined, as scikit-learn)
and the confusion matrix; regression: MSE, RMSE, MAE and R², in the target's units.
"""

from __future__ import annotations

import numpy as np


def confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """``C[i, j]`` = samples of class i predicted as class j (classes as 0..k-1)."""
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> dict:
    """Accuracy, per-class precision/recall/F1 (0 where undefined, as scikit-learn) and the confusion matrix."""
    C = confusion(y_true, y_pred, k)
    tp = np.diag(C).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(tp / C.sum(axis=0))
        recall = np.nan_to_num(tp / C.sum(axis=1))
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    return {"accuracy": float(tp.sum() / C.sum()), "precision": precision, "recall": recall, "f1": f1,
            "confusion": C}


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """MSE, RMSE, MAE and R² (``1 − SS_res / SS_tot``, averaged over outputs), in the target's units."""
    y_true, y_pred = y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)
    err = y_pred - y_true
    mse = float(np.mean(err ** 2))
    ss_tot = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    ss_res = (err ** 2).sum(axis=0)
    r2 = float(np.mean(np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), 0.0)))
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(err))), "r2": r2}


def table(rows: list[list], header: list[str] | None = None, right: bool = True) -> str:
    """Rows of cells as aligned plain text (numbers right-aligned)."""
    rows = [[str(c) for c in r] for r in ([header] if header else []) + rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 or not right else c.rjust(w) for i, (c, w) in
                       enumerate(zip(r, widths))).rstrip() for r in rows]
    if header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def classification_report(m: dict, classes: list) -> str:
    """Per-class precision/recall/F1/support, then the confusion matrix (rows: true, columns: predicted)."""
    C = m["confusion"]
    rows = [[c, f"{p:.4f}", f"{r:.4f}", f"{f:.4f}", int(s)]
            for c, p, r, f, s in zip(classes, m["precision"], m["recall"], m["f1"], C.sum(axis=1))]
    report = table(rows, ["class", "precision", "recall", "f1", "support"])
    matrix = table([[c, *row] for c, row in zip(classes, C.tolist())], ["true \\ predicted", *classes])
    return f"{report}\n\nconfusion matrix (rows: true class, columns: predicted class)\n{matrix}"
