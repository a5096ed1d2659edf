"""What goes over the wire, both ways: observations as OpenEnv's clients read them.

A reply to ``reset`` or ``step`` is OpenEnv's observation payload::

    {"observation": {"output": ..., "exit_code": 0, "screenshot": {"png_base64": ..., "shape": [...]},
                     "metadata": {...}},
     "reward": 0.0, "done": false,
     "metadata": {"terminated": false, "truncated": false, "info": {...}}}

The reward is always a number (0.0 when nothing was earned). ``screenshot`` is left out when the
server's envs give text observations; ``info`` is the env's info with arrays made JSON (a
screenshot in it becomes a PNG too).
"""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

import numpy as np

__all__ = ["decode_png", "encode_png", "observation_payload", "to_json", "from_payload"]


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
