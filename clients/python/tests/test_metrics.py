"""vigil_monitor.metrics against figures Vigil's own C# wrote for the same arrays (fixtures/metrics_reference.json,
checked by tests/Vigil.Core.Tests/Metrics/PythonClientReferenceTests.cs)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from vigil_monitor.metrics import auroc, classification_report, condition_status, critical_conditions

CASES = json.loads((Path(__file__).parent / "fixtures" / "metrics_reference.json").read_text())["cases"]


def close(actual, expected):
    if expected is None:
        return actual is None
    return actual is not None and math.isclose(actual, expected, rel_tol=0, abs_tol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_figures_match_vigil(case):
    report = classification_report(case["y_true"], y_score=case["y_score"], class_names=case["class_names"])
    expected = case["expected"]
    for key in ("accuracy", "f1_macro", "auroc_macro", "auroc_weighted"):
        assert close(report[key], expected[key]), key
    assert report["confusion_matrix"] == expected["confusion_matrix"]
    assert len(report["per_class"]) == len(expected["per_class"])
    for mine, theirs in zip(report["per_class"], expected["per_class"]):
        assert mine["class"] == theirs["class"] and mine["support"] == theirs["support"]
        for key in ("sensitivity", "specificity", "precision", "f1", "auroc"):
            assert close(mine[key], theirs[key]), (theirs["class"], key)


def test_hard_predictions_give_no_auroc():
    report = classification_report([0, 1, 1, 2], y_pred=[0, 1, 0, 2], class_names=["a", "b", "c"])
    assert report["accuracy"] == 0.75 and report["auroc_macro"] is None
    assert report["per_class"][1]["sensitivity"] == 0.5


def test_auroc_is_undefined_with_one_class():
    assert math.isnan(auroc([0.1, 0.2], [1, 1]))


def test_critical_conditions_and_status():
    report = classification_report([0, 1, 1, 1, 2], y_pred=[0, 1, 1, 0, 2], class_names=["normal", "RAO", "RVO"])
    conditions = critical_conditions(report, {"RAO": 0.99, "RVO": 0.5, "absent": 0.9})
    assert conditions["RAO"]["status"] == "critical" and conditions["RVO"]["status"] == "ok"
    assert "absent" not in conditions
    assert condition_status(0.975, 0.99) == "warning"


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="one name per class"):
        classification_report([0, 1], y_score=np.eye(2), class_names=["a"])
    with pytest.raises(ValueError, match="y_score .* or y_pred"):
        classification_report([0, 1])
