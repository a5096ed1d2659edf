"""One model call over the ``openai`` client, recorded: messages as sent, the response, tokens,
latency, cost and (when asked) per-token logprobs.

Tokens in, tokens out: with ``token_ids=True`` each request carries vLLM's ``return_token_ids``
(and SGLang's ``return_prompt_token_ids``; both ``true``) in the body, and the record keeps
``prompt_token_ids`` (vLLM: the response's top-level ``prompt_token_ids``; SGLang: the choice's),
``completion_token_ids`` (the choice's ``token_ids``: the whole completion, tool-call tokens
included) and, with ``logprobs=True`` too, ``completion_logprobs`` (one per completion id). An
endpoint that returns no ids leaves them None: nothing is made up.

Rate limits (429), server errors (5xx), timeouts and dropped connections are retried with
backoff by the ``openai`` client itself (``max_retries``); each retried attempt is kept in the
record's ``retries`` (its status, error, seconds and the wait after it), seen through the HTTP
client's event hooks. A call that still fails raises one of
these, each with the call's ``record`` and the ``stop_reason`` of the episode it ends::

    ModelCallError                     (SWELancerError)
    ├── ModelCallFailed                (InfrastructureError) "model_error": 5xx, timeouts,
    │                                  connection errors after the retries, other 4xx (a request
    │                                  the harness built wrong): counted apart, rerun by --resume
    ├── ModelContextOverflow           (RuntimeError) "context_overflow": HTTP 400 saying the
    │                                  context or max tokens are exceeded: the agent's failure
    ├── ModelRequestRefused            (RuntimeError) "refusal": the prompt was refused under a
    │                                  content policy: the agent's failure
    └── ModelConfigError               (ConfigError) "config_error": 401/403, 404 (no such model
                                       or path), a bad base URL, no quota: the run stops

:func:`classify_api_error` decides which, from the status, the error's code and its message.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

from swelancer_env.errors import ConfigError, InfrastructureError, SWELancerError
from swelancer_env.evaluation.records import ModelCall, TokenUsage
from swelancer_env.llm.prices import PriceTable

__all__ = [
    "ModelCallError",
    "ModelCallFailed",
    "ModelClient",
    "ModelConfigError",
    "ModelContextOverflow",
    "ModelRequestRefused",
    "classify_api_error",
    "redact_images",
]


class ModelCallError(SWELancerError):
    """A model call that did not give a reply (``record`` says what was sent and why)."""

    #: why the episode this error ends ended (``EpisodeResult.stop_reason``)
    stop_reason: ClassVar[str] = "model_error"

    def __init__(self, message: str, record: ModelCall):
        super().__init__(message)
        self.record = record


class ModelCallFailed(ModelCallError, InfrastructureError):
    """The endpoint failed (5xx, a timeout, a connection error) after the client's retries: an
    infrastructure error, counted apart from the agent's failures."""

    stop_reason = "model_error"


class ModelContextOverflow(ModelCallError, RuntimeError):
    """The conversation is over the model's context window (or its max tokens): the agent's
    failure, as its context is its own doing."""

    stop_reason = "context_overflow"


class ModelRequestRefused(ModelCallError, RuntimeError):
    """The endpoint refused the prompt under its content policy: the agent's failure."""

    stop_reason = "refusal"


class ModelConfigError(ModelCallError, ConfigError):
    """The endpoint refused the run's settings (the key, the model, the base URL, the quota):
    every episode would fail alike, so an evaluation stops at once; the message says the fix."""

    stop_reason = "config_error"


_OVERFLOW_CODES = {"context_length_exceeded"}
_OVERFLOW = re.compile(
    r"context[_ ]length[_ ]exceeded|maximum context length|context (?:length|window)|"
    r"too many (?:input )?tokens|prompt is too long|input is too long|"
    r"max(?:imum)?[_ ](?:completion[_ ])?tokens.{0,60}(?:too large|exceed)|reduce the length",
    re.IGNORECASE,
)
_POLICY_CODES = {"invalid_prompt", "content_filter", "content_policy_violation"}
_POLICY = re.compile(r"content (?:management )?policy|flagged as potentially violating", re.I)
_BAD_URL_CAUSES = {"UnsupportedProtocol", "InvalidURL"}


