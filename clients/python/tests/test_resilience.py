"""A server that is down, at start or mid-run, never breaks or slows training; buffered points arrive later."""

import logging

from vigil_monitor import Monitor

from trainer import Loop


def test_server_down_at_start_and_restarted_mid_run(stopped_server):
    server = stopped_server
    monitor = Monitor(server.url, update_frequency=20, timeout=2)
    loop = Loop(monitor, epochs=1000, step_delay=0.005)
    loop.start()
    server.wait_for(lambda: loop.step >= 30, what="training to go on without a server")
    assert loop.error is None and monitor.sent_points == 0 and monitor.failures > 0
    server.start()
    server.wait_for(lambda: monitor.sent_points >= 30, what="the buffered points to arrive")
    server.stop()  # down again mid-run
    at_stop = loop.step
    server.wait_for(lambda: loop.step >= at_stop + 30, what="training to go on while the server is down")
    server.start()
    monitor.should_stop = True  # ends the loop at its next check
    assert loop.finished.wait(60) and loop.error is None
    assert monitor.dropped == 0
    answer = server.get(f"/api/metrics/history?run={monitor.run_id}&series=loss/train&max_points=100000")
    assert answer["series"][0]["total_points"] == loop.step  # every step arrived, none twice
    assert server.get(f"/api/runs/{monitor.run_id}")["run"]["state"] == "stopped"


def test_full_buffer_drops_the_oldest_with_a_warning(caplog, stopped_server):
    monitor = Monitor(stopped_server.url, max_pending_points=1000, accept_control=False,
                      enable_system_monitoring=False, timeout=1)
    with caplog.at_level(logging.WARNING, logger="vigil_monitor"):
        for step in range(1500):
            monitor.log_batch(step, loss=0.5)
        assert monitor.dropped == 500
        assert any("dropped the 1 oldest" in r.getMessage() for r in caplog.records)  # at once, then every 10 s
        assert monitor.finish(timeout=0.5) is False  # nothing raised; the points stay unsent
    assert any("500 points were dropped in all" in r.getMessage() for r in caplog.records)
