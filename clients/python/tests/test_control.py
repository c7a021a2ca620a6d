"""The dashboard's Pause/Resume/Stop (POST /api/training/pause|resume|stop) reach a Python loop."""

import time
import urllib.error

import pytest

from vigil_monitor import Monitor

from trainer import CLASSES, Loop


def last_step(server, run_id):
    answer = server.get(f"/api/metrics/history?run={run_id}&series=loss/train&max_points=100000")
    return answer["series"][0]["buckets"][-1]["last_step"] if answer["series"] else None


def state(server):
    return server.get("/api/status")["state"]


def test_pause_holds_the_loop_resume_continues_stop_ends_it(server):
    saved = []
    stopped = []
    monitor = Monitor(server.url, class_names=CLASSES, update_frequency=20,
                      on_pause=lambda m: saved.append(loop.step), on_stop=lambda m: stopped.append(loop.step))
    loop = Loop(monitor, epochs=1000, step_delay=0.01)
    loop.start()
    server.wait_for(lambda: state(server) == "running" and server.get("/api/status")["run_id"] == monitor.run_id
                    and loop.step > 5, what="the run to be live")

    answer = server.post("/api/training/pause")
    assert answer["accepted"] and answer["run_id"] == monitor.run_id
    server.wait_for(lambda: state(server) == "paused", what="the trainer to acknowledge the pause")
    held = loop.step
    assert saved == [held]  # on_pause ran at the boundary, before holding
    server.wait_for(lambda: last_step(server, monitor.run_id) == held, what="the points before the pause")
    time.sleep(2.5)
    assert loop.step == held and last_step(server, monitor.run_id) == held  # no new steps while paused

    with pytest.raises(urllib.error.HTTPError) as refused:
        server.post("/api/training/pause")
    assert refused.value.code == 409

    server.post("/api/training/resume")
    server.wait_for(lambda: state(server) == "running", what="the trainer to acknowledge the resume")
    server.wait_for(lambda: last_step(server, monitor.run_id) > held + 3, what="new steps after resuming")

    server.post("/api/training/stop")
    assert loop.finished.wait(30), "the loop did not end after stop"
    assert loop.error is None and monitor.should_stop and len(stopped) == 1
    server.wait_for(lambda: state(server) == "stopped", what="the run to end as stopped")
    assert server.get(f"/api/runs/{monitor.run_id}")["run"]["state"] == "stopped"
    assert loop.epochs_done < 1000


def test_stop_while_paused_ends_the_loop(server):
    monitor = Monitor(server.url, enable_system_monitoring=False)
    loop = Loop(monitor, epochs=1000, step_delay=0.01)
    loop.start()
    server.wait_for(lambda: state(server) == "running" and loop.step > 2, what="the run to be live")
    server.post("/api/training/pause")
    server.wait_for(lambda: state(server) == "paused", what="the pause")
    server.post("/api/training/stop")
    assert loop.finished.wait(30) and loop.error is None
    server.wait_for(lambda: state(server) == "stopped", what="the run to end as stopped")


def test_runs_that_do_not_accept_control_are_not_controlled(server):
    monitor = Monitor(server.url, accept_control=False, enable_system_monitoring=False)
    monitor.log_batch(1, loss=1.0)
    assert monitor.flush()
    server.wait_for(lambda: state(server) == "running", what="the run to be live")
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.post("/api/training/pause")
    assert refused.value.code == 409
    monitor.finish()
