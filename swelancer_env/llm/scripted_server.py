"""A scripted OpenAI-compatible HTTP server: a test double for agents that use the `openai` client.

The server listens on 127.0.0.1 and answers ``POST /v1/chat/completions`` from a script of replies:
tool calls (well-formed or with arguments that are not JSON), plain text, refusals, error
statuses (429, 500, ...; with the error's message and code, or a whole error body of another
server's shape) and slow answers. The real ``openai`` client talks to it over real HTTP,
so its parsing, retries and timeouts are exercised as they are against the real API.

Every request consumes the next reply of its conversation's script, error and slow replies
included: ``[{"status": 429}, {"content": "hi"}]`` answers the first request with a 429 and the
client's own retry with "hi". A conversation is keyed by the first two messages (stopping at the
first assistant or tool message) and the request's ``seed``, so concurrent conversations, even
from different processes, each get their replies in order.

Example:
    >>> import openai
    >>> with ScriptedOpenAIServer([{"status": 429}, {"content": "hello"}]) as server:
    ...     client = openai.OpenAI(base_url=server.base_url, api_key="test")
    ...     reply = client.chat.completions.create(
    ...         model="m", messages=[{"role": "user", "content": "hi"}]
    ...     )
    >>> reply.choices[0].message.content
    'hello'
    >>> len(server.requests)  # the 429 and the client's retry
    2

From the command line, with a script file (see :func:`load_scripts` for its format)::

    python -m swelancer_env.llm.scripted_server --script replies.json --port 8765

Token ids (tokens in, tokens out). Given a Hugging Face ``tokenizers`` file (``tokenizer=PATH``,
``--tokenizer PATH``: a tokenizer.json), a request with vLLM's ``"return_token_ids": true`` (or
SGLang's ``"return_prompt_token_ids": true``) gets vLLM's fields back: ``prompt_token_ids`` on
the response, ``token_ids`` on the choice, usage counted from them, and with ``logprobs`` one
logprob per completion token (``-((id % 10) + 1) / 20``: deterministic), tool-call tokens
included. Both are tokenized with one fixed chat template (:data:`CHAT_TEMPLATE`)::

    prompt     = for each message: "<|im_start|>" role "\n" body "<|im_end|>"
                 then "<|im_start|>" "assistant\n"            (the generation prompt)
    completion = body "<|im_end|>"
    body       = the content's text (an image part is "<image>"), then for each tool call
                 "<tool_call>" json.dumps({"name": name, "arguments": arguments}) "</tool_call>"
                 (``arguments`` the JSON string as sent); a refusal's body is its text

Each quoted piece is tokenized on its own and the ids joined, so message boundaries are token
boundaries: an assistant message sent back as it came renders to exactly its completion's ids,
and a conversation that only grows has prompts that only grow. Without a tokenizer, or without
the request field, the server answers as it always did (no ids).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from swelancer_env.errors import ConfigError

__all__ = ["Reply", "Script", "ScriptedOpenAIServer", "load_scripts"]

log = logging.getLogger(__name__)

_LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1"}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    503: "service_unavailable",
}
_ERROR_CODES = {429: "rate_limit_exceeded", 500: "server_error", 503: "service_unavailable"}
# 429 answers ask for a 20 ms backoff; the client prefers retry-after-ms over retry-after.
_RETRY_HEADERS = {"retry-after-ms": "20", "retry-after": "0"}


class ToolCall(BaseModel):
    """One scripted tool call: a dict of arguments is JSON-encoded, a string is sent verbatim."""

    model_config = ConfigDict(extra="forbid")

    name: str
    arguments: dict[str, Any] | str = Field(default_factory=dict)

    def encoded_arguments(self) -> str:
        """The arguments as the API sends them: a JSON string (or the scripted string as is)."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


