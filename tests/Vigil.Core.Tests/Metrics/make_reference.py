#!/usr/bin/python3
"""Reference values for the Vigil.Core.Metrics tests, computed independently with scikit-learn and numpy.

Run with Debian's interpreter (it has python3-sklearn / python3-numpy):

    /usr/bin/python3 tests/Vigil.Core.Tests/Metrics/make_reference.py > tests/Vigil.Core.Tests/Metrics/SklearnReference.cs

The output is a C# file of literals; the tests never call Python. Generated cases use a 32-bit LCG and integer
arithmetic only, so ReferenceInputs.cs reproduces the very same doubles in C# (integer / integer is correctly rounded
in both languages). Input checksums are emitted too, so a drift between the two generators fails loudly.

Written against scikit-learn 1.2 (Debian bookworm): roc_curve's first threshold is max(score) + 1 there
(newer releases use +inf; both mean "nothing is positive").
"""
import sys

import numpy as np
import sklearn
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)


class Lcg:
    """Numerical Recipes LCG; Next() returns the top 24 bits of the 32-bit state (the low bits are weak)."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self, modulo):
        self.state = (self.state * 1664525 + 1013904223) & 0xFFFFFFFF
        return (self.state >> 8) % modulo


def ties_medium():
    """600 samples, 21 distinct scores (k/20): heavy ties; anomaly rate rises with the score."""
    rng = Lcg(12345)
    scores, labels = [], []
    for _ in range(600):
        s = rng.next(21)
        r = rng.next(100)
        scores.append(s / 20.0)
        labels.append(1 if r < 15 + 3 * s else 0)
    return np.array(scores), np.array(labels)


def errors_large():
    """5000 reconstruction-error-like scores (positive, unbounded), 20% anomalies shifted up, ties from 1/1000 grid."""
    rng = Lcg(777)
    scores, labels = [], []
    for _ in range(5000):
        y = 1 if rng.next(10) < 2 else 0
        v = rng.next(1000) + 300 * y
        scores.append(v / 1000.0)
        labels.append(y)
    return np.array(scores), np.array(labels)


def multiclass():
    """400 samples, 4 classes; probabilities w_k / sum(w) with the true class boosted (not always enough)."""
    rng = Lcg(4242)
    labels, probs = [], []
    for _ in range(400):
        y = rng.next(4)
        w = [1 + rng.next(1000) for _ in range(4)]
        w[y] += 700
        total = sum(w)
        labels.append(y)
        probs.append([wk / total for wk in w])
    return np.array(labels), np.array(probs)


def normal_errors():
    """1000 skewed 'normal' reconstruction errors: (a*b)/1e6 with a, b uniform integers, plus an offset."""
    rng = Lcg(99)
    return np.array([(50_000 + rng.next(1000) * rng.next(1000)) / 1_000_000.0 for _ in range(1000)])


# ---------------------------------------------------------------- C# emitters
out = []


def emit(line=""):
    out.append(line)


def d(x):
    x = float(x)
    if np.isnan(x):
        return "double.NaN"
    r = repr(x)
    return r if ("." in r or "e" in r or "inf" in r) else r + ".0"


def arr(xs):
    return "[" + ", ".join(d(x) for x in xs) + "]"


def iarr(xs):
    return "[" + ", ".join(str(int(x)) for x in xs) + "]"


def const(name, value):
    emit(f"    public const double {name} = {d(value)};")


def const_int(name, value):
    emit(f"    public const int {name} = {int(value)};")


def array(name, values, integer=False):
    kind = "int" if integer else "double"
    body = iarr(values) if integer else arr(values)
    emit(f"    public static readonly {kind}[] {name} = {body};")


def tpr_at_fpr(fpr, tpr, target):
    return tpr[fpr <= target].max()


def binary_case(prefix, scores, labels, fpr_targets=(0.01, 0.05, 0.1), full_curves=False):
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    prec, rec, pthr = precision_recall_curve(labels, scores)
    emit(f"    // {prefix}: n={len(scores)}, positives={int(labels.sum())}")
    const(f"{prefix}Auroc", roc_auc_score(labels, scores))
    const(f"{prefix}AveragePrecision", average_precision_score(labels, scores))
    const_int(f"{prefix}RocPoints", len(fpr))
    const_int(f"{prefix}PrPoints", len(prec))
    if full_curves:
        array(f"{prefix}RocFpr", fpr)
        array(f"{prefix}RocTpr", tpr)
        array(f"{prefix}RocThresholds", thr)
        array(f"{prefix}PrPrecision", prec)
        array(f"{prefix}PrRecall", rec)
        array(f"{prefix}PrThresholds", pthr)
    else:
        const(f"{prefix}RocFprSum", fpr.sum())
        const(f"{prefix}RocTprSum", tpr.sum())
        const(f"{prefix}RocThresholdSum", thr.sum())
        const(f"{prefix}PrPrecisionSum", prec.sum())
        const(f"{prefix}PrRecallSum", rec.sum())
        mid = len(fpr) // 2
        const_int(f"{prefix}RocMidIndex", mid)
        const(f"{prefix}RocMidFpr", fpr[mid])
        const(f"{prefix}RocMidTpr", tpr[mid])
        const(f"{prefix}RocMidThreshold", thr[mid])
    array(f"{prefix}FprTargets", fpr_targets)
    array(f"{prefix}TprAtFpr", [tpr_at_fpr(fpr, tpr, t) for t in fpr_targets])

    # Threshold selection by brute force over every distinct score, rule: positive <=> score >= t.
    distinct = np.unique(scores)[::-1]  # descending, so argmax picks the highest threshold on ties
    P, N = labels.sum(), (1 - labels).sum()
    rows = []
    for t in distinct:
        pred = scores >= t
        tp = int((pred & (labels == 1)).sum())
        fp = int((pred & (labels == 0)).sum())
        fn = int(P - tp)
        rows.append((t, tp, fp, fn))
    f1 = np.array([2 * tp / (2 * tp + fp + fn) for _, tp, fp, fn in rows])
    j = np.array([tp / P - fp / N for _, tp, fp, _ in rows])
    i_f1 = int(np.argmax(f1))
    i_j = int(np.argmax(j))
    const(f"{prefix}MaxF1Threshold", rows[i_f1][0])
    const(f"{prefix}MaxF1", f1[i_f1])
    const(f"{prefix}MaxYoudenThreshold", rows[i_j][0])
    const(f"{prefix}MaxYouden", j[i_j])
    for s in (0.8, 0.95):
        tag = str(int(round(s * 100)))
        ok = [k for k, (_, tp, _, _) in enumerate(rows) if tp / P >= s]
        k = ok[0]  # highest threshold that reaches the sensitivity
        t, tp, fp, _ = rows[k]
        const(f"{prefix}Sens{tag}Threshold", t)
        const(f"{prefix}Sens{tag}Tpr", tp / P)
        const(f"{prefix}Sens{tag}Fpr", fp / N)
        const(f"{prefix}Sens{tag}Precision", tp / (tp + fp))
    emit()


def distribution_case(prefix, values, bins, lo=None, hi=None):
    rng = None if lo is None else (lo, hi)
    counts, edges = np.histogram(values, bins=bins, range=rng)
    array(f"{prefix}HistEdges", edges)
    array(f"{prefix}HistCounts", counts, integer=True)
    const(f"{prefix}Mean", np.mean(values))
    const(f"{prefix}Std", np.std(values))  # ddof=0
    qs = [1, 5, 25, 50, 75, 95, 99]
    array(f"{prefix}PercentileQs", qs)
    array(f"{prefix}Percentiles", np.percentile(values, qs))  # method='linear'


emit("// <auto-generated>")
emit("// Written by make_reference.py (scikit-learn " + sklearn.__version__ + ", numpy " + np.__version__ + ").")
emit("// Regenerate: /usr/bin/python3 tests/Vigil.Core.Tests/Metrics/make_reference.py > tests/Vigil.Core.Tests/Metrics/SklearnReference.cs")
emit("// </auto-generated>")
emit("namespace Vigil.Core.Tests.Metrics;")
emit()
emit("/// <summary>Expected values computed by scikit-learn / numpy; inputs are the literals here or ReferenceInputs.</summary>")
emit("internal static class SklearnReference")
emit("{")

# ---- small, hand-checkable binary cases (inputs included)
doc_s = np.array([0.1, 0.4, 0.35, 0.8])
doc_y = np.array([0, 0, 1, 1])
emit("    // sklearn's roc_curve docstring example")
array("DocScores", doc_s)
array("DocLabels", doc_y, integer=True)
binary_case("Doc", doc_s, doc_y, full_curves=True)

tie_s = np.array([0.9, 0.8, 0.8, 0.7, 0.7, 0.7, 0.3, 0.1])
tie_y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
emit("    // ties inside and across classes")
array("TieScores", tie_s)
array("TieLabels", tie_y, integer=True)
binary_case("Tie", tie_s, tie_y, fpr_targets=(0.0, 0.25, 0.5), full_curves=True)

# ---- generated binary cases
s, y = ties_medium()
emit(f"    public const int TiesMediumPositives = {int(y.sum())};")
const("TiesMediumScoreSum", s.sum())
binary_case("TiesMedium", s, y)
distribution_case("TiesMedium", s, 10, 0.0, 1.0)
normal_counts, _ = np.histogram(s[y == 0], bins=10, range=(0.0, 1.0))
anomalous_counts, _ = np.histogram(s[y == 1], bins=10, range=(0.0, 1.0))
array("TiesMediumNormalCounts", normal_counts, integer=True)
array("TiesMediumAnomalousCounts", anomalous_counts, integer=True)

s, y = errors_large()
emit(f"    public const int ErrorsLargePositives = {int(y.sum())};")
const("ErrorsLargeScoreSum", s.sum())
binary_case("ErrorsLarge", s, y)
distribution_case("ErrorsLarge", s, 7)  # auto range [min, max], an awkward bin count

# ---- multi-class: hand case with inputs
mt = np.array([0, 1, 2, 2, 1, 0, 2, 2, 0, 1])
mp = np.array([0, 2, 2, 2, 1, 1, 0, 2, 0, 1])
emit("    // multi-class hand case, 3 classes plus a 4th class that never occurs (zero_division=0)")
array("SmallTrue", mt, integer=True)
array("SmallPred", mp, integer=True)


def classification_case(prefix, yt, yp, n_classes):
    labels = list(range(n_classes))
    cm = confusion_matrix(yt, yp, labels=labels)
    emit(f"    public static readonly int[][] {prefix}Confusion = [" + ", ".join(iarr(r) for r in cm) + "];")
    p, r, f, sup = precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0)
    array(f"{prefix}Precision", p)
    array(f"{prefix}Recall", r)
    array(f"{prefix}F1", f)
    array(f"{prefix}Support", sup, integer=True)
    tn = cm.sum() - cm.sum(axis=0) - cm.sum(axis=1) + np.diag(cm)
    fp = cm.sum(axis=0) - np.diag(cm)
    spec = np.divide(tn, tn + fp, out=np.zeros(n_classes), where=(tn + fp) != 0)
    array(f"{prefix}Specificity", spec)
    const(f"{prefix}Accuracy", (yt == yp).mean())
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(yt, yp, labels=labels, average=avg, zero_division=0)
        cap = avg.capitalize()
        const(f"{prefix}{cap}Precision", ap)
        const(f"{prefix}{cap}Recall", ar)
        const(f"{prefix}{cap}F1", af)
        const(f"{prefix}{cap}Specificity", np.average(spec, weights=None if avg == "macro" else sup))


classification_case("Small", mt, mp, 4)

yt, pr = multiclass()
emit("    // generated multi-class case (ReferenceInputs.Multiclass)")
emit(f"    public static readonly int[] MultiClassCounts = {iarr(np.bincount(yt, minlength=4))};")
const("MultiProbabilitySum", pr.sum())
top1 = pr.argmax(axis=1)
classification_case("Multi", yt, top1, 4)
const("MultiTop1Accuracy", (top1 == yt).mean())
array("MultiOvrAuc", [roc_auc_score(yt == k, pr[:, k]) for k in range(4)])
const("MultiOvrMacro", roc_auc_score(yt, pr, multi_class="ovr", average="macro"))
const("MultiOvrWeighted", roc_auc_score(yt, pr, multi_class="ovr", average="weighted"))
# critical class 2 at 90% sensitivity: highest threshold on its one-vs-rest score
col = pr[:, 2]
pos = yt == 2
cands = [t for t in np.unique(col)[::-1] if (col[pos] >= t).mean() >= 0.9]
t = cands[0]
const("MultiClass2Sens90Threshold", t)
const("MultiClass2Sens90Tpr", (col[pos] >= t).mean())
const("MultiClass2Sens90Fpr", (col[~pos] >= t).mean())
emit()

# ---- calibration inputs: robust statistics of the normal errors
e = normal_errors()
emit("    // calibration: normal errors (ReferenceInputs.NormalErrors)")
const("NormalErrorSum", e.sum())
med = np.median(e)
const("NormalMedian", med)
const("NormalMad", np.median(np.abs(e - med)))
const("NormalP99", np.percentile(e, 99))
emit("}")

sys.stdout.write("\n".join(out) + "\n")
