"""Text a user supplied prints literally: `[...]` is not read as styling, `:name:` not as an emoji code."""

from __future__ import annotations

import json
import shutil
import sys

from click.testing import CliRunner

from conftest import FIXTURES
from graphkb.cli import cli


def test_install_hint_keeps_its_brackets(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "langchain_openai", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["edges", "--verify-llm", "openai:gpt-4o-mini"])
    assert result.exit_code == 1
    # the checkout's extra: `graphkb` on the package index is another project
    assert 'pip install -e ".[openai]" in the graphkb checkout' in result.output, result.output
    assert "'graphkb[" not in result.output


def test_hf_install_hint_names_the_checkouts_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "datasets", None)  # as if the extra were not installed
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "a", "tools": [], "messages": [
        {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}) + "\n")
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "hf", "--out", str(tmp_path / "hf")])
    assert result.exit_code == 1
    assert result.output.strip() == ('error: writing a datasets dataset needs the optional extra: '
                                     'pip install -e ".[hf]" in the graphkb checkout'), result.output


def test_module_factory_spec_prints_as_given():
    result = CliRunner().invoke(cli, ["generate", "--n", "1", "--out", "x.jsonl", "--llm", "nosuchmod:factory"])
    assert result.exit_code == 1
    assert "error: --llm nosuchmod:factory: cannot load factory from module nosuchmod" in result.output
    assert "\N{FACTORY}" not in result.output


def test_rejected_file_name_with_brackets(embedded_store, tmp_path):
    bad = tmp_path / "data[v2].json"
    shutil.copy(FIXTURES / "bad" / "broken.json", bad)
    result = CliRunner().invoke(cli, ["ingest", str(bad)])
    assert result.exit_code == 1
    assert f"rejected {bad}: invalid JSON" in result.output, result.output


def test_report_and_validate_name_files_as_given(tmp_path):
    path = tmp_path / "runs[v2]:smile:.jsonl"
    path.write_text(json.dumps({"id": "a", "tools": [], "messages": [
        {"role": "user", "content": "Say [bold]hi[/bold] :smile:"}, {"role": "assistant", "content": "hi"}]}) + "\n")
    report = CliRunner().invoke(cli, ["report", str(path), "--no-graph", "--no-coherence"])
    assert report.exit_code == 0, report.output
    assert "runs[v2]:smile:.jsonl" in report.output and "\N{SMILING FACE WITH OPEN MOUTH}" not in report.output
    empty = tmp_path / "empty[1].jsonl"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["validate", str(empty)])
    assert result.exit_code == 1 and f"error: {empty}: the file is empty" in result.output