class Reply(BaseModel):
    """One scripted answer to one request.

    A 200 reply carries ``content``, ``tool_calls`` or a ``refusal``; a 4xx/5xx reply carries only
    its error: OpenAI's shape ``{"error": {"message", "type", "param", "code"}}`` from ``message``
    and ``code`` (default: one for the status, e.g. ``{"status": 400, "code":
    "context_length_exceeded"}``), or ``body``, sent as it is (e.g. vLLM's ``{"object": "error",
    "message": "This model's maximum context length is ...", "code": 400}``). ``delay_s``
    delays any reply; ``usage`` overrides the usage block.
    """

    model_config = ConfigDict(extra="forbid")

    content: str | None = None
    tool_calls: list[ToolCall] | None = None
    refusal: str | None = None
    status: int = 200
    message: str | None = None
    code: str | None = None
    body: dict[str, Any] | None = None
    delay_s: float = Field(default=0.0, ge=0)
    usage: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> Reply:
        if self.status != 200 and not 400 <= self.status <= 599:
            raise ValueError(f"status must be 200 or an error status 400-599, got {self.status}")
        answers = self.content is not None or bool(self.tool_calls) or self.refusal is not None
        if self.status != 200 and answers:
            raise ValueError(
                f"a status {self.status} reply is an error: it takes `message`, not content, "
                "tool_calls or refusal; script the answer as the next reply"
            )
        if self.status == 200 and self.message is not None:
            raise ValueError(
                "`message` is the error text of a 4xx/5xx reply; use `content` for assistant text"
            )
        if self.status == 200 and (self.code is not None or self.body is not None):
            raise ValueError("`code` and `body` make a 4xx/5xx reply's error: give a `status`")
        if self.body is not None and (self.message is not None or self.code is not None):
            raise ValueError(
                "`body` is the whole error body, sent as it is: put the message and code in it, "
                "or drop `body` to have them in OpenAI's shape"
            )
        if self.refusal is not None and (self.content is not None or self.tool_calls):
            raise ValueError("a refusal comes without content or tool_calls; drop one of them")
        return self


class Script(BaseModel):
    """The replies for the conversations whose system or first user message contains ``match``.

    ``match=None`` matches every conversation.
    """

    model_config = ConfigDict(extra="forbid")

    match: str | None = None
    replies: list[Reply]

    def describe(self) -> str:
        """How error messages name this script."""
        return "every conversation" if self.match is None else repr(self.match)


_ScriptsLike = Sequence[Reply | Script | Mapping[str, Any]]


def _as_scripts(scripts: _ScriptsLike) -> list[Script]:
    """A list of scripts from a list of replies (one script for all) or a list of scripts."""
    if isinstance(scripts, str | bytes | Mapping | BaseModel):
        raise ConfigError(
            f"scripts must be a list of replies or a list of Script, got {type(scripts).__name__}"
        )
    items = list(scripts)
    if not items:
        raise ConfigError(
            "no scripts: pass a list of replies (one script for every conversation) "
            "or a list of Script(match=..., replies=[...])"
        )
    is_script = [
        isinstance(x, Script) or (isinstance(x, Mapping) and "replies" in x) for x in items
    ]
    if all(is_script):
        return [x if isinstance(x, Script) else Script.model_validate(x) for x in items]
    if any(is_script):
        raise ConfigError(
            "scripts mixes replies and scripts: pass either a list of replies "
            "or a list of Script(match=..., replies=[...])"
        )
    return [Script(match=None, replies=[Reply.model_validate(x) for x in items])]


