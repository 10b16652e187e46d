"""Chat models: loading one from an `--llm` spec, and calling it so that network trouble is retried
with backoff, never taken for a malformed answer, and stops a run with one line when it persists.

Transient errors (connection refused or reset, timeouts, HTTP 408/409/425/429/5xx, and LangChain's
model errors marked retryable) are retried with exponential backoff and jitter (tenacity),
honouring a server's Retry-After. A call that still fails
after its attempts, or that is refused for good (HTTP 401/403/404/407: a bad key, no access, an unknown
model), makes the model *unavailable*: that call and every later one raise `ChatModelUnavailable`,
and the run stops there. Everything else (a reply that does not parse, a wrong shape) is the
caller's business: a malformed answer, retried with feedback by the dialogue backend.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda
from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_exponential,
    wait_random,
)

from ..errors import GraphkbError

TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
REFUSED_STATUS = frozenset({401, 403, 404, 407})


class ChatModelUnavailable(GraphkbError):
    """The chat model cannot be reached or refuses every request: the run stops."""


def load_chat_model(spec: str, timeout: float = 120.0):
    """A LangChain chat model: `openai:MODEL` (langchain-openai; OPENAI_API_KEY, OPENAI_BASE_URL) or
    `module:factory` (any BaseChatModel that factory() returns)."""
    kind, _, rest = spec.partition(":")
    if kind == "openai" and rest:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise GraphkbError('--llm openai:... needs the optional extra: pip install -e ".[openai]" '
                               "in the graphkb checkout") from None
        if not os.environ.get("OPENAI_API_KEY"):
            raise GraphkbError(f"--llm {spec} needs OPENAI_API_KEY in the environment "
                               "(any non-empty value for a local server given by OPENAI_BASE_URL)")
        try:
            # Our retry policy is the only one: the client's own retries would multiply it.
            return ChatOpenAI(model=rest, base_url=os.environ.get("OPENAI_BASE_URL") or None, temperature=0.8,
                              max_retries=0, timeout=timeout)
        except Exception as e:  # the client validates its settings here; say which, in one line
            raise GraphkbError(f"--llm {spec}: {type(e).__name__}: {_first_line(e)}") from None
    if rest:
        try:
            factory = getattr(importlib.import_module(kind), rest)
        except (ImportError, AttributeError) as e:
            raise GraphkbError(f"--llm {spec}: cannot load {rest} from module {kind} ({e})") from None
        return factory()
    raise GraphkbError(f"--llm {spec!r}: use offline, openai:MODEL or module:factory")


# ---- telling network trouble from bad answers -----------------------------------------------
@lru_cache(maxsize=1)
def _transport_kinds() -> tuple[type[BaseException], ...]:
    """Exception classes that mean the request never got an answer (clients are optional)."""
    kinds: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module, name in (("httpx", "TransportError"), ("openai", "APIConnectionError")):
        try:
            kinds.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(kinds)


def _chain(exc: BaseException | None):
    """The exception and what caused it (clients wrap transport errors in their own)."""
    seen = 0
    while exc is not None and seen < 6:
        yield exc
        exc = exc.__cause__
        seen += 1


def status_of(exc: BaseException) -> int | None:
    """The HTTP status an API client's error carries, if any (openai, anthropic, httpx...)."""
    for e in _chain(exc):
        for holder in (e, getattr(e, "response", None)):
            for attr in ("status_code", "status"):
                value = getattr(holder, attr, None)
                if isinstance(value, int) and 100 <= value < 600:
                    return value
    return None


@lru_cache(maxsize=1)
def _langchain_kinds() -> tuple[type | None, tuple[type, ...]]:
    """LangChain's provider-neutral model errors (langchain-core 1.8+): the base, and the refusals."""
    try:
        from langchain_core import exceptions as lc
    except ImportError:
        return None, ()
    refused = tuple(getattr(lc, n) for n in ("ModelAuthenticationError", "ModelPermissionDeniedError",
                                             "ModelNotFoundError") if hasattr(lc, n))
    return getattr(lc, "ModelError", None), refused


def is_transient(exc: BaseException) -> bool:
    base, _ = _langchain_kinds()
    for e in _chain(exc):
        if isinstance(e, _transport_kinds()) or (base is not None and isinstance(e, base) and e.is_retryable):
            return True
    return status_of(exc) in TRANSIENT_STATUS


