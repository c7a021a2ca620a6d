"""A real torch loop with vigil_monitor against a real `vigil serve`: what it stores is visible through the REST API."""

import numpy as np

from vigil_monitor import Monitor, create_monitoring_callback
from vigil_monitor.metrics import classification_report

from trainer import CLASSES, Loop


def history(server, run_id, series):
    answer = server.get(f"/api/metrics/history?run={run_id}&series={series}&max_points=100000")
    return answer["series"][0] if answer["series"] else None


def test_points_epochs_per_class_confusion_and_alert_are_stored(server):
    # RAO's threshold of 1.0 cannot be met by this little model: a critical alert must be raised.
    monitor = create_monitoring_callback(callback_type="pytorch", url=server.url, run_name="tiny",
                                         class_names=CLASSES, critical_thresholds={"RAO": 1.0, "RVO": 0.0},
                                         update_frequency=20)
    loop = Loop(monitor, epochs=3)
    loop.run()
    assert loop.error is None
    run_id = monitor.run_id

    run = server.get(f"/api/runs/{run_id}")["run"]
    assert run["source"] == "external" and run["state"] == "completed"
    loss = history(server, run_id, "loss/train")
    assert loss["total_points"] == loop.step == 36
    assert [b["last_step"] for b in loss["buckets"]] == list(range(1, 37))

    epochs = server.get(f"/api/runs/{run_id}/epochs")["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    last = epochs[-1]
    assert last["classes"] == CLASSES and len(last["per_class"]) == 3
    assert {"sensitivity", "specificity", "precision", "f1", "auroc", "support"} <= set(last["per_class"][1])
    assert last["critical_conditions"]["RAO"]["status"] == "critical"

    confusion = server.get(f"/api/runs/{run_id}/confusion")
    assert confusion["epoch"] == 3 and confusion["classes"] == CLASSES
    assert np.array(confusion["confusion_matrix"]).sum() == 96
    assert confusion["confusion_matrix"] == last["confusion_matrix"]
    assert history(server, run_id, "sensitivity/RAO")["total_points"] == 3

    alerts = server.get(f"/api/alerts?run={run_id}")
    rao = [a for a in alerts["alerts"] if a["condition"] == "RAO"]
    assert rao and rao[0]["severity"] == "critical" and rao[0]["threshold"] == 1.0
    assert not [a for a in alerts["alerts"] if a["condition"] == "RVO"]

    current = server.get("/api/metrics/current")
    assert current["run_id"] == run_id and current["epoch"] == 3
    assert set(current["metrics"]["per_class"]) == set(CLASSES)
    assert set(current["system"]) >= {"gpu_usage", "gpu_memory", "gpu_temp", "ram_usage", "eta_seconds"}


def test_log_epoch_figures_are_the_metrics_modules(server):
    with Monitor(server.url, class_names=["a", "b"], enable_system_monitoring=False) as monitor:
        monitor.log_batch(1, loss=float("nan"))  # a diverging loss reaches the server as NaN
        y_true, y_score = [0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]
        record = monitor.log_epoch(1, y_true, y_score, val_loss=0.5)
        assert monitor.flush()
    expected = classification_report(y_true, y_score, class_names=["a", "b"])
    stored = server.get(f"/api/runs/{monitor.run_id}/epochs")["epochs"][0]
    assert stored["accuracy"] == expected["accuracy"] == record["accuracy"] == 0.5
    assert stored["auroc_macro"] == expected["auroc_macro"]
    assert history(server, monitor.run_id, "loss/train")["buckets"][0]["last"] is None  # NaN: null in history


def test_more_than_a_request_of_points_arrives_in_several(server):
    monitor = Monitor(server.url, accept_control=False, enable_system_monitoring=False)
    for step in range(2500):
        monitor.log_batch(step, loss=1.0 / (step + 1), grad_norm=0.5)
    assert monitor.finish(timeout=30)
    assert monitor.sent_points == 5000 and monitor.dropped == 0
    assert history(server, monitor.run_id, "grad_norm")["total_points"] == 2500
