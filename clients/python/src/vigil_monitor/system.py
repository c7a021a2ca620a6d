"""This machine's resources for ``metrics_update.system``: RAM through psutil, the GPU through NVML (ctypes on
``libnvidia-ml.so.1``). Each figure is ``None`` when its source is missing; nothing here ever raises."""

from __future__ import annotations

import ctypes
import threading
from typing import Optional


class _Nvml:
    """The first GPU's use, memory and temperature through NVML, or nothing when there is no NVIDIA driver."""

    class _Utilization(ctypes.Structure):
        _fields_ = [("gpu", ctypes.c_uint), ("memory", ctypes.c_uint)]

    class _Memory(ctypes.Structure):
        _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]

    def __init__(self) -> None:
        self.status = "unavailable"
        self._lib = None
        self._device = ctypes.c_void_p()
        try:
            lib = ctypes.CDLL("libnvidia-ml.so.1")
            if lib.nvmlInit_v2() != 0:
                self.status = "unavailable: NVML did not initialise"
                return
            if lib.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(self._device)) != 0:
                self.status = "unavailable: no GPU 0"
                return
            self._lib = lib
            self.status = "available"
        except OSError:
            self.status = "unavailable: libnvidia-ml.so.1 not found (no NVIDIA driver)"
        except AttributeError:
            self.status = "unavailable: libnvidia-ml.so.1 lacks the NVML functions"

    def sample(self) -> dict:
        if self._lib is None:
            return {"gpu_usage": None, "gpu_memory": None, "gpu_temp": None}
        use, memory, temperature = self._Utilization(), self._Memory(), ctypes.c_uint()
        out = {"gpu_usage": None, "gpu_memory": None, "gpu_temp": None}
        if self._lib.nvmlDeviceGetUtilizationRates(self._device, ctypes.byref(use)) == 0:
            out["gpu_usage"] = float(use.gpu)
        if self._lib.nvmlDeviceGetMemoryInfo(self._device, ctypes.byref(memory)) == 0 and memory.total:
            out["gpu_memory"] = 100.0 * memory.used / memory.total
        if self._lib.nvmlDeviceGetTemperature(self._device, 0, ctypes.byref(temperature)) == 0:
            out["gpu_temp"] = float(temperature.value)
        return out


class SystemSampler:
    """Samples at most once a second; :meth:`latest` answers the last sample (all ``None`` before the first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nvml: Optional[_Nvml] = None
        self._latest = {"gpu_usage": None, "gpu_memory": None, "gpu_temp": None, "ram_usage": None}
        try:
            import psutil  # noqa: F401  (optional)
            self._psutil = psutil
        except ImportError:
            self._psutil = None

    def sample(self) -> dict:
        """Reads the machine now (from the sender's thread, never the training loop's)."""
        if self._nvml is None:
            self._nvml = _Nvml()
        figures = self._nvml.sample()
        try:
            figures["ram_usage"] = float(self._psutil.virtual_memory().percent) if self._psutil else None
        except Exception:  # a sandbox without /proc: unknown, not an error
            figures["ram_usage"] = None
        with self._lock:
            self._latest = figures
        return figures

    def latest(self) -> dict:
        """The last sample."""
        with self._lock:
            return dict(self._latest)
