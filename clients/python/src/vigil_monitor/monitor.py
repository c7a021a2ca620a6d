"""The framework-free :class:`Monitor`: points, epochs and control for a plain training loop."""

from __future__ import annotations

import collections
import datetime
import logging
import os
import random
import re
import threading
import time
import urllib.parse
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Sequence

from .transport import Connection, ServerError, clean

log = logging.getLogger("vigil_monitor")

#: The most points the server takes in one request.
MAX_POINTS_PER_REQUEST = 1000

_SERIES = {"loss": "loss/train", "lr": "learning_rate", "learning_rate": "learning_rate",
           "accuracy": "accuracy/train", "acc": "accuracy/train"}


def _now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _number(value: Any) -> float:
    if hasattr(value, "item"):
        value = value.item()
    return float(value)


class Monitor:
    """Sends a training run to a Vigil monitoring server and obeys its Pause/Resume/Stop.

    Every method returns at once (the loop never waits on the network, except while paused): a background thread
    sends the points in requests of at most 1,000, ``update_frequency`` times a second, and retries with back-off
    while the server is unreachable. Unsent points are kept up to ``max_pending_points``; beyond that the oldest are
    dropped with a warning that counts them. Nothing here raises into the training loop because of the server.

    Args:
        url: the server, e.g. ``http://gpu-box:8000`` (``VIGIL_MONITOR_URL`` by default, else localhost:8000).
        token: the server's ``MONITORING_TOKEN`` when it requires one (that environment variable by default).
        run_name: a name for people; also the start of the run id.
        run_id: the run id (resume a run by giving its id); generated when absent.
        class_names: the classes, in the order of the model's outputs.
        critical_thresholds: class → minimum sensitivity, e.g. ``{"RAO": 0.99}``; below it is ``warning`` (within
            ``warning_margin``) or ``critical``, and the server raises an alert.
        update_frequency: most requests per second.
        enable_class_monitoring: send per-class figures and critical conditions.
        enable_system_monitoring: send this machine's RAM (psutil) and GPU (NVML) figures, ``None`` when unknown.
        accept_control: let the dashboard's Pause/Resume/Stop reach this loop.
        on_pause: called with the monitor when the loop pauses (save a checkpoint there).
        on_stop: called with the monitor when a stop is requested, before :attr:`should_stop` turns true.
        config, hyperparameters: stored with the run.
        max_pending_points: the most unsent points kept.
        timeout: seconds one request may take.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        run_name: Optional[str] = None,
        run_id: Optional[str] = None,
        class_names: Optional[Sequence[str]] = None,
        critical_thresholds: Optional[Mapping[str, float]] = None,
        warning_margin: float = 0.02,
        update_frequency: float = 10.0,
        enable_class_monitoring: bool = True,
        enable_system_monitoring: bool = True,
        accept_control: bool = True,
        on_pause: Optional[Callable[["Monitor"], Any]] = None,
        on_stop: Optional[Callable[["Monitor"], Any]] = None,
        config: Optional[Mapping[str, Any]] = None,
        hyperparameters: Optional[Mapping[str, Any]] = None,
        max_pending_points: int = 100_000,
        timeout: float = 10.0,
    ) -> None:
        if not (0 < update_frequency <= 1000):
            raise ValueError(f"update_frequency is {update_frequency}; use more than 0 and at most 1000 updates a second")
        if max_pending_points < MAX_POINTS_PER_REQUEST:
            raise ValueError(f"max_pending_points is {max_pending_points}; keep at least {MAX_POINTS_PER_REQUEST}")
        thresholds = {str(k): float(v) for k, v in (critical_thresholds or {}).items()}
        for name, value in thresholds.items():
            if not (0.0 <= value <= 1.0):
                raise ValueError(f"critical_thresholds[{name!r}] is {value}; a minimum sensitivity is between 0 and 1")
        self.url = (url or os.environ.get("VIGIL_MONITOR_URL") or "http://localhost:8000").rstrip("/")
        self._token = token if token is not None else os.environ.get("MONITORING_TOKEN")
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", run_name or "py").strip("-.") or "py"
        self.run_id = run_id or f"{slug[:60]}-{time.strftime('%Y%m%d-%H%M%S')}-{random.randrange(16**6):06x}"
        self.run_name = run_name or self.run_id
        self.class_names = [str(c) for c in class_names] if class_names is not None else None
        self.critical_thresholds = thresholds
        self.warning_margin = warning_margin
        self.update_frequency = float(update_frequency)
        self.enable_class_monitoring = enable_class_monitoring
        self.enable_system_monitoring = enable_system_monitoring
        self.accept_control = accept_control
        self.on_pause = on_pause
        self.on_stop = on_stop
        self.timeout = timeout
        self._config = dict(config or {})
        self._hyperparameters = dict(hyperparameters or {})
        self._max_pending = int(max_pending_points)

        self._lock = threading.Condition()
        self._points: Deque[dict] = collections.deque()
        self._events: Deque[dict] = collections.deque()  # epoch records and states, sent after the points before them
        self._acks: Deque[int] = collections.deque()
        self._created = False
        self._in_flight = False
        self._closing = False
        self._update_dirty = False
        self._wake = False
        self.dropped = 0
        self.sent_points = 0
        self.failures = 0
        self.last_error: Optional[str] = None
        self._warned_dropped = 0
        self._last_warning = 0.0

        # What the metrics_update says.
        self._epoch = 0
        self._epochs: Optional[int] = None
        self._batch = 0
        self._total_batches = 0
        self._step = 0
        self._epoch_loss_sum = 0.0
        self._epoch_loss_count = 0
        self._epoch_loss_nonfinite: Optional[float] = None
        self._lr: Optional[float] = None
        self._val: Dict[str, Any] = {}
        self._per_class: Dict[str, float] = {}
        self._conditions: Dict[str, dict] = {}
        self._started = time.monotonic()
        self._epoch_started = self._started
        self._step_seconds: Optional[float] = None
        self._last_batch_time: Optional[float] = None

        # Control.
        self._last_command = 0
        self._pause_command: Optional[int] = None
        self._stop_command: Optional[int] = None
        self._resume_command: Optional[int] = None
        self._paused = False
        self.should_stop = False
        self._stop_handled = False

        from .system import SystemSampler
        self._system = SystemSampler() if enable_system_monitoring else None
        self._sender = threading.Thread(target=self._send_loop, name="vigil-monitor-sender", daemon=True)
        self._sender.start()
        self._poller: Optional[threading.Thread] = None
        if accept_control:
            self._poller = threading.Thread(target=self._poll_loop, name="vigil-monitor-control", daemon=True)
            self._poller.start()

    # ---- the training loop's side -------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        """Whether the loop is held by a pause."""
        return self._paused

    def log(self, series: str, value: Any, step: Optional[int] = None) -> None:
        """Records one point of any series (``step`` defaults to the last batch's)."""
        self._add([(series, value)], self._step if step is None else int(step))

    def log_batch(self, step: int, loss: Any = None, lr: Any = None, epoch: Optional[int] = None,
                  batch: Optional[int] = None, total_batches: Optional[int] = None, **more: Any) -> None:
        """Records a training step: ``loss`` → ``loss/train``, ``lr`` → ``learning_rate``, ``accuracy`` →
        ``accuracy/train``, any other keyword under its own name (``grad_norm=…``).

        This is the batch boundary where Pause and Stop take effect: while the run is paused it returns only when it
        is resumed or stopped; after a stop, :attr:`should_stop` is true.
        """
        step = int(step)
        values = []
        if loss is not None:
            values.append(("loss/train", loss))
        if lr is not None:
            values.append(("learning_rate", lr))
        for name, value in more.items():
            if value is not None:
                values.append((_SERIES.get(name, name), value))
        now = time.monotonic()
        with self._lock:
            self._step = step
            if epoch is not None and int(epoch) != self._epoch:
                self._epoch = int(epoch)
                self._reset_epoch_locked(now)
            if self._epoch == 0:
                self._epoch = 1
            self._batch = int(batch) if batch is not None else self._batch + 1
            if total_batches is not None:
                self._total_batches = int(total_batches)
            if self._last_batch_time is not None:
                seconds = now - self._last_batch_time
                self._step_seconds = seconds if self._step_seconds is None else 0.9 * self._step_seconds + 0.1 * seconds
            self._last_batch_time = now
        self._add(values, step)
        with self._lock:
            if loss is not None:
                value = _number(loss)
                if value == value and abs(value) != float("inf"):
                    self._epoch_loss_sum += value
                    self._epoch_loss_count += 1
                else:
                    self._epoch_loss_nonfinite = value
            if lr is not None:
                self._lr = _number(lr)
            self._update_dirty = True
        if self._pause_command is not None or self._stop_command is not None:
            self._at_batch_boundary()

    def log_epoch(self, epoch: int, y_true: Any = None, y_score: Any = None, y_pred: Any = None,
                  val_loss: Any = None, train_loss: Any = None, epochs: Optional[int] = None,
                  lr: Any = None, **more: Any) -> dict:
        """Records a finished epoch. With ``y_true`` and ``y_score`` (class probabilities) or ``y_pred``, computes the
        validation figures with numpy (per-class sensitivity, specificity, precision, F1, AUROC; accuracy; macro and
        weighted AUROC; macro F1; the confusion matrix) and the critical conditions; stores them as the epoch record
        the dashboard shows. Returns the record."""
        record: Dict[str, Any] = {"epoch": int(epoch)}
        if epochs is not None:
            record["epochs"] = int(epochs)
        with self._lock:
            mean_loss = self._epoch_loss_sum / self._epoch_loss_count if self._epoch_loss_count else None
            elapsed = time.monotonic() - self._epoch_started
            step = self._step
        record["train_loss"] = _number(train_loss) if train_loss is not None else mean_loss
        record["val_loss"] = _number(val_loss) if val_loss is not None else None
        conditions: Dict[str, dict] = {}
        if y_true is not None:
            from .metrics import classification_report, critical_conditions
            report = classification_report(y_true, y_score=y_score, y_pred=y_pred, class_names=self.class_names)
            record.update(report)
            if self.enable_class_monitoring:
                conditions = critical_conditions(report, self.critical_thresholds, self.warning_margin)
                record["critical_conditions"] = conditions
            else:
                record["per_class"] = []
        record["learning_rate"] = _number(lr) if lr is not None else self._lr
        record["elapsed_seconds"] = elapsed
        record["global_step"] = step
        record["timestamp"] = _now_iso()
        record.update({k: v for k, v in more.items()})
        record = clean(record)

        points = [("loss/train_epoch", record["train_loss"]), ("loss/val", record["val_loss"]),
                  ("accuracy/val", record.get("accuracy")), ("auc_roc/macro", record.get("auroc_macro")),
                  ("auc_roc/weighted", record.get("auroc_weighted")), ("f1_score", record.get("f1_macro")),
                  ("epoch_seconds", elapsed)]
        per_class: Dict[str, float] = {}
        if self.enable_class_monitoring:
            for row in record.get("per_class", []):
                if row["support"] == 0:
                    continue  # undefined: no examples of the class in this split
                name = row["class"]
                per_class[name] = row["sensitivity"]
                for figure in ("sensitivity", "specificity", "precision", "f1", "auroc"):
                    points.append((f"{figure}/{name}", row[figure]))
        self._add([(s, v) for s, v in points if v is not None], step)
        with self._lock:
            self._epoch = int(epoch)
            if epochs is not None:
                self._epochs = int(epochs)
            self._val = {"loss": record["val_loss"], "accuracy": record.get("accuracy"),
                         "auc_macro": record.get("auroc_macro"), "auc_weighted": record.get("auroc_weighted"),
                         "f1": record.get("f1_macro")}
            self._per_class = per_class
            self._conditions = conditions
            self._events.append({"epoch": record})
            self._reset_epoch_locked(time.monotonic())
            self._update_dirty = True
            self._wake = True
            self._lock.notify_all()
        return record

    def wait_if_paused(self) -> None:
        """A batch boundary without a point to log: holds while paused, applies a requested stop."""
        if self._pause_command is not None or self._stop_command is not None:
            self._at_batch_boundary()

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything recorded so far is acknowledged by the server (at most ``timeout`` seconds).
        Returns False when it was not (the points stay queued); never raises."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._wake = True
            self._lock.notify_all()
            while self._points or self._events or self._acks or self._in_flight or not self._created:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.05))
        return True

    def finish(self, state: Optional[str] = None, timeout: float = 10.0) -> bool:
        """Ends the run: reports ``state`` (``stopped`` after a stop, else ``completed``), sends what is left (up to
        ``timeout`` seconds) and stops the background threads. Returns whether everything reached the server."""
        with self._lock:
            if self._closing:
                return not (self._points or self._events)
        if self._stop_command is not None and not self._stop_handled:
            self._apply_stop()
        with self._lock:
            final = state or ("stopped" if self.should_stop else "completed")
            self._events.append({"state": final})
            self._wake = True
            self._lock.notify_all()
        done = self.flush(timeout)
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        self._sender.join(timeout=2)
        if self.dropped:
            log.warning("vigil_monitor: %d points were dropped in all: the server at %s did not take them before "
                        "the buffer (max_pending_points=%d) filled", self.dropped, self.url, self._max_pending)
        if not done and (self._points or self._events):
            log.warning("vigil_monitor: %d points and %d records could not reach %s (%s)",
                        len(self._points), len(self._events), self.url, self.last_error or "no answer")
        return done

    close = finish

    def __enter__(self) -> "Monitor":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.finish("failed" if kind is not None and not issubclass(kind, KeyboardInterrupt) else
                    ("stopped" if kind is not None else None))

    # ---- internals: recording ------------------------------------------------------------------------------------

    def _reset_epoch_locked(self, now: float) -> None:
        self._epoch_loss_sum, self._epoch_loss_count, self._epoch_loss_nonfinite = 0.0, 0, None
        self._epoch_started = now
        self._batch = 0

    def _add(self, values: List[tuple], step: int) -> None:
        if not values:
            return
        stamp = _now_iso()
        points = []
        for series, value in values:
            try:
                number = clean(_number(value))
            except (TypeError, ValueError):
                continue
            points.append({"series": series, "step": step, "value": number, "time": stamp})
        with self._lock:
            overflow = len(self._points) + len(points) - self._max_pending
            if overflow > 0:
                for _ in range(min(overflow, len(self._points))):
                    self._points.popleft()
                self.dropped += overflow
                self._warn_dropped_locked()
            self._points.extend(points)
            if len(self._points) >= MAX_POINTS_PER_REQUEST:
                self._wake = True
                self._lock.notify_all()

    def _warn_dropped_locked(self) -> None:
        now = time.monotonic()
        if now - self._last_warning >= 10.0:
            self._last_warning = now
            log.warning("vigil_monitor: the server at %s has not taken points for a while; dropped the %d oldest "
                        "unsent points so far (the buffer holds %d)", self.url, self.dropped, self._max_pending)
            self._warned_dropped = self.dropped

    # ---- internals: control --------------------------------------------------------------------------------------

    def _on_command(self, command: Optional[dict]) -> None:
        """A command from the server (a /log answer or the long poll); each id is handled once."""
        if not command or not self.accept_control:
            return
        try:
            number, action = int(command["id"]), str(command["action"])
        except (KeyError, TypeError, ValueError):
            return
        with self._lock:
            if number <= self._last_command:
                return
            self._last_command = number
            if action == "pause":
                if self._paused or self.should_stop:
                    self._acks.append(number)
                else:
                    self._pause_command = number
            elif action == "resume":
                if self._paused:
                    self._resume_command = number
                else:
                    self._pause_command = None  # not reached yet: nothing to resume from
                    self._acks.append(number)
            elif action == "stop":
                self._stop_command = number
            self._wake = True
            self._lock.notify_all()

    def _at_batch_boundary(self) -> None:
        with self._lock:
            pause = self._pause_command if self._stop_command is None else None
        if pause is not None and not self._paused:
            self._paused = True
            if self.on_pause is not None:
                self._call_hook(self.on_pause, "on_pause")
            with self._lock:
                self._pause_command = None
                self._acks.append(pause)
                self._wake = True
                self._lock.notify_all()
                while self._resume_command is None and self._stop_command is None:
                    self._lock.wait(0.5)
                resumed = self._resume_command
                self._resume_command = None
                self._paused = False
                if resumed is not None and self._stop_command is None:
                    self._acks.append(resumed)
                    self._wake = True
                    self._lock.notify_all()
        if self._stop_command is not None and not self._stop_handled:
            self._apply_stop()

    def _apply_stop(self) -> None:
        self._stop_handled = True
        if self.on_stop is not None:
            self._call_hook(self.on_stop, "on_stop")
        with self._lock:
            self.should_stop = True
            self._acks.append(self._stop_command)
            self._wake = True
            self._lock.notify_all()

    def _call_hook(self, hook: Callable, name: str) -> None:
        try:
            hook(self)
        except Exception:  # the user's hook must not end the run through us
            log.exception("vigil_monitor: the %s hook raised", name)

    # ---- internals: the background threads ------------------------------------------------------------------------

    def _send_loop(self) -> None:
        connection = Connection(self.url, self._token, self.timeout)
        interval = 1.0 / self.update_frequency
        backoff = 0.0
        next_try = 0.0
        last_sample = 0.0
        while True:
            with self._lock:
                if not self._wake and not self._closing:
                    self._lock.wait(interval)
                self._wake = False
                closing = self._closing
            if closing:
                break
            now = time.monotonic()
            if self._system is not None and now - last_sample >= 1.0:
                last_sample = now
                self._system.sample()
            if now < next_try:
                continue
            if self._send_pending(connection):
                backoff = 0.0
            else:
                backoff = min(max(0.25, backoff * 2), 10.0)
                next_try = time.monotonic() + backoff * (0.5 + random.random() / 2)
        connection.close()

    def _request(self, connection: Connection, method: str, path: str, body: Any = None,
                 timeout: Optional[float] = None) -> Optional[Any]:
        """One request; the answer's JSON, or None after recording why it failed (never raises)."""
        try:
            status, answer = connection.request(method, path, body, timeout)
        except ServerError as error:
            self._fail(str(error))
            return None
        except Exception as error:  # noqa: BLE001 - never into the training loop
            self._fail(f"{type(error).__name__}: {error}")
            return None
        if 200 <= status < 300:
            return answer if answer is not None else {}
        reason = answer.get("error") if isinstance(answer, dict) else None
        self._fail(f"{status} from {path}: {reason or 'no reason given'}", status)
        return None

    def _fail(self, error: str, status: Optional[int] = None) -> None:
        with self._lock:
            self.failures += 1
            self.last_error = error
            if status == 404:
                self._created = False  # the server lost the run (a fresh store): create it again
        if self.failures == 1 or self.failures % 100 == 0:
            log.warning("vigil_monitor: %s (kept for retry; training goes on)", error)

    def _run_path(self, tail: str) -> str:
        return f"/api/runs/{urllib.parse.quote(self.run_id, safe='')}{tail}"

    def _send_pending(self, connection: Connection) -> bool:
        """Sends what is queued, in order; False (keeping it) when the server did not take it."""
        if not self._created:
            body = {"id": self.run_id, "name": self.run_name, "accepts_control": self.accept_control,
                    "config": clean({**self._config, "classes": self.class_names, "source": "vigil_monitor"}),
                    "hyperparameters": clean(self._hyperparameters)}
            if self.critical_thresholds and self.enable_class_monitoring:
                body["critical_thresholds"] = self.critical_thresholds
            if self._request(connection, "POST", "/api/runs", body) is None:
                return False
            with self._lock:
                self._created = True
                self._lock.notify_all()
        while True:
            # Acknowledgements first: a command's outcome comes before what the trainer sends after acting on it.
            with self._lock:
                ack = self._acks[0] if self._acks else None
            if ack is not None:
                answer = self._request(connection, "POST", self._run_path("/command/ack"), {"id": ack})
                if answer is None and not (self.last_error or "").startswith("409"):
                    return False
                with self._lock:
                    self._acks.popleft()
                    self._lock.notify_all()
                continue
            with self._lock:
                count = min(len(self._points), MAX_POINTS_PER_REQUEST)
                points = [self._points[i] for i in range(count)]
                event = self._events[0] if self._events and count == len(self._points) else None
                update = self._build_update_locked() if self._update_dirty and count == len(self._points) else None
                if not points and event is None and update is None:
                    return True
                self._in_flight = True
                self._update_dirty = False
            body: Dict[str, Any] = {}
            if points:
                body["points"] = points
            if event is not None:
                body.update(event)
            if update is not None:
                body["metrics_update"] = update
            answer = self._request(connection, "POST", self._run_path("/log"), body)
            with self._lock:
                self._in_flight = False
                if answer is None:
                    if update is not None:
                        self._update_dirty = True
                    status = self.last_error.split(" ", 1)[0] if self.last_error else ""
                    if status.isdigit() and 400 <= int(status) < 500 and status not in ("401", "404", "408", "429"):
                        # Will not get better by retrying: drop that request, keep going.
                        for _ in range(count):
                            self._points.popleft()
                        if event is not None:
                            self._events.popleft()
                        self.dropped += count
                        self._lock.notify_all()
                        continue
                    self._lock.notify_all()
                    return False
                for _ in range(count):
                    self._points.popleft()
                if event is not None:
                    self._events.popleft()
                self.sent_points += count
                self._lock.notify_all()
            if isinstance(answer, dict):
                self._on_command(answer.get("command"))

    def _build_update_locked(self) -> dict:
        if self._epoch_loss_nonfinite is not None:
            train_loss: Any = self._epoch_loss_nonfinite
        else:
            train_loss = self._epoch_loss_sum / self._epoch_loss_count if self._epoch_loss_count else None
        system = self._system.latest() if self._system is not None else \
            {"gpu_usage": None, "gpu_memory": None, "gpu_temp": None, "ram_usage": None}
        eta = None
        if self._step_seconds is not None and self._total_batches and self._epochs:
            left = (self._epochs - self._epoch) * self._total_batches + max(0, self._total_batches - self._batch)
            eta = max(0.0, left * self._step_seconds)
        system["eta_seconds"] = eta
        loss = {"train": train_loss}
        accuracy: Dict[str, Any] = {"train": None}
        if self._val.get("loss") is not None:
            loss["val"] = self._val["loss"]
        if self._val.get("accuracy") is not None:
            accuracy["val"] = self._val["accuracy"]
        return clean({
            "type": "metrics_update", "epoch": self._epoch, "batch": self._batch,
            "total_batches": self._total_batches,
            "metrics": {
                "loss": loss, "accuracy": accuracy,
                "auc_roc": {"macro": self._val.get("auc_macro"), "weighted": self._val.get("auc_weighted")},
                "f1_score": self._val.get("f1"), "learning_rate": self._lr,
                "critical_conditions": self._conditions if self.enable_class_monitoring else {},
                "per_class": self._per_class if self.enable_class_monitoring else {},
            },
            "system": system,
            "timestamp": _now_iso(),
        })

    def _poll_loop(self) -> None:
        connection = Connection(self.url, self._token, self.timeout)
        backoff = 0.5
        while not self._closing:
            with self._lock:
                if not self._created:
                    self._lock.wait(0.2)
                    continue
                after = self._last_command
            try:
                status, answer = connection.request(
                    "GET", self._run_path(f"/command?after={after}&wait=20"), timeout=30.0)
            except Exception:  # noqa: BLE001 - unreachable: try again later
                status, answer = None, None
            if status == 200 and isinstance(answer, dict):
                backoff = 0.5
                self._on_command(answer.get("command"))
                continue
            time.sleep(backoff * (0.5 + random.random() / 2))
            backoff = min(backoff * 2, 5.0)
        connection.close()