def load_scripts(path: str | os.PathLike[str]) -> list[Script]:
    """Read scripts from a JSON file.

    The file holds ``{"scripts": [{"match": "...", "replies": [...]}, ...]}`` or a bare list of
    replies (one script for every conversation). A reply is an object with the fields of
    :class:`Reply`, for example ``{"tool_calls": [{"name": "shell", "arguments": {"command":
    "ls"}}]}``, ``{"content": "done"}``, ``{"status": 429}``, ``{"status": 400, "code":
    "context_length_exceeded", "message": "..."}`` or ``{"delay_s": 0.5, "content": "slow"}``.

    Raises:
        ConfigError: the file is not JSON or not in that format (the message names the file).
        FileNotFoundError: there is no such file.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not a JSON file of scripted replies ({err})") from err
    if isinstance(data, dict):
        if set(data) != {"scripts"} or not isinstance(data["scripts"], list):
            raise ConfigError(
                f'{path}: expected {{"scripts": [{{"match": ..., "replies": [...]}}]}} '
                f"or a list of replies, got an object with keys {sorted(data)}"
            )
        try:
            scripts = [Script.model_validate(x) for x in data["scripts"]]
        except ValidationError as err:
            raise ConfigError(f"{path}: invalid script: {err}") from err
        if not scripts:
            raise ConfigError(f'{path}: "scripts" is empty; add at least one script')
        return scripts
    if not isinstance(data, list):
        raise ConfigError(
            f"{path}: expected a list of replies or an object with a scripts list, "
            f"got {type(data).__name__}"
        )
    try:
        return _as_scripts(data)
    except ValidationError as err:
        raise ConfigError(f"{path}: invalid script: {err}") from err
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from err


def _text(content: Any, sep: str = "\n", image: str | None = None) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts joined
    by ``sep`` (an image part as ``image``, left out when None)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    out = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            if image is not None:
                out.append(image)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            out.append(part["text"])
    return sep.join(out)


def _conversation_key(body: Mapping[str, Any]) -> str:
    """The first two messages (up to the first assistant or tool message) and the seed, hashed."""
    opening: list[Any] = []
    for message in body["messages"][:2]:
        if isinstance(message, dict) and message.get("role") in ("assistant", "tool"):
            break
        opening.append(message.get("content") if isinstance(message, dict) else message)
    blob = json.dumps([opening, body.get("seed")], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _matched_text(messages: list[Any]) -> str:
    """The text a script's ``match`` is looked for in: the system and first user messages."""
    found: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        kind = "system" if role in ("system", "developer") else role
        if kind in ("system", "user") and kind not in found:
            found[kind] = _text(message.get("content"))
    return "\n".join(found.values())


def _logprobs(text: str, top: int) -> list[dict[str, Any]]:
    """Deterministic logprobs: whitespace-led tokens that join back into ``text``."""
    entries = []
    for i, token in enumerate(re.findall(r"\s*\S+|\s+", text)):
        logprob = -(i % 5) / 10
        alternatives = [
            {"token": token, "logprob": logprob, "bytes": list(token.encode())},
            *(
                {"token": f"<alt{k}>", "logprob": logprob - k, "bytes": list(f"<alt{k}>".encode())}
                for k in range(1, top)
            ),
        ]
        entries.append(
            {
                "token": token,
                "logprob": logprob,
                "bytes": list(token.encode()),
                "top_logprobs": alternatives[:top],
            }
        )
    return entries


_START, _END = "<|im_start|>", "<|im_end|>"
_CALL_OPEN, _CALL_CLOSE = "<tool_call>", "</tool_call>"
_IMAGE = "<image>"
#: the markers of the fixed chat template (see the module's docstring)
CHAT_TEMPLATE: dict[str, str] = {
    "start": _START,
    "end": _END,
    "tool_call_open": _CALL_OPEN,
    "tool_call_close": _CALL_CLOSE,
    "image": _IMAGE,
}


def _body_pieces(content: Any, tool_calls: Any) -> list[str]:
    """The body of a message in the chat template, as the pieces tokenized one by one."""
    pieces = [_text(content, sep="", image=_IMAGE)]
    for call in tool_calls or []:
        function = call.get("function", {}) if isinstance(call, dict) else {}
        blob = json.dumps({"name": function.get("name"), "arguments": function.get("arguments")})
        pieces.append(_CALL_OPEN + blob + _CALL_CLOSE)
    return [p for p in pieces if p]


def _prompt_pieces(messages: list[Any]) -> list[str]:
    pieces: list[str] = []
    for m in messages:
        if not isinstance(m, dict):
            continue
        pieces += [_START, f"{m.get('role')}\n"]
        pieces += _body_pieces(m.get("content"), m.get("tool_calls"))
        pieces.append(_END)
    return pieces + [_START, "assistant\n"]


def completion_text(content: str | None, tool_calls: list[dict[str, Any]] | None) -> str:
    """What a completion's ids decode to: its body and the end marker (tool calls in the
    ``{"function": {"name", "arguments"}}`` shape of the API)."""
    return "".join(_body_pieces(content, tool_calls)) + _END


