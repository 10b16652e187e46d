"""A scripted LangChain chat model for tests and benchmarks: no LLM runs offline here.

It answers the structured-output call of `ChatModelBackend` by reading the plan in the prompt and
writing a correct `DialogueText` itself (each user turn states the values the plan says it states),
so the production code path (bind_tools, the output parser, retries, verification) runs for real. `bad_first` answers that many times with malformed output
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
        for turn in spec["turns"]:
            said = [s.get("say_it_as") or _say(s["value"]) for s in turn["user_states"]]
            user.append(f"Please help me: {turn['intent']}. " + "; ".join(said))
            assistant.append("What value should I use?" if turn.get("user_leaves_out") else "Here is the result.")
        args = {"user": user, "assistant": assistant}
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
