"""Start and stop a real Neo4j server (``tools/neo4j-local/run.sh``) for tests.

The first start on a fresh machine includes the Maven build of the launcher
(downloads ~170 MB into ``~/.m2``), hence the generous timeout. Missing Java
or Maven, or a server that does not come up, FAIL the tests with the
launcher's own error output: these tests never skip.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_SH = REPO / "tools" / "neo4j-local" / "run.sh"
#: First run builds the launcher with Maven; later starts take ~10-20 s.
START_TIMEOUT = float(os.environ.get("PARTNERMAP_NEO4J_START_TIMEOUT", "900"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Neo4jServer:
    """One ``run.sh`` process: ``start()`` waits for ``NEO4J_READY``."""

    def __init__(self, data_dir: Path, port: int | None = None, auth: str | None = None) -> None:
        self.data_dir = data_dir
        self.auth = auth
        self.port = port or free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"{data_dir.name}-launcher.log"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Neo4jServer:
        missing = [tool for tool in ("java", "mvn", "bash") if shutil.which(tool) is None]
        if missing:
            pytest.fail(
                f"cannot start Neo4j for the tests: {', '.join(missing)} not on PATH "
                "(tools/neo4j-local needs Java 17+ and Maven 3.8+)",
                pytrace=False,
            )
        env = {k: v for k, v in os.environ.items() if k != "NEO4J_AUTH"}
        if self.auth:
            env["NEO4J_AUTH"] = self.auth
        with open(self.log, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [str(RUN_SH), str(self.port), str(self.data_dir)],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=env,
                start_new_session=True,
            )
        ready = threading.Event()
        lines: list[str] = []

        def watch() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                lines.append(line.rstrip())
                if line.startswith("NEO4J_READY"):
                    ready.set()

        threading.Thread(target=watch, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.is_set():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
                why = "exited" if time.monotonic() <= deadline else "timed out"
                pytest.fail(
                    f"Neo4j did not start ({why}) with {RUN_SH} {self.port} {self.data_dir}.\n"
                    f"stdout: {lines[-5:]}\nlauncher log ({self.log}):\n{tail}",
                    pytrace=False,
                )
            ready.wait(0.2)
        return self

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM (clean shutdown), then SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the server dies mid-flight, like a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


_shared: Neo4jServer | None = None
_failed: list[str] = []


def shared_server() -> Neo4jServer:
    """The one server every test of this process shares, started on first use."""
    global _shared
    if _failed:
        pytest.fail(_failed[0], pytrace=False)
    if _shared is None:
        data_dir = Path(tempfile.mkdtemp(prefix="partnermap-neo4j-")) / "data"
        server = Neo4jServer(data_dir)
        try:
            server.start()
        except pytest.fail.Exception as exc:
            _failed.append(str(exc))
            raise
        _shared = server
        atexit.register(stop_shared)
    return _shared


def stop_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        shutil.rmtree(_shared.data_dir.parent, ignore_errors=True)
        _shared = None
