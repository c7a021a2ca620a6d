"""Watch and control Python training runs with a Vigil monitoring server.

``Monitor`` for a plain loop, ``create_monitoring_callback`` for PyTorch, Lightning and transformers, and
``vigil_monitor.metrics`` for the validation figures (numpy).
"""

from .callbacks import PyTorchCallback, create_monitoring_callback
from .monitor import MAX_POINTS_PER_REQUEST, Monitor

__all__ = ["Monitor", "PyTorchCallback", "create_monitoring_callback", "MAX_POINTS_PER_REQUEST"]
__version__ = "0.1.0"
