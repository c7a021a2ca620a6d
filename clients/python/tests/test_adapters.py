"""The Lightning and transformers adapters, against stand-ins for those libraries.

Neither library can be installed here (no PyPI; Debian packages neither), so the adapters are exercised against
minimal stand-in modules put in ``sys.modules`` under the real names: ``lightning.pytorch.Callback`` and
``transformers.TrainerCallback`` with no-op hooks, and trainers that call the hooks in the order and with the
signatures those libraries document:

- Lightning: ``on_fit_start(trainer, pl_module)``, ``on_train_batch_end(trainer, pl_module, outputs, batch,
  batch_idx)`` after each optimizer step, ``on_validation_epoch_end(trainer, pl_module)``, ``on_fit_end``; the trainer's
  ``global_step``, ``current_epoch``, ``callback_metrics``, ``should_stop``, ``sanity_checking``, ``max_epochs``,
  ``num_training_batches``, ``optimizers``.
- transformers: ``on_step_end(args, state, control)``, ``on_log(args, state, control, logs)`` every ``logging_steps``
  with the ``epoch`` the Trainer adds to each log, ``on_evaluate(args, state, control, metrics)`` with the ``eval_*``
  metrics (and ``epoch``), ``on_train_end``; ``state.global_step``, ``state.epoch`` (fractional),
  ``control.should_training_stop``.

The training itself is real (Debian's torch), and so is the server (``vigil serve``).
"""

import sys
import threading
import types

import pytest
import torch

from vigil_monitor import create_monitoring_callback

from trainer import CLASSES, setup, train_step


def state(server):
    return server.get("/api/status")["state"]


# ---- Lightning -------------------------------------------------------------------------------------------------------

class StandInLightningCallback:
    """``lightning.pytorch.Callback``: every hook a no-op."""

    def on_fit_start(self, trainer, pl_module): pass
    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx): pass
    def on_validation_epoch_end(self, trainer, pl_module): pass
    def on_fit_end(self, trainer, pl_module): pass
    def on_exception(self, trainer, pl_module, exception): pass


class StandInModule(torch.nn.Module):
    """A LightningModule's part the adapter reads: ``hparams``, and ``validation_outputs`` kept by the user."""

    def __init__(self):
        super().__init__()
        self.hparams = {"lr": 0.1, "batch_size": 16}
        self.model, self.optimizer, self.train_data, self.val_data = setup()
        self.validation_outputs = None


class StandInLightningTrainer:
    """Runs fit as Lightning's loops do, calling the callbacks' hooks; ``hook`` is the hook in progress."""

    def __init__(self, callbacks, max_epochs, batch_size=16):
        self.callbacks, self.max_epochs, self.batch_size = callbacks, max_epochs, batch_size
        self.global_step = 0
        self.current_epoch = 0
        self.callback_metrics = {}
        self.should_stop = False
        self.sanity_checking = False
        self.num_training_batches = 0
        self.optimizers = []
        self.hook = None
        self.error = None

    def _call(self, name, *args):
        self.hook = name
        try:
            for callback in self.callbacks:
                getattr(callback, name)(self, *args)
        finally:
            self.hook = None

    def fit(self, module):
        try:
            self.optimizers = [module.optimizer]
            (x, y), (vx, vy) = module.train_data, module.val_data
            self.num_training_batches = len(x) // self.batch_size
            self._call("on_fit_start", module)
            for epoch in range(self.max_epochs):
                self.current_epoch = epoch
                for batch_idx in range(self.num_training_batches):
                    loss = train_step(module.model, module.optimizer, x, y, batch_idx, self.batch_size)
                    self.global_step += 1
                    self.callback_metrics = {"train_loss": loss}
                    self._call("on_train_batch_end", module, {"loss": loss}, None, batch_idx)
                    if self.should_stop:
                        break
                with torch.no_grad():
                    logits = module.model(vx)
                    self.callback_metrics["val_loss"] = torch.nn.functional.cross_entropy(logits, vy)
                    module.validation_outputs = (vy.numpy(), torch.softmax(logits, 1).numpy())
                self._call("on_validation_epoch_end", module)
                if self.should_stop:
                    break
            self._call("on_fit_end", module)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.error = error
            self._call("on_exception", module, error)


