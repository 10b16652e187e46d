"""Chat-model transport and auth errors: retried with backoff when transient, never counted as
malformed answers, and a run that cannot go on stops with one line and exit 1, keeping what it wrote.

Through a scripted model that fails, and through the real OpenAI client (langchain-openai) against a
local HTTP endpoint that answers 503, 401, or is not there at all.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_openai import FakeOpenAI
from scripted_chat import FailingChatModel, ScriptedChatModel, StatusError

from graphkb.cli import cli
from graphkb.synthesis.dialogue import ChatModelBackend
from graphkb.synthesis.generate import GenerateOptions, generate
from graphkb.synthesis.llm import ChatModelUnavailable, ResilientChatModel, is_refused, is_transient


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _rejects(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def _backend(model, attempts: int = 3) -> ChatModelBackend:
    return ChatModelBackend(ResilientChatModel(model, attempts=attempts, backoff=0.01))


def test_errors_are_told_apart():
    import httpx
    import openai

    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")

    def status(code: int):
        return openai.APIStatusError("x", response=httpx.Response(code, request=request), body=None)

    assert is_transient(openai.APIConnectionError(request=request))
    assert is_transient(openai.APITimeoutError(request=request))
    assert all(is_transient(status(c)) for c in (429, 500, 502, 503, 504))
    assert all(is_refused(status(c)) and not is_transient(status(c)) for c in (401, 403, 404))
    assert is_transient(ConnectionError()) and is_transient(TimeoutError()) and is_transient(StatusError(503))
    assert not is_transient(ValueError("bad JSON")) and not is_refused(ValueError("bad JSON"))
    assert not is_transient(status(400)) and not is_refused(status(400))
    from langchain_core import exceptions as lc  # provider-neutral errors, whatever the client

    assert is_transient(lc.ModelRateLimitError("x")) and is_transient(lc.ModelTimeoutError("x"))
    assert is_refused(lc.ModelAuthenticationError("x")) and is_refused(lc.ModelNotFoundError("x"))
    assert not is_transient(lc.ModelInvalidRequestError("x")) and not is_refused(lc.ModelInvalidRequestError("x"))


def test_transient_failures_are_retried_and_not_rejected(demo_graph, tmp_path):
    model = FailingChatModel(fail_first=2, error="503")
    out = tmp_path / "d.jsonl"
    report = generate(demo_graph.store, GenerateOptions(n=4, out=out, seed=1, concurrency=1), _backend(model))
    assert report.written == 4 and report.rejected == 0 and not _lines(_rejects(out))
    assert model.requests == 4 + 2  # two failed requests, retried; then one a dialogue
    assert report.llm_calls == 4  # the backend saw no malformed answer


def test_a_model_that_goes_away_stops_the_run_and_resume_finishes_it(demo_graph, tmp_path):
    out, fresh = tmp_path / "d.jsonl", tmp_path / "fresh.jsonl"
    dying = FailingChatModel(good=3, error="connection")
    with pytest.raises(ChatModelUnavailable) as stopped:
        generate(demo_graph.store, GenerateOptions(n=8, out=out, seed=4, concurrency=1), _backend(dying))
    message = str(stopped.value)
    assert "could not be reached" in message and "ConnectionError" in message and "--resume" in message
    assert message.endswith("run the same command with --resume to continue") and "fix " not in message
    assert "\n" not in message and "3 dialogues written" in message
    assert len(_lines(out)) == 3 and not _lines(_rejects(out))  # kept, and nothing counted as malformed
    assert dying.requests == 3 + 3  # three answers, then one call's three attempts; no retries after that
    report = generate(demo_graph.store, GenerateOptions(n=8, out=out, seed=4, resume=True),
                      _backend(ScriptedChatModel()))
    assert report.skipped == 3 and report.written == 5
    generate(demo_graph.store, GenerateOptions(n=8, out=fresh, seed=4), _backend(ScriptedChatModel()))
    assert out.read_bytes() == fresh.read_bytes()


def test_a_refused_request_stops_at_once(demo_graph, tmp_path):
    model = FailingChatModel(fail_first=100, error="401")
    out = tmp_path / "d.jsonl"
    with pytest.raises(ChatModelUnavailable, match="refused the request .*HTTP 401") as stopped:
        generate(demo_graph.store, GenerateOptions(n=5, out=out, seed=1, concurrency=4), _backend(model))
    # resuming alone would be refused again: the key comes first
    assert str(stopped.value).endswith("fix the API key (OPENAI_API_KEY for openai:MODEL) first, then run the same "
                                       "command with --resume to continue"), stopped.value
    assert model.requests <= 4  # no retries: at most the calls already in flight
    assert not _lines(out) and not _lines(_rejects(out))


def test_malformed_answers_are_still_malformed(demo_graph, tmp_path):
    """The wrapper changes nothing for answers that arrive: they are retried with feedback, then rejected."""
    out = tmp_path / "d.jsonl"
    report = generate(demo_graph.store, GenerateOptions(n=2, out=out, seed=1),
                      _backend(ScriptedChatModel(always_bad=True)))
    assert report.written == 0 and report.rejected == 2
    assert all("malformed answer" in json.loads(line)["reasons"][0] for line in _lines(_rejects(out)))


# ---- the real client against a local endpoint --------------------------------------------------
def _env(demo_graph, base_url: str) -> dict[str, str]:
    return {**demo_graph.env(), "OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": base_url,
            "GRAPHKB_LLM_BACKOFF": "0.01", "GRAPHKB_LLM_ATTEMPTS": "3", "NO_PROXY": "127.0.0.1,localhost"}


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def test_openai_client_recovers_from_503(demo_graph, tmp_path):
    out = tmp_path / "d.jsonl"
    with FakeOpenAI([503, 503, 200]) as server:
        result = CliRunner().invoke(cli, ["generate", "--n", "3", "--out", str(out), "--llm", "openai:scripted",
                                          "--concurrency", "1"], env=_env(demo_graph, server.base_url))
    assert result.exit_code == 0, result.output
    assert "3 dialogues written" in result.output and "0 rejected" in result.output
    assert server.requests == 5 and len(_lines(out)) == 3


def test_openai_endpoint_that_keeps_failing_stops_with_one_line(demo_graph, tmp_path):
    out = tmp_path / "d.jsonl"
    with FakeOpenAI([200, 200, 503]) as server:
        result = CliRunner().invoke(cli, ["generate", "--n", "6", "--out", str(out), "--llm", "openai:scripted",
                                          "--concurrency", "1"], env=_env(demo_graph, server.base_url))
    assert result.exit_code == 1
    errors = _error_lines(result.output)
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    assert "could not be reached" in errors[0] and "HTTP 503" in errors[0] and "--resume" in errors[0]
    assert len(_lines(out)) == 2 and not _lines(_rejects(out))
    assert server.requests == 2 + 3


def test_dead_endpoint_and_bad_key_and_missing_key(demo_graph, tmp_path):
    out = tmp_path / "d.jsonl"
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    result = CliRunner().invoke(cli, ["generate", "--n", "3", "--out", str(out), "--llm", "openai:scripted"],
                                env=_env(demo_graph, dead))
    assert result.exit_code == 1 and len(_error_lines(result.output)) == 1, result.output
    assert "could not be reached" in result.output and "ConnectionError" in result.output
    assert not _lines(out) and not _lines(_rejects(out))

    with FakeOpenAI([401]) as server:
        result = CliRunner().invoke(cli, ["generate", "--n", "3", "--out", str(out), "--llm", "openai:scripted",
                                          "--concurrency", "1"], env=_env(demo_graph, server.base_url))
    assert result.exit_code == 1 and len(_error_lines(result.output)) == 1, result.output
    assert "refused the request" in result.output and "HTTP 401" in result.output
    assert "fix the API key (OPENAI_API_KEY for openai:MODEL) first, then run the same command with --resume" \
        in result.output
    assert server.requests == 1

    env = {**_env(demo_graph, dead), "OPENAI_API_KEY": ""}
    result = CliRunner().invoke(cli, ["generate", "--n", "1", "--out", str(out), "--llm", "openai:gpt-4o-mini"], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _error_lines(result.output) == ["error: --llm openai:gpt-4o-mini needs OPENAI_API_KEY in the environment "
                                           "(any non-empty value for a local server given by OPENAI_BASE_URL)"]


def test_edge_checks_stop_with_one_line_when_the_model_is_unreachable(demo_graph):
    with FakeOpenAI([503]) as server:
        result = CliRunner().invoke(cli, ["edges", "--verify-llm", "openai:scripted"],
                                    env=_env(demo_graph, server.base_url))
    assert result.exit_code == 1 and len(_error_lines(result.output)) == 1, result.output
    assert "could not be reached" in result.output and server.requests == 3
