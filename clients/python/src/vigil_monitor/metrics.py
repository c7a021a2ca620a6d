"""Validation figures computed with numpy, the same way Vigil computes them (``Vigil.Core.Metrics``).

* Per class (one-vs-rest): sensitivity (recall), specificity, precision, F1 from the confusion matrix, with
  scikit-learn's ``zero_division=0`` (a ratio with nothing to divide by is 0).
* Accuracy; macro F1 (unweighted mean over every class).
* AUROC per class from the scores (ties count one half); macro = mean of the defined ones, weighted = mean weighted
  by support. A class absent from the labels has no AUROC (``None``).
* Predictions are the top-1 class, the lowest index on ties.

A test checks these against values written by Vigil's own C# code on the same arrays.
"""

from __future__ import annotations

import math
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np

#: Sensitivities this close under a threshold still meet it (the server uses the same tolerance).
TOLERANCE = 1e-9


def auroc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve of ``scores`` for binary ``labels`` (1 = positive); NaN when one class is missing."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(labels).ravel().astype(bool)
    if s.shape != y.shape:
        raise ValueError(f"{s.size} scores for {y.size} labels; give one score per label")
    positives = int(y.sum())
    negatives = y.size - positives
    if positives == 0 or negatives == 0:
        return math.nan
    order = np.argsort(s, kind="mergesort")
    _, inverse, counts = np.unique(s[order], return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    average_rank = (ends - counts + 1 + ends) / 2.0  # 1-based mean rank of each group of equal scores
    rank_sum = float(average_rank[inverse][y[order]].sum())
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], num_classes: int) -> np.ndarray:
    """Counts, rows = true class, columns = predicted class."""
    t = np.asarray(y_true, dtype=np.int64).ravel()
    p = np.asarray(y_pred, dtype=np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"{t.size} true classes for {p.size} predictions; give one prediction per sample")
    for name, values in (("y_true", t), ("y_pred", p)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} holds class indices outside 0..{num_classes - 1}")
    return np.bincount(t * num_classes + p, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def _ratio(numerator: float, denominator: float) -> float:
    return 0.0 if denominator == 0 else numerator / denominator


def _finite(value: float) -> Optional[float]:
    return float(value) if math.isfinite(value) else None


def classification_report(
    y_true: Sequence[int],
    y_score: Optional[Sequence[Sequence[float]]] = None,
    y_pred: Optional[Sequence[int]] = None,
    class_names: Optional[Sequence[str]] = None,
    num_classes: Optional[int] = None,
) -> dict:
    """Accuracy, per-class figures, macro F1, AUROC (from ``y_score``) and the confusion matrix.

    Args:
        y_true: the true class index of each sample.
        y_score: class probabilities (or scores), one row per sample and one column per class; predictions are
            its top-1 class. For two classes a 1-D array is the positive class's score.
        y_pred: predicted class indices, when there are no scores (AUROC is then ``None``).
        class_names: one name per class (default: the indices as text).
        num_classes: the class count when neither names nor scores give it.

    Returns:
        A dict in the shape of Vigil's epoch record: ``accuracy``, ``f1_macro``, ``auroc_macro``,
        ``auroc_weighted``, ``per_class`` (``class``, ``sensitivity``, ``specificity``, ``precision``, ``f1``,
        ``auroc``, ``support``), ``confusion_matrix`` and ``classes``.
    """
    t = np.asarray(y_true, dtype=np.int64).ravel()
    if t.size == 0:
        raise ValueError("no samples: y_true is empty")
    scores = None
    if y_score is not None:
        scores = np.asarray(y_score, dtype=np.float64)
        if scores.ndim == 1:
            scores = np.stack([1.0 - scores, scores], axis=1)
        if scores.ndim != 2 or scores.shape[0] != t.size:
            raise ValueError(f"y_score must have one row per sample ({t.size}), one column per class; its shape is {scores.shape}")
    elif y_pred is None:
        raise ValueError("give y_score (class probabilities) or y_pred (predicted classes)")
    k = (scores.shape[1] if scores is not None else None) or (len(class_names) if class_names else None) or num_classes
    if k is None:
        k = int(max(t.max(), np.asarray(y_pred).max())) + 1
    if class_names is not None and len(class_names) != k:
        raise ValueError(f"{len(class_names)} class names for {k} classes; give one name per class")
    names = [str(n) for n in class_names] if class_names is not None else [str(i) for i in range(k)]
    predicted = np.argmax(scores, axis=1) if scores is not None else np.asarray(y_pred, dtype=np.int64).ravel()
    matrix = confusion_matrix(t, predicted, k)
    total = int(matrix.sum())
    tp = np.diag(matrix).astype(np.int64)
    support = matrix.sum(axis=1)
    fp = matrix.sum(axis=0) - tp
    fn = support - tp
    tn = total - tp - fp - fn
    per_class: List[dict] = []
    aucs: List[float] = []
    for c in range(k):
        auc = auroc(scores[:, c], t == c) if scores is not None else math.nan
        aucs.append(auc)
        per_class.append({
            "class": names[c],
            "sensitivity": _ratio(tp[c], tp[c] + fn[c]),
            "specificity": _ratio(tn[c], tn[c] + fp[c]),
            "precision": _ratio(tp[c], tp[c] + fp[c]),
            "f1": _ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]),
            "auroc": _finite(auc),
            "support": int(support[c]),
        })
    defined = [(a, int(support[c])) for c, a in enumerate(aucs) if not math.isnan(a)]
    weight = sum(s for _, s in defined)
    return {
        "accuracy": int(tp.sum()) / total,
        "f1_macro": sum(p["f1"] for p in per_class) / k,
        "auroc_macro": sum(a for a, _ in defined) / len(defined) if defined else None,
        "auroc_weighted": sum(a * s for a, s in defined) / weight if weight else None,
        "per_class": per_class,
        "confusion_matrix": matrix.tolist(),
        "classes": names,
    }


def condition_status(sensitivity: float, threshold: float, margin: float = 0.02) -> str:
    """``ok`` at or above the threshold, ``warning`` at most ``margin`` below it, ``critical`` further below."""
    if sensitivity >= threshold - TOLERANCE:
        return "ok"
    if sensitivity >= threshold - margin - TOLERANCE:
        return "warning"
    return "critical"


def critical_conditions(report: dict, thresholds: Mapping[str, float], margin: float = 0.02) -> Dict[str, dict]:
    """Each threshold's class: its sensitivity, the threshold and the status. A class without examples is left out."""
    by_name = {p["class"]: p for p in report["per_class"]}
    out: Dict[str, dict] = {}
    for name, threshold in thresholds.items():
        row = by_name.get(name)
        if row is None or row["support"] == 0:
            continue
        out[name] = {"sensitivity": row["sensitivity"], "threshold": float(threshold),
                     "status": condition_status(row["sensitivity"], float(threshold), margin)}
    return out