@dataclass
class _Conversation:
    script: int
    cursor: int = 0
    tool_calls: int = 0


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def _error(status: int, message: str, code: str | None = None) -> _Answer:
    error_type = _ERROR_TYPES.get(
        status, "server_error" if status >= 500 else "invalid_request_error"
    )
    body = {"error": {"message": message, "type": error_type, "param": None, "code": code}}
    return _Answer(status, body, dict(_RETRY_HEADERS) if status == 429 else {})


class ScriptedOpenAIServer:
    """An OpenAI-compatible chat completions server on 127.0.0.1 that plays scripted replies.

    Args:
        scripts: a list of replies (one script for every conversation), or a list of
            :class:`Script` whose ``match`` picks the conversations it answers (first match wins).
            Replies and scripts may be given as dicts of their fields.
        model: the model listed by ``GET /v1/models``.
        host: the loopback address to bind ("127.0.0.1" or "localhost"); nothing else is allowed.
        port: the port; 0 picks a free one.
        tokenizer: a Hugging Face ``tokenizers`` file (tokenizer.json): requests asking for
            token ids (vLLM's ``return_token_ids``) get them (see the module's docstring).

    Attributes:
        requests: (a property) a copy of the requests received so far, each a dict with ``path``,
            ``body`` (the parsed JSON, or None), ``conversation`` (its key, or None) and
            ``entry`` (the index of the reply served, or None when the server answered itself).

    Raises:
        ConfigError: no scripts, a mix of replies and scripts, or a host that is not loopback.
        pydantic.ValidationError: a reply or script given as a dict has a bad field.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        scripts: _ScriptsLike,
        model: str = "scripted-model",
        host: str = "127.0.0.1",
        port: int = 0,
        tokenizer: str | os.PathLike[str] | None = None,
    ) -> None:
        if host not in _LOOPBACK:
            raise ConfigError(
                f"the scripted server binds the loopback interface only; got host={host!r}, "
                "use '127.0.0.1'"
            )
        self.scripts = _as_scripts(scripts)
        self.model = model
        self.tokenizer: Any = None
        if tokenizer is not None:
            try:
                from tokenizers import Tokenizer
            except ImportError as err:  # pragma: no cover - an optional dependency
                raise ConfigError(
                    "--tokenizer needs the `tokenizers` package: pip install tokenizers"
                ) from err
            try:
                self.tokenizer = Tokenizer.from_file(str(tokenizer))
            except Exception as err:
                raise ConfigError(f"{tokenizer}: not a tokenizers file ({err})") from err
        self._address = (_LOOPBACK[host], port)
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._conversations: dict[str, _Conversation] = {}
        self._served = 0
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> ScriptedOpenAIServer:
        """Bind the port and serve in a background thread."""
        if self._httpd is not None:
            raise RuntimeError("the scripted server is already running")
        self._stopping.clear()
        httpd = _HTTPServer(self._address, self)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"scripted-openai-server:{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wait for the threads, close the socket. Safe to call twice."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stopping.set()  # cuts short the delays of slow replies
        httpd.shutdown()
        httpd.server_close()  # joins the request threads
        if thread is not None:
            thread.join()
        self._httpd = self._thread = None

    def is_alive(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> ScriptedOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (the server must be running)."""
        if self._httpd is None:
            raise RuntimeError("the scripted server is not running: call start() or use `with`")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The URL to give the client: ``http://127.0.0.1:<port>/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    # answering

    def _record(self, path: str, body: Any, conversation: str | None, entry: int | None) -> None:
        record = {"path": path, "body": body, "conversation": conversation, "entry": entry}
        with self._lock:
            self._requests.append(record)

    def _answer(self, method: str, raw_path: str, raw_body: bytes) -> _Answer:
        path = urlsplit(raw_path).path.rstrip("/")
        if method == "POST" and path == "/v1/chat/completions":
            return self._chat(path, raw_body)
        self._record(path, None, None, None)
        if method == "GET" and path == "/v1/models":
            model = {"id": self.model, "object": "model", "created": 0, "owned_by": "scripted"}
            return _Answer(200, {"object": "list", "data": [model]})
        return _error(
            404,
            f"unknown path {method} {path}: the scripted server answers "
            "POST /v1/chat/completions and GET /v1/models",
            "not_found",
        )

    def _chat(self, path: str, raw_body: bytes) -> _Answer:
        try:
            body = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError) as err:
            self._record(path, None, None, None)
            return _error(400, f"the request body is not JSON: {err}", "invalid_json")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self._record(path, body, None, None)
            return _error(
                400, "expected a JSON object with a 'messages' list", "invalid_request_body"
            )
        if not body["messages"]:
            self._record(path, body, None, None)
            return _error(400, "'messages' is empty: send at least one message", "empty_messages")
        key = _conversation_key(body)
        if body.get("stream"):
            self._record(path, body, key, None)
            return _error(400, "streaming is not supported by the scripted server", "stream")
        with self._lock:
            conversation = self._conversations.get(key)
            if conversation is None:
                text = _matched_text(body["messages"])
                index = next(
                    (i for i, s in enumerate(self.scripts) if s.match is None or s.match in text),
                    None,
                )
                if index is not None:
                    conversation = self._conversations[key] = _Conversation(index)
            record: dict[str, Any] = {
                "path": path,
                "body": body,
                "conversation": key,
                "entry": None,
            }
            self._requests.append(record)
            if conversation is None:
                matches = [s.match for s in self.scripts]
                return _error(
                    400,
                    f"no script matches this conversation: none of {matches!r} occurs in its "
                    f"system or first user message (which begin {text[:200]!r}); add a script "
                    "with a match string from them, or one with match=None",
                    "no_matching_script",
                )
            script = self.scripts[conversation.script]
            if conversation.cursor >= len(script.replies):
                return _error(
                    400,
                    f"the script matching {script.describe()} has no reply left after "
                    f"{len(script.replies)} replies; add replies to the script, or check why "
                    "the agent asked again",
                    "script_exhausted",
                )
            record["entry"] = conversation.cursor
            reply = script.replies[conversation.cursor]
            conversation.cursor += 1
            first_call = conversation.tool_calls
            conversation.tool_calls += len(reply.tool_calls or [])
            self._served += 1
            served = self._served
        answer = self._render(reply, body, first_call, served)
        answer.delay_s = reply.delay_s
        return answer

    def _render(self, reply: Reply, body: dict[str, Any], first_call: int, served: int) -> _Answer:
        if reply.status != 200:
            if reply.body is not None:
                return _Answer(reply.status, dict(reply.body))
            message = reply.message or f"scripted {reply.status} reply"
            return _error(reply.status, message, reply.code or _ERROR_CODES.get(reply.status))
        tool_calls: list[dict[str, Any]] = [
            {
                "id": f"call_{first_call + k + 1}",
                "type": "function",
                "function": {"name": call.name, "arguments": call.encoded_arguments()},
            }
            for k, call in enumerate(reply.tool_calls or [])
        ]
        choice: dict[str, Any] = {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": reply.content,
                "tool_calls": tool_calls or None,
                "refusal": reply.refusal,
            },
            "finish_reason": "tool_calls" if tool_calls else "stop",
            "logprobs": None,
        }
        wants_ids = (
            body.get("return_token_ids") is True or body.get("return_prompt_token_ids") is True
        )
        ids = self._token_ids(reply, body, tool_calls) if wants_ids else None
        if body.get("logprobs") is True:
            top = body.get("top_logprobs")
            top = min(max(top, 0), 20) if isinstance(top, int) else 0
            if ids is not None:
                entries = self._id_logprobs(ids[1], top)
                key = "content" if reply.refusal is None else "refusal"
                choice["logprobs"] = {"content": None, "refusal": None, key: entries}
            elif reply.refusal is None:
                choice["logprobs"] = {
                    "content": _logprobs(reply.content or "", top),
                    "refusal": None,
                }
            else:
                choice["logprobs"] = {"content": None, "refusal": _logprobs(reply.refusal, top)}
        written = (reply.content or "") + (reply.refusal or "")
        written += "".join(c["function"]["name"] + c["function"]["arguments"] for c in tool_calls)
        usage: dict[str, Any] = {
            "prompt_tokens": max(1, len(json.dumps(body["messages"])) // 4),
            "completion_tokens": max(1, len(written) // 4),
            "completion_tokens_details": {"reasoning_tokens": 0},
            "prompt_tokens_details": {"cached_tokens": 0},
        }
        if ids is not None:
            usage["prompt_tokens"], usage["completion_tokens"] = len(ids[0]), len(ids[1])
            choice["token_ids"] = ids[1]
        usage.update(reply.usage or {})
        if "total_tokens" not in (reply.usage or {}):
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        completion = {
            "id": f"chatcmpl-scripted-{served}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "system_fingerprint": "scripted",
            "choices": [choice],
            "usage": usage,
        }
        if ids is not None:
            completion["prompt_token_ids"] = ids[0]
        return _Answer(200, completion)

    def _encode(self, pieces: list[str]) -> list[int]:
        out: list[int] = []
        for piece in pieces:
            out += self.tokenizer.encode(piece, add_special_tokens=False).ids
        return out

    def _token_ids(
        self, reply: Reply, body: dict[str, Any], tool_calls: list[dict[str, Any]]
    ) -> tuple[list[int], list[int]] | None:
        """``(prompt ids, completion ids)`` by the fixed chat template; None without a
        tokenizer (then the answer has no ids, as an endpoint without the feature)."""
        if self.tokenizer is None:
            return None
        prompt = self._encode(_prompt_pieces(body["messages"]))
        text = reply.refusal if reply.refusal is not None else reply.content
        completion = self._encode(_body_pieces(text, tool_calls) + [_END])
        return prompt, completion

    def _id_logprobs(self, ids: list[int], top: int) -> list[dict[str, Any]]:
        """One entry per completion token: the token's text and ``-((id % 10) + 1) / 20``."""
        entries = []
        for token_id in ids:
            token = self.tokenizer.decode([token_id], skip_special_tokens=False)
            logprob = -((token_id % 10) + 1) / 20
            alternatives = [
                {"token": token, "logprob": logprob, "bytes": list(token.encode())},
                *(
                    {
                        "token": f"<alt{k}>",
                        "logprob": logprob - k,
                        "bytes": list(f"<alt{k}>".encode()),
                    }
                    for k in range(1, top)
                ),
            ]
            entries.append(
                {
                    "token": token,
                    "logprob": logprob,
                    "bytes": list(token.encode()),
                    "top_logprobs": alternatives[:top],
                }
            )
        return entries


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # never keeps the process alive; server_close() still joins them

    def __init__(self, address: tuple[str, int], owner: ScriptedOpenAIServer) -> None:
        super().__init__(address, _Handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("scripted server: error while answering %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # seconds a silent connection may hold a request thread
    server_version = "ScriptedOpenAI/1"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length > 0 else b""
        owner = cast(_HTTPServer, self.server).owner
        answer = owner._answer(method, self.path, raw_body)
        if answer.delay_s > 0:
            owner._stopping.wait(answer.delay_s)
        data = json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            log.debug("scripted server: the client left before the answer to %s", self.path)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("scripted server: " + format, *args)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a script file until interrupted (Ctrl-C or SIGTERM)."""
    parser = argparse.ArgumentParser(
        prog="python -m swelancer_env.llm.scripted_server",
        description="Serve scripted chat completions on 127.0.0.1 for the openai client.",
    )
    parser.add_argument("--script", required=True, type=Path, help="a JSON file of scripts")
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    parser.add_argument("--model", default="scripted-model", help="the model to list")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        help="a tokenizers file (tokenizer.json): answer vLLM's return_token_ids with real ids",
    )
    args = parser.parse_args(argv)
    try:
        scripts = load_scripts(args.script)
    except (ConfigError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    try:
        server = ScriptedOpenAIServer(
            scripts, model=args.model, port=args.port, tokenizer=args.tokenizer
        )
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with server:
        print(server.base_url, flush=True)
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
