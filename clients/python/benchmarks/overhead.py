"""Overhead and throughput of vigil_monitor against a running server.

    vigil serve --port 8000 &      # or any server
    python clients/python/benchmarks/overhead.py http://127.0.0.1:8000

Prints: the cost of one log_batch call while the sender works; a small CNN's step time with and without the monitor
(update_frequency=10); and points per second acknowledged by the server from this one process.
"""

import sys
import time

import torch

from vigil_monitor import Monitor

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
torch.manual_seed(0)
torch.set_num_threads(1)

# 1. Throughput: 100,000 batches of 2 points each, until the server acknowledged all.
monitor = Monitor(url, run_name="bench-throughput", accept_control=False, enable_system_monitoring=False,
                  max_pending_points=300_000)
start = time.perf_counter()
for step in range(100_000):
    monitor.log_batch(step, loss=1.0 / (step + 1), lr=0.001)
recorded = time.perf_counter() - start
assert monitor.finish(timeout=120), monitor.last_error
total = time.perf_counter() - start
print(f"log_batch (2 points): {recorded / 100_000 * 1e6:.1f} us per call")
print(f"throughput: {monitor.sent_points} points acknowledged in {total:.2f} s = {monitor.sent_points / total:,.0f} points/s")

# 2. Overhead on a training loop: a small CNN, batch 32 of 1x28x28, with and without the monitor.
model = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3), torch.nn.ReLU(), torch.nn.Conv2d(16, 16, 3), torch.nn.ReLU(),
                            torch.nn.Flatten(), torch.nn.Linear(16 * 24 * 24, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))


def run(steps, monitor=None):
    begin = time.perf_counter()
    for step in range(steps):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if monitor is not None:
            monitor.log_batch(step, loss=loss.item(), lr=0.01, epoch=1, batch=step + 1, total_batches=steps)
        else:
            loss.item()
    return (time.perf_counter() - begin) / steps


run(20)
rounds = []
for _ in range(3):
    plain = run(150)
    monitor = Monitor(url, run_name="bench-overhead", update_frequency=10)
    watched = run(150, monitor)
    monitor.finish()
    rounds.append((plain, watched))
plain = min(r[0] for r in rounds)
watched = min(r[1] for r in rounds)
print(f"CNN step: {plain * 1e3:.2f} ms plain, {watched * 1e3:.2f} ms with the monitor "
      f"({(watched - plain) / plain * 100:+.2f} %, best of 3 rounds of 150 steps)")
