"""JSON over HTTP to a Vigil server with the standard library (one keep-alive connection per thread)."""

from __future__ import annotations

import http.client
import json
import math
import socket
import urllib.parse
from typing import Any, Optional, Tuple


class ServerError(Exception):
    """The server answered an error (``status``) or could not be reached (``status`` is None)."""

    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.status = status


def _number(value: float) -> Any:
    """JSON has no NaN/Infinity: Vigil reads them as the strings "NaN", "Infinity", "-Infinity"."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def clean(value: Any) -> Any:
    """Makes ``value`` JSON-safe: numpy/torch scalars become numbers, non-finite floats strings."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return clean(value.tolist())
    try:
        return _number(float(value))
    except (TypeError, ValueError):
        return str(value)


class Connection:
    """A keep-alive connection to the server; not shared between threads."""

    def __init__(self, url: str, token: Optional[str], timeout: float) -> None:
        parsed = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
        if parsed.scheme not in ("http", "https"):
            raise ValueError(f"the monitoring URL must start with http:// or https://, not {url!r}")
        self._scheme, self._host, self._port = parsed.scheme, parsed.hostname or "localhost", parsed.port
        self._base = parsed.path.rstrip("/")
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = "Bearer " + token
        self.timeout = timeout
        self._conn: Optional[http.client.HTTPConnection] = None

    def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Tuple[int, Any]:
        """Sends one request; returns (status, parsed JSON or None). Raises :class:`ServerError` when unreachable."""
        data = None if body is None else json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
        for attempt in (0, 1):  # a keep-alive connection the server closed is retried once on a fresh one
            if self._conn is None:
                kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
                self._conn = kind(self._host, self._port, timeout=timeout or self.timeout)
            elif self._conn.sock is not None:
                self._conn.sock.settimeout(timeout or self.timeout)
            try:
                self._conn.request(method, self._base + path, body=data, headers=self._headers)
                response = self._conn.getresponse()
                raw = response.read()
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                return response.status, parsed
            except (http.client.HTTPException, OSError, socket.timeout) as error:
                self.close()
                if attempt == 1 or not isinstance(error, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)):
                    raise ServerError(f"{type(error).__name__}: {error}") from None
        raise ServerError("unreachable")  # not reached

    def close(self) -> None:
        """Closes the connection (the next request opens a new one)."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