@pytest.fixture
def lightning(monkeypatch):
    package, pytorch = types.ModuleType("lightning"), types.ModuleType("lightning.pytorch")
    pytorch.Callback = StandInLightningCallback
    package.pytorch = pytorch
    monkeypatch.setitem(sys.modules, "lightning", package)
    monkeypatch.setitem(sys.modules, "lightning.pytorch", pytorch)


def test_without_lightning_the_lightning_adapter_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "lightning", None)  # None in sys.modules: the import fails
    monkeypatch.setitem(sys.modules, "pytorch_lightning", None)
    with pytest.raises(ImportError, match="pip install lightning"):
        create_monitoring_callback("lightning", url="http://127.0.0.1:9")


def test_lightning_adapter_records_the_run_and_obeys_pause_resume_stop(server, lightning):
    callback = create_monitoring_callback("lightning", url=server.url, class_names=CLASSES, run_name="lightning",
                                          critical_thresholds={"RAO": 0.99}, update_frequency=20,
                                          enable_system_monitoring=False)
    assert isinstance(callback, StandInLightningCallback)
    monitor = callback.monitor
    trainer = StandInLightningTrainer([callback], max_epochs=1000)
    module = StandInModule()
    fit = threading.Thread(target=trainer.fit, args=(module,), daemon=True)
    fit.start()
    server.wait_for(lambda: server.get("/api/status")["run_id"] == monitor.run_id and len(
        server.get(f"/api/runs/{monitor.run_id}/epochs")["epochs"]) >= 2, what="two epochs")

    run = server.get(f"/api/runs/{monitor.run_id}")["run"]
    assert run["hyperparameters"]["lr"] == 0.1  # the module's hparams
    first = server.get(f"/api/runs/{monitor.run_id}/epochs")["epochs"][0]
    assert first["epoch"] == 1 and first["classes"] == CLASSES and len(first["per_class"]) == 3
    assert first["val_loss"] is not None and "RAO" in first["critical_conditions"]

    # Pause holds the loop inside on_train_batch_end, after a step; resume lets it go on.
    server.post("/api/training/pause")
    server.wait_for(lambda: state(server) == "paused", what="the pause to be acknowledged")
    held = trainer.global_step
    assert trainer.hook == "on_train_batch_end" and monitor.paused
    server.post("/api/training/resume")
    server.wait_for(lambda: trainer.global_step > held + 2, what="steps after resuming")

    # Stop sets trainer.should_stop: the fit ends cleanly and the run as stopped.
    server.post("/api/training/stop")
    fit.join(60)
    assert not fit.is_alive() and trainer.error is None and trainer.should_stop
    assert trainer.current_epoch < 999
    server.wait_for(lambda: server.get(f"/api/runs/{monitor.run_id}")["run"]["state"] == "stopped",
                    what="the run to end as stopped")


# ---- transformers ----------------------------------------------------------------------------------------------------

class StandInTrainerCallback:
    """``transformers.TrainerCallback``: every hook a no-op."""

    def on_step_end(self, args, state, control, **kwargs): pass
    def on_log(self, args, state, control, logs=None, **kwargs): pass
    def on_evaluate(self, args, state, control, metrics=None, **kwargs): pass
    def on_train_end(self, args, state, control, **kwargs): pass