def _key_hint(api_key_env: str) -> str:
    if api_key_env == "OPENAI_API_KEY":
        return "OPENAI_API_KEY (or the variable given by --api-key-env)"
    return f"{api_key_env} (the variable given by --api-key-env)"


def _detail(error: Any) -> str:
    """The endpoint's own words: the error body's message (OpenAI's or vLLM's shape)."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:1000]
    elif isinstance(body, str) and body.strip():
        return body.strip()[:1000]
    return str(getattr(error, "message", None) or error)[:1000]


def classify_api_error(
    error: Exception,
    *,
    model: str,
    api_key_env: str = "OPENAI_API_KEY",
    base_url: str = "",
    retries: int = 0,
) -> tuple[type[ModelCallError], str]:
    """Which :class:`ModelCallError` an ``openai`` error is, and its message (with the fix)."""
    status = getattr(error, "status_code", None)
    code = str(getattr(error, "code", None) or "")
    detail = _detail(error)
    said = f"HTTP {status}{' ' + code if code and code != str(status) else ''}: {detail}"
    if status in (400, 413, 422) and (code in _OVERFLOW_CODES or _OVERFLOW.search(detail)):
        return ModelContextOverflow, (
            f"the conversation is over the model's context window ({said}); the agent's "
            "context is its own: a failure, not an infrastructure error"
        )
    if status == 400 and (code in _POLICY_CODES or _POLICY.search(detail)):
        return ModelRequestRefused, f"the endpoint refused the prompt ({said})"
    if status == 401:
        return ModelConfigError, (
            f"the model endpoint refused the key ({said}): set {_key_hint(api_key_env)} to a "
            "valid key"
        )
    if status == 403:
        return ModelConfigError, (
            f"the model endpoint denied access ({said}): the key in {api_key_env} may not use "
            f"model {model!r} at {base_url}; use a key that may, or another --model"
        )
    if status in (404, 405):
        return ModelConfigError, (
            f"the model endpoint at {base_url} has no model {model!r} or no chat completions "
            f"there ({said}): check --model (the endpoint lists its models at "
            f"{base_url.rstrip('/')}/models) and --base-url (or OPENAI_BASE_URL; an "
            "OpenAI-compatible base URL usually ends in /v1)"
        )
    if status == 429 and code == "insufficient_quota":
        return ModelConfigError, (
            f"the model endpoint says the account has no quota left ({said}): add credit to "
            f"the account of the key in {api_key_env}, or use another key"
        )
    cause = error.__cause__
    if status is None and type(cause).__name__ in _BAD_URL_CAUSES:
        return ModelConfigError, (
            f"the model endpoint's base URL {base_url!r} is not usable ({cause}): set "
            "--base-url (or OPENAI_BASE_URL) to an http(s) URL, e.g. https://api.openai.com/v1"
        )
    what = f"HTTP {status}" if status else type(error).__name__
    because = f" ({type(cause).__name__}: {cause})" if cause is not None and not status else ""
    once = status is not None and 400 <= status < 500 and status not in (408, 409, 429)
    tries = "(a 4xx is not retried)" if once else f"after {retries} retries"
    return ModelCallFailed, f"the model endpoint failed {tries} ({what}): {error}{because}"


def _check_base_url(base_url: str | None) -> None:
    if base_url is None:
        return
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"the model endpoint's base URL {base_url!r} is not an http(s) URL: set --base-url "
            "(or OPENAI_BASE_URL) to one, e.g. https://api.openai.com/v1 or "
            "http://127.0.0.1:8000/v1"
        )


def redact_images(value: Any) -> Any:
    """``value`` with every ``data:`` URL replaced by a marker naming its type, size and SHA-256
    (a trajectory keeps the screenshot as a PNG file, not as base64 in every request)."""
    if isinstance(value, dict):
        return {k: redact_images(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_images(v) for v in value]
    if isinstance(value, str) and value.startswith("data:") and ";base64," in value:
        head, data = value.split(";base64,", 1)
        raw = base64.b64decode(data, validate=False)
        digest = hashlib.sha256(raw).hexdigest()[:16]
        return f"[{head[5:]} image, {len(raw):,} bytes, sha256 {digest}]"
    return value


def _usage(response: Any) -> TokenUsage:
    u = getattr(response, "usage", None)
    if u is None:
        return TokenUsage()
    details = getattr(u, "completion_tokens_details", None)
    prompt_details = getattr(u, "prompt_tokens_details", None)
    return TokenUsage(
        prompt=u.prompt_tokens or 0,
        completion=u.completion_tokens or 0,
        reasoning=(getattr(details, "reasoning_tokens", None) or 0) if details else 0,
        cached=(getattr(prompt_details, "cached_tokens", None) or 0) if prompt_details else 0,
    )


#: the request fields that ask for token ids: vLLM (>= 0.10.2) reads ``return_token_ids``
#: (ChatCompletionRequest in vllm/entrypoints/openai/protocol.py), SGLang reads both
#: (python/sglang/srt/entrypoints/openai/protocol.py); each server ignores what it does not know
TOKEN_ID_REQUEST = {"return_token_ids": True, "return_prompt_token_ids": True}


def _ids(value: Any) -> list[int] | None:
    if isinstance(value, list) and all(type(v) is int for v in value):
        return list(value)
    return None


def token_ids(dumped: dict[str, Any]) -> tuple[list[int] | None, list[int] | None]:
    """``(prompt ids, completion ids)`` of a dumped chat completion, each None when absent.

    vLLM puts ``prompt_token_ids`` on the response and ``token_ids`` on each choice; SGLang puts
    both on the choice. Either shape is read."""
    choices = dumped.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    prompt = _ids(dumped.get("prompt_token_ids"))
    if prompt is None:
        prompt = _ids(choice.get("prompt_token_ids"))
    return prompt, _ids(choice.get("token_ids"))


def _logprobs(response: Any) -> list[dict[str, Any]] | None:
    choice = response.choices[0] if getattr(response, "choices", None) else None
    lp = getattr(choice, "logprobs", None)
    if lp is None or lp.content is None:
        return None
    return [
        {
            "token": t.token,
            "logprob": t.logprob,
            "top_logprobs": [
                {"token": a.token, "logprob": a.logprob} for a in t.top_logprobs or []
            ],
        }
        for t in lp.content
    ]


class ModelClient:
    """Chat completions from any OpenAI-compatible endpoint, each call a :class:`ModelCall`.

    Args:
        model: the model name the endpoint knows.
        base_url: the endpoint (default: ``OPENAI_BASE_URL``, else OpenAI's).
        api_key_env: the environment variable holding the key.
        max_retries: the ``openai`` client's retries of 429, 5xx, timeouts, connection errors.
        timeout: seconds per request.
        prices: the price table (default: :data:`~swelancer_env.llm.prices.DEFAULT_PRICES`).
        logprobs: ask for per-token logprobs (``top_logprobs`` alternatives each) and keep them.
        token_ids: ask for the prompt's and the completion's token ids (vLLM's
            ``return_token_ids``, SGLang's too) and keep them (see the module's docstring).
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        max_retries: int = 4,
        timeout: float = 300.0,
        prices: PriceTable | None = None,
        logprobs: bool = False,
        top_logprobs: int = 0,
        token_ids: bool = False,
    ):
        import openai

        key = os.environ.get(api_key_env)
        if not key:
            raise ConfigError(
                f"no API key: set {api_key_env} (or name another variable with --api-key-env)"
            )
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        _check_base_url(base_url)
        self.model = model
        self.api_key_env = api_key_env
        self.prices = prices or PriceTable()
        self.logprobs = logprobs
        self.top_logprobs = top_logprobs
        self.token_ids = token_ids
        #: this call's HTTP attempts so far (the event hooks fill it)
        self._attempts: list[dict[str, Any]] = []
        self.client = openai.OpenAI(
            api_key=key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            http_client=openai.DefaultHttpxClient(
                event_hooks={"request": [self._on_request], "response": [self._on_response]}
            ),
        )

    def _on_request(self, request: Any) -> None:
        self._attempts.append({"sent": time.perf_counter(), "done": None, "status": None})

    def _on_response(self, response: Any) -> None:
        if not self._attempts:
            return
        attempt = self._attempts[-1]
        attempt["done"], attempt["status"] = time.perf_counter(), response.status_code
        if response.status_code >= 400:
            try:  # an error body is small; the client reads it again from the cache
                response.read()
                attempt["error"] = response.text[:500]
            except Exception:  # noqa: BLE001 - the trace is best effort, the call goes on
                attempt["error"] = None

    def _retries(self) -> list[dict[str, Any]]:
        """The attempts of the call just made that were retried (all but the last)."""
        out = []
        tried = self._attempts
        for this, after in zip(tried, tried[1:], strict=False):
            ended = this["done"] if this["done"] is not None else after["sent"]
            out.append(
                {
                    "status": this["status"],
                    "error": this.get("error")
                    or (
                        None
                        if this["status"]
                        else "no response (a timeout or a dropped connection)"
                    ),
                    "seconds": round(ended - this["sent"], 3),
                    "wait_s": round(max(0.0, after["sent"] - ended), 3),
                }
            )
        return out

    def complete(self, messages: list[dict[str, Any]], **params: Any) -> tuple[Any, ModelCall]:
        """One chat completion: ``(ChatCompletion, record)``. Parameters whose value is None
        are left out of the request.

        Raises:
            ModelCallError: the call gave no reply, after the retries: a
                :class:`ModelCallFailed`, :class:`ModelContextOverflow`,
                :class:`ModelRequestRefused` or :class:`ModelConfigError`.
        """
        import openai

        request: dict[str, Any] = {"model": self.model, "messages": messages}
        request.update({k: v for k, v in params.items() if v is not None})
        if self.logprobs:
            request["logprobs"] = True
            if self.top_logprobs:
                request["top_logprobs"] = self.top_logprobs
        extra = dict(TOKEN_ID_REQUEST) if self.token_ids else {}
        sent: dict[str, Any] = dict(request)
        if extra:  # fields the openai client does not know go in the body as they are
            sent["extra_body"] = extra
        started = time.perf_counter()
        self._attempts = []
        try:
            response = self.client.chat.completions.create(**sent)
        except openai.APIError as e:
            kind, message = classify_api_error(
                e,
                model=self.model,
                api_key_env=self.api_key_env,
                base_url=str(self.client.base_url),
                retries=self.client.max_retries,
            )
            record = ModelCall(
                model=self.model,
                request=redact_images({**request, **extra}),
                latency_s=round(time.perf_counter() - started, 3),
                cost=None,
                error=message[:2000],
                retries=self._retries(),
            )
            raise kind(message, record) from e
        latency = time.perf_counter() - started
        usage = _usage(response)
        dumped = response.model_dump(mode="json", exclude_none=True)
        prompt_ids, completion_ids = token_ids(dumped) if self.token_ids else (None, None)
        record = ModelCall(
            model=self.model,
            request=redact_images({**request, **extra}),
            response=dumped,
            usage=usage,
            latency_s=round(latency, 3),
            cost=self.prices.cost(self.model, usage),
            logprobs=_logprobs(response) if self.logprobs else None,
            prompt_token_ids=prompt_ids,
            completion_token_ids=completion_ids,
            retries=self._retries(),
        )
        if completion_ids is not None and record.logprobs is not None:
            values = [e["logprob"] for e in record.logprobs]
            if len(values) == len(completion_ids):  # one per completion token, or none
                record.completion_logprobs = [float(v) for v in values]
        if self.token_ids and record.response is not None:  # kept once, in the record's fields
            record.response.pop("prompt_token_ids", None)
            for choice in record.response.get("choices", []):
                choice.pop("prompt_token_ids", None)
                choice.pop("token_ids", None)
        if record.logprobs is not None and record.response is not None:
            for choice in record.response.get("choices", []):  # kept once, in `logprobs`
                choice.pop("logprobs", None)
        return response, record
