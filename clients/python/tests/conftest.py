"""A real ``vigil serve`` for the tests: the CLI the project builds, on a free port, with a temporary SQLite store."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _cli() -> Path:
    path = Path(os.environ.get("VIGIL_CLI_DLL", REPO / "src/Vigil.Cli/bin/Release/net10.0/vigil.dll"))
    if not path.exists():
        pytest.fail(f"{path} is missing: build the project first (dotnet build Vigil.slnx -c Release) or set VIGIL_CLI_DLL")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``vigil serve`` in a child process; :meth:`start` and :meth:`stop` can be called again (same port and store)."""

    def __init__(self, folder: Path, port: int, env=None) -> None:
        self.folder, self.port = folder, port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env or {}
        self.process = None

    def start(self) -> "Server":
        env = dict(os.environ, MONITORING_LOG_DIR="", **self.env)
        self.process = subprocess.Popen(
            ["dotnet", str(_cli()), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--db", str(self.folder / "monitoring.db")],
            cwd=self.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line:
            self.process.kill()
            pytest.fail("vigil serve printed no URL: " + self.process.stderr.read())
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if raw else None

    def post(self, path: str, body=None):
        request = urllib.request.Request(self.url + path, data=json.dumps(body or {}).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "the condition"):
        """Polls ``predicate`` (errors count as not yet) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = predicate()
                if last:
                    return last
            except Exception as error:  # noqa: BLE001
                last = error
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what} (last: {last!r})")


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path, free_port()).start()
    yield s
    s.stop()


@pytest.fixture
def stopped_server(tmp_path):
    """A server not started yet (the test starts it)."""
    s = Server(tmp_path, free_port())
    yield s
    s.stop()
