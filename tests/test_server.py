"""The embedded graph server's lifecycle: start, reuse, stop, status, failures, isolation."""

from __future__ import annotations

import json
import socket
import stat
import uuid
from pathlib import Path

from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.config import Settings
from graphkb.graph.server import EmbeddedServer, _pid_alive
from graphkb.graph.store import GraphStore


def _java_processes_for(root: Path) -> list[int]:
    marker = f"-Darcadedb.server.rootPath={root}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def test_start_reuse_stop_and_restart_keeps_data(other_home):
    server = EmbeddedServer(other_home)
    info, started = server.ensure_running()
    assert started and _pid_alive(info.pid)
    again, started_again = server.ensure_running()
    assert not started_again and again.pid == info.pid and again.bolt_port == info.bolt_port

    uid = f"t-{uuid.uuid4()}"
    with GraphStore.open(other_home) as store:
        store.write_batches("graph/upsert_tools", [{"uid": uid, "props": {"name": "persisted"}}])

    assert server.stop() is True
    assert not _pid_alive(info.pid)
    assert _java_processes_for(server.root) == []
    assert server.info() is None
    assert server.stop() is False

    with GraphStore.open(other_home) as store:  # starts it on demand
        assert [r["uid"] for r in store.read("graph/tools_by_name", name="persisted")] == [uid]
    assert server.info().pid != info.pid


def test_password_file_is_private(embedded_store, graphkb_home):
    path = graphkb_home / "server" / "root_password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = path.read_text().strip()
    assert len(password) >= 8
    # not on the command line, which every user of the machine can read
    pid = EmbeddedServer(Settings()).info().pid
    assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_status_reports_server_size_and_counts(embedded_store):
    result = CliRunner().invoke(cli, ["db", "status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["server"] == "embedded" and status["running"] is True
    assert status["uri"].startswith("bolt://127.0.0.1:")
    assert status["data_bytes"] > 0
    assert status["nodes"] == embedded_store.counts()["nodes"]
    assert isinstance(status["relationships"], int)


def test_db_start_cli_reuses_running_server(embedded_store):
    result = CliRunner().invoke(cli, ["db", "start"])
    assert result.exit_code == 0, result.output
    assert "already running" in result.output


def test_java_that_fails_gives_one_line(tmp_path):
    env = {"GRAPHKB_HOME": str(tmp_path), "GRAPHKB_SERVER_JAVA": "/bin/false"}
    result = CliRunner().invoke(cli, ["db", "start"], env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "exited with status 1 during start-up" in lines[0]
    assert "Traceback" not in result.output


def test_missing_java_is_named(tmp_path):
    env = {"GRAPHKB_HOME": str(tmp_path), "GRAPHKB_SERVER_JAVA": str(tmp_path / "nojava")}
    result = CliRunner().invoke(cli, ["db", "start"], env=env)
    assert result.exit_code == 1 and "Java not found" in result.output


def test_taken_port_is_reported(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = {"GRAPHKB_HOME": str(tmp_path), "GRAPHKB_SERVER_BOLT_PORT": str(port)}
        result = CliRunner().invoke(cli, ["db", "start"], env=env)
    assert result.exit_code == 1
    assert f"port {port}" in result.output and "taken" in result.output


def test_two_homes_are_isolated(embedded_store, other_home):
    uid = f"t-{uuid.uuid4()}"
    name = f"only-in-other-{uid}"
    with GraphStore.open(other_home) as other:
        assert other.where.uri != embedded_store.where.uri
        other.write_batches("graph/upsert_tools", [{"uid": uid, "props": {"name": name}}])
        assert len(other.read("graph/tools_by_name", name=name)) == 1
    assert embedded_store.read("graph/tools_by_name", name=name) == []
    assert other_home.home != Settings().home