class StandInTrainer:
    """Runs ``Trainer.train`` as transformers does, calling the callbacks' hooks with (args, state, control)."""

    def __init__(self, callbacks, num_train_epochs, logging_steps=2, batch_size=16):
        self.callbacks = callbacks
        self.args = types.SimpleNamespace(num_train_epochs=num_train_epochs, logging_steps=logging_steps)
        self.state = types.SimpleNamespace(global_step=0, epoch=0.0, log_history=[])
        self.control = types.SimpleNamespace(should_training_stop=False, should_log=False, should_evaluate=False)
        self.batch_size = batch_size
        self.hook = None
        self.error = None

    def _call(self, name, **kwargs):
        self.hook = name
        try:
            for callback in self.callbacks:
                result = getattr(callback, name)(self.args, self.state, self.control, **kwargs)
                if result is not None:
                    self.control = result
        finally:
            self.hook = None

    def log(self, logs):
        logs["epoch"] = self.state.epoch  # as Trainer.log does, on the dict it was given
        self.state.log_history.append({**logs, "step": self.state.global_step})
        self._call("on_log", logs=logs)

    def train(self):
        try:
            model, optimizer, (x, y), (vx, vy) = setup()
            steps = len(x) // self.batch_size
            for epoch in range(int(self.args.num_train_epochs)):
                for step in range(steps):
                    loss = train_step(model, optimizer, x, y, step, self.batch_size)
                    self.state.global_step += 1
                    self.state.epoch = epoch + (step + 1) / steps
                    self._call("on_step_end")
                    if self.state.global_step % self.args.logging_steps == 0:
                        self.log({"loss": loss.item(), "grad_norm": 1.0, "learning_rate": 0.1})
                    if self.control.should_training_stop:
                        break
                with torch.no_grad():
                    logits = model(vx)
                    metrics = {"eval_loss": torch.nn.functional.cross_entropy(logits, vy).item(),
                               "eval_accuracy": (logits.argmax(1) == vy).float().mean().item(),
                               "eval_runtime": 0.01}
                self.log(metrics)  # evaluate() logs its metrics (adding "epoch" to them), then calls on_evaluate
                self._call("on_evaluate", metrics=metrics)
                if self.control.should_training_stop:
                    break
            self.log({"train_runtime": 1.0, "train_loss": 0.5})
            self._call("on_train_end")
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.error = error


@pytest.fixture
def transformers(monkeypatch):
    module = types.ModuleType("transformers")
    module.TrainerCallback = StandInTrainerCallback
    monkeypatch.setitem(sys.modules, "transformers", module)


def test_without_transformers_the_adapter_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ImportError, match="pip install transformers"):
        create_monitoring_callback("transformers", url="http://127.0.0.1:9")


def test_transformers_adapter_records_the_run_and_obeys_pause_resume_stop(server, transformers):
    callback = create_monitoring_callback("transformers", url=server.url, run_name="hf", update_frequency=20,
                                          enable_system_monitoring=False)
    assert isinstance(callback, StandInTrainerCallback)
    monitor = callback.monitor
    trainer = StandInTrainer([callback], num_train_epochs=1000)
    train = threading.Thread(target=trainer.train, daemon=True)
    train.start()
    server.wait_for(lambda: server.get("/api/status")["run_id"] == monitor.run_id and len(
        server.get(f"/api/runs/{monitor.run_id}/epochs")["epochs"]) >= 2, what="two evaluations")
    assert trainer.error is None

    history = server.get(f"/api/metrics/history?run={monitor.run_id}&series=loss/train&max_points=100000")
    steps = [b["last_step"] for b in history["series"][0]["buckets"]]
    assert steps[:3] == [2, 4, 6]  # each logging step, at the Trainer's global step
    first = server.get(f"/api/runs/{monitor.run_id}/epochs")["epochs"][0]
    assert first["epoch"] == 1 and first["val_loss"] is not None and "eval_accuracy" in first

    # Pause holds the loop in on_step_end; resume lets it go on.
    server.post("/api/training/pause")
    server.wait_for(lambda: state(server) == "paused", what="the pause to be acknowledged")
    held = trainer.state.global_step
    assert trainer.hook == "on_step_end" and monitor.paused
    server.post("/api/training/resume")
    server.wait_for(lambda: trainer.state.global_step > held + 2, what="steps after resuming")

    # Stop sets control.should_training_stop: train() ends cleanly and the run as stopped.
    server.post("/api/training/stop")
    train.join(60)
    assert not train.is_alive() and trainer.error is None and trainer.control.should_training_stop
    server.wait_for(lambda: server.get(f"/api/runs/{monitor.run_id}")["run"]["state"] == "stopped",
                    what="the run to end as stopped")
