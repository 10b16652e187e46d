"""A small OpenAI-compatible chat server on loopback, for testing the real client (langchain-openai)
against transport trouble: it answers with the statuses it is given in turn (the last one repeats),
and on 200 it answers the structured-output call as the scripted model would."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from langchain_core.messages import HumanMessage, SystemMessage
from scripted_chat import ScriptedChatModel


class FakeOpenAI:
    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests = 0
        self._lock = threading.Lock()
        self._model = ScriptedChatModel()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                status, payload = server.answer(self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self, path: str, body: dict) -> tuple[int, dict]:
        with self._lock:
            status = self.statuses[min(self.requests, len(self.statuses) - 1)]
            self.requests += 1
            if status != 200:
                return status, {"error": {"message": f"status {status} as scripted", "type": "server_error",
                                          "code": status}}
            messages = body["messages"]
            reply = self._model._answer([SystemMessage(messages[0]["content"]), HumanMessage(messages[1]["content"])])
        calls = [{"id": c["id"], "type": "function",
                  "function": {"name": c["name"], "arguments": json.dumps(c["args"])}} for c in reply.tool_calls]
        return 200, {"id": f"chatcmpl-{self.requests}", "object": "chat.completion", "created": 0,
                     "model": body.get("model", "scripted"),
                     "choices": [{"index": 0, "finish_reason": "tool_calls",
                                  "message": {"role": "assistant", "content": None, "tool_calls": calls}}],
                     "usage": {"prompt_tokens": 400, "completion_tokens": 300, "total_tokens": 700}}

    def __enter__(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
