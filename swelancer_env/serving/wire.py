"""What goes over the wire, both ways: observations as OpenEnv's clients read them.

A reply to ``reset`` or ``step`` is OpenEnv's observation payload::

    {"observation": {"output": ..., "exit_code": 0, "screenshot": {"png_base64": ..., "shape": [...]},
                     "metadata": {...}},
     "reward": 0.0, "done": false,
     "metadata": {"terminated": false, "truncated": false, "info": {...}}}

The reward is always a number (0.0 when nothing was earned). ``screenshot`` is left out when the
server's envs give text observations; ``info`` is the env's info with arrays made JSON (a
screenshot in it becomes a PNG too).

A message to the server is read with :func:`parse_message`: at most ``max_bytes`` (default
:data:`MAX_MESSAGE_BYTES`), nested at most :data:`MAX_DEPTH` deep, strict JSON; anything else
raises :class:`BadMessage`, which the server answers with ``INVALID_JSON``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from typing import Any

import numpy as np

__all__ = [
    "MAX_DEPTH",
    "MAX_MESSAGE_BYTES",
    "TOKEN_ENV",
    "BadMessage",
    "decode_png",
    "encode_png",
    "from_payload",
    "observation_payload",
    "parse_message",
    "to_json",
]

#: the environment variable that holds the server's token, read by ``serve`` and the client
TOKEN_ENV = "SWELANCER_SERVE_TOKEN"
#: the largest message the server reads by default, in bytes (``serve --max-message-bytes``)
MAX_MESSAGE_BYTES = 4 << 20
#: the deepest nesting of arrays and objects in a message (an action needs two or three)
MAX_DEPTH = 64


class BadMessage(ValueError):
    """A message that is not one the server reads: too large, nested too deep, or not JSON."""


def parse_message(raw: str | bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> Any:
    """The JSON value of one message, read safely.

    Checks the size before parsing; rejects what Python's ``json`` cannot take (an integer of
    over 4300 digits, nesting deeper than the recursion limit) and ``NaN``/``Infinity`` (not
    JSON), and nesting deeper than :data:`MAX_DEPTH`.

    Raises:
        BadMessage: with a message that says what was wrong and what the limit is.
    """
    size = (
        len(raw) if isinstance(raw, bytes) or raw.isascii() else len(raw.encode(errors="replace"))
    )
    if size > max_bytes:
        raise BadMessage(
            f"the message has {size:,} bytes, over this server's limit of {max_bytes:,} "
            "(serve --max-message-bytes); send less in one message"
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise BadMessage(f"Invalid JSON: the message is not UTF-8 ({e})") from None
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise BadMessage(
            f"Invalid JSON: nested too deep to read (the limit is {MAX_DEPTH} levels)"
        ) from None
    except ValueError as e:  # JSONDecodeError, or an integer too long to convert
        raise BadMessage(f"Invalid JSON: {_short(str(e))}") from None
    if raw.count("[") + raw.count("{") > MAX_DEPTH and _depth(raw) > MAX_DEPTH:
        raise BadMessage(
            f"Invalid JSON: nested deeper than {MAX_DEPTH} levels, this server's limit"
        )
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, which is valid JSON.

    Vectorized over the text's quotes, backslashes and brackets (a few milliseconds for 4 MiB),
    where a walk of the parsed value would take seconds for a wide one.
    """
    b = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    quotes = np.flatnonzero(b == 34)
    slashes = np.flatnonzero(b == 92)
    if slashes.size and quotes.size:
        # a quote is escaped when an odd number of backslashes stands right before it (in
        # JSON, backslashes are only in strings): find the run of backslashes that ends there
        breaks = np.flatnonzero(np.diff(slashes) != 1)
        ends = np.append(slashes[breaks], slashes[-1])
        lengths = ends - np.insert(slashes[breaks + 1], 0, slashes[0]) + 1
        run = np.searchsorted(ends, quotes - 1)
        found = run < ends.size
        escaped = np.zeros(quotes.size, dtype=bool)
        escaped[found] = (ends[run[found]] == quotes[found] - 1) & (lengths[run[found]] % 2 == 1)
        quotes = quotes[~escaped]
    marks = np.flatnonzero((b == 91) | (b == 93) | (b == 123) | (b == 125))
    marks = marks[np.searchsorted(quotes, marks) % 2 == 0]  # outside strings
    steps = np.where((b[marks] == 91) | (b[marks] == 123), 1, -1)
    return int(np.cumsum(steps).max(initial=0))


def encode_png(image: np.ndarray) -> dict[str, Any]:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8)).save(buf, format="PNG")
    return {"png_base64": base64.b64encode(buf.getvalue()).decode(), "shape": list(image.shape)}


def decode_png(value: dict[str, Any]) -> np.ndarray:
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(value["png_base64"]))).convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def to_json(value: Any) -> Any:
    """``value`` with numpy scalars and arrays made JSON (an RGB image becomes a PNG)."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.uint8 and value.ndim == 3 and value.shape[2] == 3:
            return encode_png(value)
        return to_json(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def observation_payload(
    obs: dict[str, Any],
    reward: float,
    terminated: bool,
    truncated: bool,
    info: dict[str, Any],
    cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload of one reply; ``cache`` (one per session) keeps the last screenshot's PNG,
    so that steps that leave the screenshot as it was do not encode it again."""
    metadata = {"terminated": bool(terminated), "truncated": bool(truncated), "info": to_json(info)}
    observation: dict[str, Any] = {
        "output": str(obs["output"]),
        "exit_code": int(obs["exit_code"]),
        "metadata": metadata,
    }
    if "screenshot" in obs:
        shot = np.ascontiguousarray(obs["screenshot"])
        key = hashlib.blake2b(shot.data, digest_size=16).digest()
        if cache is None or cache.get("key") != key:
            encoded = encode_png(shot)
            if cache is not None:
                cache.update(key=key, png=encoded)
        else:
            encoded = cache["png"]
        observation["screenshot"] = encoded
    return {
        "observation": observation,
        "reward": float(reward),
        "done": bool(terminated or truncated),
        "metadata": metadata,
    }


def _decode_info(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"png_base64", "shape"}:
            return decode_png(value)
        return {k: _decode_info(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_info(v) for v in value]
    return value


def from_payload(
    payload: dict[str, Any],
) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
    """(obs, reward, terminated, truncated, info) as the env gave them, from a payload."""
    raw = payload["observation"]
    obs: dict[str, Any] = {
        "output": raw["output"],
        "exit_code": np.array(raw["exit_code"], dtype=np.int64),
    }
    if "screenshot" in raw:
        obs["screenshot"] = decode_png(raw["screenshot"])
    meta = payload.get("metadata") or raw.get("metadata") or {}
    info = _decode_info(meta.get("info", {}))
    return obs, float(payload["reward"]), bool(meta["terminated"]), bool(meta["truncated"]), info
