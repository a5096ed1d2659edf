"""One model call over the ``openai`` client, recorded: messages as sent, the response, tokens,
latency, cost and (when asked) per-token logprobs.

Rate limits (429), server errors (5xx), timeouts and dropped connections are retried with
backoff by the ``openai`` client itself (``max_retries``). A call that still fails raises
:class:`ModelCallFailed`, an infrastructure error: the episode ends and is counted apart from
the agent's failures.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from typing import Any

from swelancer_env.errors import ConfigError, InfrastructureError
from swelancer_env.evaluation.records import ModelCall, TokenUsage
from swelancer_env.llm.prices import PriceTable

__all__ = ["ModelCallFailed", "ModelClient", "redact_images"]


class ModelCallFailed(InfrastructureError):
    """The endpoint did not answer after the client's retries (``record`` says what was sent)."""

    def __init__(self, message: str, record: ModelCall):
        super().__init__(message)
        self.record = record


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
    ):
        import openai

        key = os.environ.get(api_key_env)
        if not key:
            raise ConfigError(
                f"no API key: set {api_key_env} (or name another variable with --api-key-env)"
            )
        self.model = model
        self.prices = prices or PriceTable()
        self.logprobs = logprobs
        self.top_logprobs = top_logprobs
        self.client = openai.OpenAI(
            api_key=key,
            base_url=base_url or os.environ.get("OPENAI_BASE_URL") or None,
            max_retries=max_retries,
            timeout=timeout,
        )

    def complete(self, messages: list[dict[str, Any]], **params: Any) -> tuple[Any, ModelCall]:
        """One chat completion: ``(ChatCompletion, record)``. Parameters whose value is None
        are left out of the request. Raises :class:`ModelCallFailed` after the retries."""
        import openai

        request: dict[str, Any] = {"model": self.model, "messages": messages}
        request.update({k: v for k, v in params.items() if v is not None})
        if self.logprobs:
            request["logprobs"] = True
            if self.top_logprobs:
                request["top_logprobs"] = self.top_logprobs
        started = time.perf_counter()
        try:
            response = self.client.chat.completions.create(**request)
        except openai.APIError as e:
            status = getattr(e, "status_code", None)
            what = f"HTTP {status}" if status else type(e).__name__
            message = (
                f"the model endpoint failed after {self.client.max_retries} retries ({what}): {e}"
            )
            record = ModelCall(
                model=self.model,
                request=redact_images(request),
                latency_s=round(time.perf_counter() - started, 3),
                cost=None,
                error=message[:2000],
            )
            raise ModelCallFailed(message, record) from e
        latency = time.perf_counter() - started
        usage = _usage(response)
        record = ModelCall(
            model=self.model,
            request=redact_images(request),
            response=response.model_dump(mode="json", exclude_none=True),
            usage=usage,
            latency_s=round(latency, 3),
            cost=self.prices.cost(self.model, usage),
            logprobs=_logprobs(response) if self.logprobs else None,
        )
        if record.logprobs is not None and record.response is not None:
            for choice in record.response.get("choices", []):  # kept once, in `logprobs`
                choice.pop("logprobs", None)
        return response, record