def is_refused(exc: BaseException) -> bool:
    _, refused = _langchain_kinds()
    return any(isinstance(e, refused) for e in _chain(exc)) or status_of(exc) in REFUSED_STATUS


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else "")[:200]


def _describe(exc: BaseException) -> str:
    status = status_of(exc)
    return f"{type(exc).__name__}" + (f", HTTP {status}" if status else "") + \
        (f": {_first_line(exc)}" if _first_line(exc) else "")


def _retry_after(exc: BaseException) -> float | None:
    """Seconds a server asked us to wait (Retry-After), when it said so."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class ResilientChatModel:
    """A chat model whose structured-output calls retry transient errors and, once the model is
    unavailable, fail fast with `ChatModelUnavailable`. Anything else is passed to the model."""

    def __init__(self, model, attempts: int = 4, backoff: float = 1.0, max_wait: float = 30.0):
        self.model = model
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_wait = max_wait
        self.unavailable: str | None = None  # why the model is given up on; set once
        self.refused: int | bool = False  # the HTTP status of a refusal (True without one): retrying cannot help

    def __getattr__(self, name: str) -> Any:  # only called for what this wrapper does not define
        if name == "model":
            raise AttributeError(name)
        return getattr(self.model, name)

    def with_structured_output(self, *args, **kwargs) -> Runnable:
        inner = self.model.with_structured_output(*args, **kwargs)

        def call(value, config=None):
            return self._call(lambda: inner.invoke(value, config))

        async def acall(value, config=None):
            return await self._acall(lambda: inner.ainvoke(value, config))

        return RunnableLambda(call, afunc=acall, name="resilient_structured_output")

    # ---- the policy ----------------------------------------------------------------------
    def _policy(self) -> dict:
        jitter = wait_exponential(multiplier=self.backoff, max=self.max_wait) + wait_random(0, self.backoff)

        def wait(state) -> float:
            exc = state.outcome.exception() if state.outcome else None
            asked = _retry_after(exc) if exc is not None else None
            return min(asked, self.max_wait) if asked is not None else jitter(state)

        return {"retry": retry_if_exception(is_transient), "wait": wait, "reraise": True,
                "stop": stop_any(stop_after_attempt(self.attempts), lambda _: self.unavailable is not None)}

    def _give_up(self, exc: Exception) -> ChatModelUnavailable | None:
        if is_transient(exc):
            self.unavailable = self.unavailable or (
                f"the chat model could not be reached ({self.attempts} attempts; last: {_describe(exc)})")
        elif is_refused(exc):
            if not self.unavailable:
                self.refused = status_of(exc) or True
            self.unavailable = self.unavailable or f"the chat model refused the request ({_describe(exc)})"
        else:
            return None
        return ChatModelUnavailable(self.unavailable)

    def _call(self, run):
        if self.unavailable:
            raise ChatModelUnavailable(self.unavailable)
        try:
            for attempt in Retrying(**self._policy()):
                with attempt:
                    return run()
        except Exception as e:
            stop = self._give_up(e)
            if stop is None:
                raise
            raise stop from e

    async def _acall(self, run):
        if self.unavailable:
            raise ChatModelUnavailable(self.unavailable)
        try:
            async for attempt in AsyncRetrying(**self._policy()):
                with attempt:
                    return await run()
        except Exception as e:
            stop = self._give_up(e)
            if stop is None:
                raise
            raise stop from e


def resume_advice(model) -> str:
    """What to do after a run stopped for the model: a refusal must be fixed before resuming helps."""
    refused = getattr(model, "refused", False) if isinstance(model, ResilientChatModel) else False
    if not refused:
        return "run the same command with --resume to continue"
    fix = {401: "the API key (OPENAI_API_KEY for openai:MODEL)", 407: "the proxy's credentials",
           403: "your access to the model", 404: "the model name or the endpoint (OPENAI_BASE_URL)"}.get(
        refused, "what the server refused")
    return f"fix {fix} first, then run the same command with --resume to continue"


def unavailable_reason(model) -> str | None:
    """Why a (resilient) model was given up on, or None."""
    return getattr(model, "unavailable", None) if isinstance(model, ResilientChatModel) else None
