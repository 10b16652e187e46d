"""A scripted LangChain chat model for tests and benchmarks: no LLM runs offline here.

It answers the structured-output call of `ChatModelBackend` by reading the plan in the prompt and
writing a correct `DialogueText` itself, so the production code path (bind_tools, the output parser,
retries, verification) runs for real. `bad_first` answers that many times with malformed output
before a good one; `always_bad` never recovers; `sleep` simulates network latency.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult


def _fake_output(schema: dict | None, must: dict[str, dict], n: int) -> Any:
    if not schema:
        return {"status": "done"}
    out = _make(schema, "value", n)
    for path, param_schema in must.items():  # values that later calls read must fit their parameters
        name = path.split(".")[-1].replace("[]", "")
        field = _sub(schema, path) or {}
        field_is_list = field.get("type") == "array"
        if param_schema.get("type") == "array" and not field_is_list:
            param_schema = param_schema.get("items") or {}
        param_schema = {**(field.get("items", {}) if field_is_list else field), **param_schema}
        value = _make(param_schema, name, n)
        _put(out, path, [value] if field_is_list and not isinstance(value, list) else value)
    return out


def _sub(schema: dict, path: str) -> dict | None:
    node = schema
    for part in [p for p in path.replace("[]", ".[]").split(".") if p]:
        if not isinstance(node, dict):
            return None
        node = node.get("items") if part == "[]" else (node.get("properties") or {}).get(part)
    return node


def _put(node: Any, path: str, value: Any) -> None:
    parts = [p for p in path.replace("[]", ".[]").split(".") if p]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "[]":
            if not isinstance(node, list):
                return
            if not node:
                node.append({} if not last else value)
            if last:
                node[0] = value
                return
            node = node[0]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return
            node = node.setdefault(part, [] if parts[i + 1] == "[]" else {})
        else:
            return


def _make(schema: dict, name: str, n: int) -> Any:
    return _maker(n)(schema, name)


def _maker(n: int):

    def make(s: dict, name: str) -> Any:
        t = s.get("type")
        if s.get("enum"):
            return s["enum"][0]
        if t == "object" or "properties" in s:
            return {k: make(v, k) for k, v in (s.get("properties") or {}).items()}
        if t == "array":
            return [make(s.get("items") or {"type": "string"}, name)]
        if t == "integer":
            return int(s.get("minimum", 1))
        if t == "number":
            return float(s.get("minimum", 1.5))
        if t == "boolean":
            return True
        fmt = s.get("format")
        if fmt == "date":
            return "2026-12-24"
        if fmt == "date-time":
            return "2026-12-24T10:00:00Z"
        if fmt == "email":
            return f"person{n}@example.com"
        if fmt in ("uri", "url"):
            return f"https://example.com/{name}"
        if s.get("pattern") == "^[A-Z]{3}$":
            return "LHR"
        if s.get("pattern") == "^[A-Z]{2}$":
            return "GB"
        if s.get("pattern") == "^[0-9]{4}$":
            return "4242"
        return f"{name}-{n}"

    return make


class ScriptedChatModel(BaseChatModel):
    bad_first: int = 0
    always_bad: bool = False
    sleep: float = 0.0
    calls: int = 0
    tools: list = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, *, tool_choice=None, **kwargs):
        return self.model_copy(update={"tools": list(tools)})

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        self.calls += 1
        spec = json.loads(messages[1].content)
        usage = {"input_tokens": 400, "output_tokens": 300, "total_tokens": 700}
        if self.always_bad or self.calls <= self.bad_first:
            # malformed: the wrong shape for DialogueText
            return AIMessage(content="", tool_calls=[{"name": "DialogueText", "args": {"user": "not a list"},
                                                      "id": f"t{self.calls}"}], usage_metadata=usage)
        user, assistant = [], []
        values = {c["id"]: c["user_must_say"] for c in spec["calls"]}
        for turn in spec["turns"]:
            said = []
            if turn["kind"] == "clarify":
                cid, p = turn["user_leaves_out"][0].split(".", 1)
                said.append(f"{p} is {_say(values[cid][p])}")
            elif turn["calls"] or turn["user_leaves_out"]:
                calls = turn["calls"] or _calls_of_answer(spec, turn)
                for cid in calls:
                    for p, v in values[cid].items():
                        if f"{cid}.{p}" not in turn["user_leaves_out"]:
                            said.append(f"{p} is {_say(v)}")
            user.append(f"Please help me: {turn['intent']}. " + "; ".join(said))
            assistant.append("What value should I use?" if turn["user_leaves_out"] and not turn["calls"]
                             else "Here is the result.")
        outputs = {c["id"]: _fake_output(c["output_schema"], c["output_must_contain"], i)
                   for i, c in enumerate(spec["calls"])}
        args = {"user": user, "assistant": assistant, "outputs": outputs}
        return AIMessage(content="", tool_calls=[{"name": "DialogueText", "args": args, "id": f"t{self.calls}"}],
                         usage_metadata=usage)

    def _generate(self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kwargs) -> ChatResult:
        if self.sleep:
            time.sleep(self.sleep)
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages))])

    async def _agenerate(self, messages, stop=None, run_manager: AsyncCallbackManagerForLLMRun | None = None,
                         **kwargs) -> ChatResult:
        if self.sleep:
            await asyncio.sleep(self.sleep)
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages))])


def _say(value: Any) -> str:
    return " and ".join(map(str, value)) if isinstance(value, list) else str(value)


def _calls_of_answer(spec: dict, turn: dict) -> list[str]:
    later = spec["turns"][spec["turns"].index(turn) + 1:]
    answer = next(t for t in later if t["kind"] == "clarify" and t["user_leaves_out"] == turn["user_leaves_out"])
    return answer["calls"]


def factory() -> ScriptedChatModel:
    """For `--llm scripted_chat:factory`."""
    return ScriptedChatModel()


def sleepy_factory(seconds: float = 0.2) -> ScriptedChatModel:
    return ScriptedChatModel(sleep=seconds)


class EdgeJudge(ScriptedChatModel):
    """Answers edge-verification prompts: rejects the first candidate of each batch, keeps the rest."""

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        self.calls += 1
        text = messages[-1].content
        verdicts = []
        for line in text.splitlines():
            head, _, rest = line.partition(". ")
            if head.isdigit():
                verdicts.append({"index": int(head), "feeds": int(head) != 0})
        return AIMessage(content="", tool_calls=[{"name": "Verdicts", "args": {"verdicts": verdicts}, "id": f"v{self.calls}"}])


def judge_factory() -> EdgeJudge:
    return EdgeJudge()


class StatusError(Exception):
    """What an API client raises for an HTTP error status (it carries `status_code`, as openai's do)."""

    def __init__(self, status_code: int):
        super().__init__(f"HTTP {status_code} from the chat model's server")
        self.status_code = status_code


class FailingChatModel(ScriptedChatModel):
    """A scripted model whose transport fails: the first `fail_first` requests raise `error`, then it
    answers `good` requests (None: all), then every request raises `error` again. `error` is
    `connection` (ConnectionError), or an HTTP status such as `503` or `401`. `log` records each
    request (`ok` or `failed`); it is shared with the copies that `bind_tools` makes."""

    fail_first: int = 0
    good: int | None = None
    error: str = "connection"
    log: list = []

    @property
    def requests(self) -> int:
        return len(self.log)

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        answered = self.log.count("ok")
        if len(self.log) < self.fail_first or (self.good is not None and answered >= self.good):
            self.log.append("failed")
            raise ConnectionError("connection refused") if self.error == "connection" else StatusError(int(self.error))
        self.log.append("ok")
        return super()._answer(messages)
