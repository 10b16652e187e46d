"""Shared fixtures: one embedded graph server for the session, under a temporary GRAPHKB_HOME.

Store tests also run against Neo4j 5 through testcontainers when a Docker engine answers, and
skip with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from graphkb.config import Settings
from graphkb.graph.server import EmbeddedServer
from graphkb.graph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"


def _isolate_environment() -> Path:
    for key in list(os.environ):
        if key.startswith("GRAPHKB_"):
            del os.environ[key]
    home = Path(tempfile.mkdtemp(prefix="graphkb-test-"))
    os.environ["GRAPHKB_HOME"] = str(home)
    # A runaway statement (the query-timeout test makes one) is stopped by the server itself soon.
    os.environ["GRAPHKB_SERVER_COMMAND_TIMEOUT"] = "20"
    os.environ["GRAPHKB_SERVER_HEAP"] = "1g"
    return home


@pytest.fixture(scope="session")
def graphkb_home():
    home = _isolate_environment()
    yield home
    EmbeddedServer(Settings()).stop()
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_store(graphkb_home):
    store = GraphStore.open(Settings())
    yield store
    store.close()


def _docker_reason() -> str | None:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return None
    except Exception as e:  # any failure means: no engine to run Neo4j in
        return f"no Docker engine answers ({type(e).__name__}), so Neo4j cannot run in testcontainers here"


@pytest.fixture(scope="session")
def neo4j_settings():
    reason = _docker_reason()
    if reason:
        pytest.skip(reason)
    from testcontainers.neo4j import Neo4jContainer

    with Neo4jContainer("neo4j:5") as container:
        yield Settings(neo4j_uri=container.get_connection_url(), neo4j_user="neo4j",
                       neo4j_password=container.password)


@pytest.fixture(scope="session", params=["embedded", "neo4j"])
def store(request, graphkb_home):
    """The graph store on each server kind."""
    if request.param == "embedded":
        yield request.getfixturevalue("embedded_store")
        return
    s = GraphStore.open(request.getfixturevalue("neo4j_settings"))
    yield s
    s.close()


@pytest.fixture
def other_home():
    """A second, independent GRAPHKB_HOME (its server is stopped afterwards)."""
    home = Path(tempfile.mkdtemp(prefix="graphkb-other-"))
    settings = Settings(home=home, server_command_timeout=20, server_heap="512m")
    yield settings
    EmbeddedServer(settings).stop()
    shutil.rmtree(home, ignore_errors=True)


class OwnGraph:
    """A graph in a home of its own, holding only the given spec files (copied, so paths are private)."""

    def __init__(self, home: Path, files: list[Path]):
        from graphkb.edges import infer
        from graphkb.embed import Embedder
        from graphkb.ingest import ingest

        self.settings = Settings(home=home, server_heap="512m", server_command_timeout=20)
        self.store = GraphStore.open(self.settings)
        self.embedder = Embedder.for_home(home)
        copies = []
        for f in files:
            shutil.copy(f, home / f.name)
            copies.append(str(home / f.name))
        self.ingest_report = ingest(self.store, self.embedder, copies)
        self.edge_report = infer(self.store, self.embedder)

    def env(self) -> dict[str, str]:
        return {"GRAPHKB_HOME": str(self.settings.home)}

    def close(self) -> None:
        self.store.close()
        EmbeddedServer(self.settings).stop()


@pytest.fixture(scope="session")
def demo_graph(tmp_path_factory, graphkb_home):
    """The bundled demo specs of ingest/ in a graph of their own, with edges."""
    from graphkb.cypher import data_dir

    files = sorted(p for p in data_dir("ingest").rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
    graph = OwnGraph(tmp_path_factory.mktemp("demo-home"), files)
    yield graph
    graph.close()
