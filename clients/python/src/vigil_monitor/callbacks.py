"""``create_monitoring_callback`` and the framework adapters. Lightning and transformers are imported only when the
adapter for them is asked for, so the package works without them."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from .monitor import Monitor

# log_batch's own parameters: a logged metric of the same name cannot go through as a series (it would be passed twice).
_BATCH_PARAMETERS = frozenset({"step", "loss", "lr", "epoch", "batch", "total_batches"})


class PyTorchCallback(Monitor):
    """For a hand-written PyTorch loop: a :class:`Monitor` with hooks named after the loop's moments.

    ``on_batch_end(step, loss=…, lr=…)`` after each optimizer step (Pause holds there, Stop sets ``should_stop``),
    ``on_epoch_end(epoch, y_true, y_score, val_loss=…)`` after validation, ``on_train_end()`` at the end.
    """

    def on_batch_end(self, step: int, loss: Any = None, lr: Any = None, **more: Any) -> None:
        """Same as :meth:`Monitor.log_batch`."""
        self.log_batch(step, loss=loss, lr=lr, **more)

    def on_epoch_end(self, epoch: int, y_true: Any = None, y_score: Any = None, **more: Any) -> dict:
        """Same as :meth:`Monitor.log_epoch`."""
        return self.log_epoch(epoch, y_true, y_score, **more)

    def on_train_end(self, state: Optional[str] = None) -> bool:
        """Same as :meth:`Monitor.finish`."""
        return self.finish(state)


def _lightning_callback_class():
    try:
        import lightning.pytorch as pl  # Lightning 2
    except ImportError:
        try:
            import pytorch_lightning as pl  # older releases
        except ImportError as error:
            raise ImportError("callback_type='lightning' needs PyTorch Lightning (pip install lightning)") from error

    class LightningCallback(pl.Callback):
        """Sends a Lightning run: ``callback_metrics`` each batch, validation figures each epoch when the module
        keeps ``validation_outputs`` as (y_true, y_score) arrays; Pause holds in ``on_train_batch_end``, Stop sets
        ``trainer.should_stop``."""

        def __init__(self, monitor: Monitor) -> None:
            super().__init__()
            self.monitor = monitor

        def on_fit_start(self, trainer, pl_module) -> None:
            hparams = getattr(pl_module, "hparams", None)
            if hparams:
                self.monitor._hyperparameters.update(dict(hparams))

        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
            metrics = {k: v for k, v in trainer.callback_metrics.items() if getattr(v, "numel", lambda: 1)() == 1}
            loss = metrics.pop("train_loss", metrics.pop("loss", None))
            if loss is None and isinstance(outputs, Mapping):
                loss = outputs.get("loss")
            lr = trainer.optimizers[0].param_groups[0]["lr"] if trainer.optimizers else None
            more = {k.replace(".", "/"): v for k, v in metrics.items() if "val" not in k}
            self.monitor.log_batch(trainer.global_step, loss=loss, lr=lr, epoch=trainer.current_epoch + 1,
                                   batch=batch_idx + 1, total_batches=int(trainer.num_training_batches or 0),
                                   **{k: v for k, v in more.items() if k not in _BATCH_PARAMETERS})
            if self.monitor.should_stop:
                trainer.should_stop = True

        def on_validation_epoch_end(self, trainer, pl_module) -> None:
            if trainer.sanity_checking:
                return
            outputs = getattr(pl_module, "validation_outputs", None)
            val_loss = trainer.callback_metrics.get("val_loss")
            y_true, y_score = (outputs if outputs else (None, None))
            self.monitor.log_epoch(trainer.current_epoch + 1, y_true, y_score, val_loss=val_loss,
                                   epochs=trainer.max_epochs)

        def on_fit_end(self, trainer, pl_module) -> None:
            self.monitor.finish()

        def on_exception(self, trainer, pl_module, exception) -> None:
            self.monitor.finish("failed")

    return LightningCallback


def _transformers_callback_class():
    try:
        from transformers import TrainerCallback
    except ImportError as error:
        raise ImportError("callback_type='transformers' needs Hugging Face transformers (pip install transformers)") from error

    class TransformersCallback(TrainerCallback):
        """Sends a ``transformers.Trainer`` run: its logs each logging step, evaluation figures when
        ``compute_metrics`` results arrive; Pause holds in ``on_step_end``, Stop sets
        ``control.should_training_stop``."""

        def __init__(self, monitor: Monitor) -> None:
            self.monitor = monitor

        def on_step_end(self, args, state, control, **kwargs):
            self.monitor.wait_if_paused()
            if self.monitor.should_stop:
                control.should_training_stop = True
            return control

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = dict(logs or {})
            if any(k.startswith("eval_") for k in logs):
                return control  # an evaluation's figures: on_evaluate records them
            logs.pop("epoch", None)  # the Trainer adds the (fractional) epoch to every log; state.epoch says it
            loss, lr = logs.pop("loss", None), logs.pop("learning_rate", None)
            numbers = {k: v for k, v in logs.items()
                       if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in _BATCH_PARAMETERS}
            self.monitor.log_batch(state.global_step, loss=loss, lr=lr, epoch=int(state.epoch or 0) + 1, **numbers)
            if self.monitor.should_stop:
                control.should_training_stop = True
            return control

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            metrics = dict(metrics or {})
            metrics.pop("epoch", None)  # the Trainer's log() adds it to these metrics too; state.epoch says it
            self.monitor.log_epoch(int(round(state.epoch or 0)), val_loss=metrics.pop("eval_loss", None),
                                   epochs=int(args.num_train_epochs),
                                   **{k: v for k, v in metrics.items() if isinstance(v, (int, float))})

        def on_train_end(self, args, state, control, **kwargs):
            self.monitor.finish()

    return TransformersCallback


def create_monitoring_callback(
    callback_type: str = "pytorch",
    update_frequency: float = 10,
    critical_thresholds: Optional[Mapping[str, float]] = None,
    enable_class_monitoring: bool = True,
    enable_system_monitoring: bool = True,
    url: Optional[str] = None,
    token: Optional[str] = None,
    run_name: Optional[str] = None,
    class_names: Optional[Sequence[str]] = None,
    **options: Any,
):
    """The monitoring design's entry point: a callback that sends the run to a Vigil server and obeys its controls.

    Args:
        callback_type: ``"pytorch"`` (a :class:`PyTorchCallback` for a plain loop), ``"lightning"`` (a
            ``Callback`` for ``Trainer(callbacks=[…])``) or ``"transformers"`` (a ``TrainerCallback``).
            ``"retfound"`` is read as ``"pytorch"``.
        update_frequency: most updates sent per second.
        critical_thresholds: class → minimum sensitivity, e.g. ``{"RAO": 0.99, "RVO": 0.97}``.
        enable_class_monitoring: send per-class figures and critical conditions.
        enable_system_monitoring: send RAM/GPU figures (``None`` where unknown).
        url: the server (``VIGIL_MONITOR_URL``, else ``http://localhost:8000``).
        token: the server's token (``MONITORING_TOKEN`` by default).
        run_name: the run's name.
        class_names: the classes in output order.
        **options: any other :class:`Monitor` argument (``on_pause``, ``on_stop``, ``run_id``, ``config``…).
    """
    kind = (callback_type or "pytorch").lower()
    arguments = dict(url=url, token=token, run_name=run_name, class_names=class_names,
                     critical_thresholds=critical_thresholds, update_frequency=update_frequency,
                     enable_class_monitoring=enable_class_monitoring,
                     enable_system_monitoring=enable_system_monitoring, **options)
    if kind in ("pytorch", "torch", "retfound"):
        return PyTorchCallback(**arguments)
    if kind == "lightning":
        return _lightning_callback_class()(Monitor(**arguments))
    if kind in ("transformers", "huggingface", "hf"):
        return _transformers_callback_class()(Monitor(**arguments))
    raise ValueError(f"callback_type {callback_type!r} is not one of 'pytorch', 'lightning', 'transformers'")
