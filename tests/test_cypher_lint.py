"""Every Cypher file passes Neo4j's own front end (@neo4j-cypher/language-support: its grammar and
semantic analysis compiled to JavaScript) with no error and no warning, deprecations included.

The linter is pinned in tests/cypher_lint/package-lock.json and installed with `npm ci` into a cache
folder on first use (node 20+ and npm needed). Without node, or when the npm registry cannot be
reached, the tests skip and say why.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from graphkb.cypher import data_dir

HERE = Path(__file__).parent / "cypher_lint"
NETWORK_TROUBLE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|proxy|"
                             r"socket hang up|request to .* failed", re.I)


def _linter() -> Path:
    """The folder holding the installed linter and our runner; skips when it cannot be had."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Cypher lint needs node 20+ and npm, and " + ("node" if not node else "npm") + " is not installed")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = int(re.match(r"v(\d+)", version).group(1)) if re.match(r"v(\d+)", version) else 0
    if major < 20:
        pytest.skip(f"Cypher lint needs node 20+, and this node is {version or 'of unknown version'}")
    lock = (HERE / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphkb-cypher-lint"
    home = cache / hashlib.sha256(lock).hexdigest()[:16]
    if not (home / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="install-", dir=cache))
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, staging / name)
        try:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=staging,
                                  capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            shutil.rmtree(staging, ignore_errors=True)
            pytest.skip("npm ci of the Cypher linter did not finish in 10 minutes (is the npm registry reachable?)")
        if done.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            if NETWORK_TROUBLE.search(done.stderr):
                pytest.skip(f"the npm registry cannot be reached to install the Cypher linter ({tail})")
            pytest.fail(f"npm ci of the Cypher linter failed: {tail}")
        try:
            staging.rename(home)  # atomic: a concurrent run either sees it whole or installs its own
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    shutil.copy(HERE / "check.mjs", home / "check.mjs")
    return home


def lint(files: list[dict]) -> list[dict]:
    """Findings for [{name, text, browser}] as [{name, severity, message, line, column}]."""
    home = _linter()
    done = subprocess.run(["node", str(home / "check.mjs")], input=json.dumps({"version": "5", "files": files}),
                          capture_output=True, text=True, timeout=300, cwd=home)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_every_cypher_file_has_no_error_and_no_warning():
    root = data_dir("cypher")
    paths = sorted(root.rglob("*.cypher"))
    assert len(paths) > 40 and any(p.parent.name == "browser" for p in paths)
    files = [{"name": str(p.relative_to(root)), "text": p.read_text(encoding="utf-8"), "browser": p.parent.name == "browser"}
             for p in paths]
    findings = lint(files)
    assert findings == [], "\n".join(f"{f['name']}:{f['line']}:{f['column']}: {f['severity']}: {f['message']}"
                                     for f in findings)


def test_the_linter_finds_errors_and_deprecations():
    """So that the test above could fail: a deprecated subquery, an undefined variable, an unknown function."""
    findings = lint([
        {"name": "old", "text": "MATCH (t:Tool) CALL { WITH t MATCH (t)-->(x) RETURN x } RETURN x", "browser": False},
        {"name": "undefined", "text": "MATCH (t:Tool) RETURN u", "browser": False},
        {"name": "unknown", "text": "RETURN nosuch.fn(1) AS x", "browser": False},
        {"name": "param", "text": "MATCH (t:Tool {name: $name}) RETURN t", "browser": False},
        {"name": "browser", "text": ":param name => 'searchFlights';\nMATCH (t:Tool {name: $name}) RETURN t",
         "browser": True},
    ])
    by_name = {}
    for f in findings:
        by_name.setdefault(f["name"], []).append(f)
    assert [f["severity"] for f in by_name["old"]] == ["warning"] and "CALL (t)" in by_name["old"][0]["message"]
    assert by_name["undefined"][0]["severity"] == "error" and "`u`" in by_name["undefined"][0]["message"]
    assert by_name["unknown"][0]["severity"] in ("error", "warning")
    assert "param" not in by_name and "browser" not in by_name  # parameters are bound at run time
