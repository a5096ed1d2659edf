"""What ``swelancer-env serve`` says about itself: its OpenAPI document and the JSON schemas of
``/schema`` (action, observation, state), the actions as MCP tools.

Hand-built rather than generated: the server is a Starlette app, and these shapes are fixed by
:func:`.wire.observation_payload` and the session's ``state()``; the tests check the server
against OpenEnv's own validator, which reads this document.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from swelancer_env.actions import tool_schemas

__all__ = [
    "API_VERSION",
    "OBSERVATION_SCHEMA",
    "RESET_REQUEST_SCHEMA",
    "STATE_SCHEMA",
    "action_schema",
    "action_tools",
    "openapi_document",
]

#: the version of this HTTP API; 1.x is OpenEnv's ``openenv-http/1.x`` profile
API_VERSION = "1.0.0"

_METADATA: dict[str, Any] = {
    "type": "object",
    "description": "How the step ended, and the env's info (arrays made JSON, images as PNG)",
    "properties": {
        "terminated": {"type": "boolean", "description": "The episode reached its end"},
        "truncated": {"type": "boolean", "description": "The episode was cut off (a limit)"},
        "info": {"type": "object", "description": "The env's info dict for this step"},
    },
    "required": ["terminated", "truncated", "info"],
}

_SCREENSHOT: dict[str, Any] = {
    "type": "object",
    "description": "The browser's screenshot; left out when the server gives text observations",
    "properties": {
        "png_base64": {"type": "string", "description": "The PNG image, base64"},
        "shape": {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 3,
            "maxItems": 3,
            "description": "[height, width, 3]",
        },
    },
    "required": ["png_base64", "shape"],
}

#: a reply to reset or step (:func:`.wire.observation_payload`); also OpenEnv's ResetResponse
OBSERVATION_SCHEMA: dict[str, Any] = {
    "title": "Observation",
    "type": "object",
    "properties": {
        "observation": {
            "type": "object",
            "properties": {
                "output": {"type": "string", "description": "The task, or the action's output"},
                "exit_code": {"type": "integer", "description": "The shell command's exit code"},
                "screenshot": _SCREENSHOT,
                "metadata": _METADATA,
            },
            "required": ["output", "exit_code", "metadata"],
        },
        "reward": {"type": "number", "description": "Always a number; 0.0 when none was earned"},
        "done": {"type": "boolean", "description": "terminated or truncated"},
        "metadata": _METADATA,
    },
    "required": ["observation", "reward", "done", "metadata"],
}

#: a session's state (``state`` on /ws; GET /state answers the state of no episode)
STATE_SCHEMA: dict[str, Any] = {
    "title": "State",
    "type": "object",
    "properties": {
        "episode_id": {"type": ["string", "null"], "description": "null before a reset"},
        "step_count": {"type": "integer", "minimum": 0},
        "session_id": {"type": ["string", "null"], "description": "null over HTTP"},
        "task_id": {"type": ["string", "null"], "description": "null before a reset"},
        "done": {"type": "boolean"},
    },
    "required": ["episode_id", "step_count", "session_id", "task_id", "done"],
}

#: reset's arguments (OpenEnv's ResetRequest, with our task_id); all optional
RESET_REQUEST_SCHEMA: dict[str, Any] = {
    "title": "ResetRequest",
    "type": "object",
    "properties": {
        "seed": {"type": ["integer", "null"], "minimum": 0, "description": "Draws the task"},
        "task_id": {"type": ["string", "null"], "description": "The task; else drawn"},
        "episode_id": {"type": ["string", "null"], "maxLength": 255},
    },
    "additionalProperties": False,
}

_ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "type": {"const": "error"},
        "data": {
            "type": "object",
            "properties": {
                "message": {"type": "string", "description": "What went wrong, what to do"},
                "code": {
                    "type": "string",
                    "description": "OpenEnv's code: VALIDATION_ERROR, EXECUTION_ERROR, "
                    "CAPACITY_REACHED, INVALID_JSON, SESSION_ERROR, UNAUTHORIZED, ...",
                },
            },
            "required": ["message", "code"],
        },
    },
    "required": ["type", "data"],
}

_JSONRPC_SCHEMA: dict[str, Any] = {
    "title": "JsonRpc",
    "type": "object",
    "properties": {
        "jsonrpc": {"const": "2.0"},
        "id": {"type": ["string", "integer", "null"]},
        "method": {"type": "string"},
        "params": {"type": "object"},
        "result": {},
        "error": {"type": "object"},
    },
    "required": ["jsonrpc"],
}


def action_tools(tools: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The actions of both variants as MCP tools (name, description, inputSchema), each once;
    ``tools``: the server's ``--tools`` (default: all)."""
    seen: dict[str, dict[str, Any]] = {}
    for variant in ("ic_swe", "swe_manager"):
        for tool in tool_schemas(variant, list(tools) if tools is not None else None):
            fn = tool["function"]
            seen.setdefault(
                fn["name"],
                {"name": fn["name"], "description": fn["description"],
                 "inputSchema": fn["parameters"]},
            )  # fmt: skip
    return list(seen.values())


def action_schema(tools: Sequence[str] | None = None) -> dict[str, Any]:
    """One action, as a step sends it: ``{"type": NAME, **arguments}``, one of the tools."""
    variants = []
    for tool in action_tools(tools):
        params = copy.deepcopy(tool["inputSchema"])
        params["properties"] = {"type": {"const": tool["name"]}, **params["properties"]}
        params["required"] = ["type", *params["required"]]
        variants.append({"title": tool["name"], "description": tool["description"], **params})
    return {"title": "Action", "oneOf": variants}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ERROR_SCHEMA, description)


def openapi_document(tools: Sequence[str] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every HTTP route (``/ws`` is in ``info.description``)."""
    refused = {"401": _error("No valid token (serve --token)"),
               "403": _error("A web page's request (an Origin not allowed)")}  # fmt: skip
    object_ = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "swelancer-env serve",
            "version": API_VERSION,
            "description": (
                "Freelance software jobs as RL episodes, in OpenEnv's protocol. Episodes run on "
                "the WebSocket /ws: one session (and env) per connection, JSON messages "
                '{"type": "reset" | "step" | "state" | "close", "data": ...}, each answered '
                'with {"type": "observation" | "state" | "error", "data": ...}. The HTTP routes '
                "are stateless, as OpenEnv's: POST /reset makes an env, resets it and closes it; "
                "POST /step has no episode to step (409). With a token, every request carries "
                "'Authorization: Bearer TOKEN' (/ws also takes ?token=TOKEN)."
            ),
        },
        "paths": {
            "/health": {"get": {
                "summary": "Liveness and session counts",
                "responses": {"200": _json({**object_, "properties": {
                    "status": {"const": "healthy"}, "active_sessions": {"type": "integer"},
                    "closing_sessions": {"type": "integer"},
                    "max_sessions": {"type": "integer"}}}, "Healthy"), **refused},
            }},
            "/metadata": {"get": {
                "summary": "The env's name, description and the server's settings",
                "responses": {"200": _json({**object_, "properties": {
                    "name": {"type": "string"}, "description": {"type": "string"}},
                    "required": ["name", "description"]}, "Metadata"), **refused},
            }},
            "/schema": {"get": {
                "summary": "JSON schemas of the action (per variant), observation and state",
                "responses": {"200": _json({**object_, "properties": {
                    "action": object_, "observation": object_, "state": object_},
                    "required": ["action", "observation", "state"]}, "Schemas"), **refused},
            }},
            "/reset": {"post": {
                "summary": "Reset a fresh env and close it (stateless; episodes are on /ws)",
                "requestBody": {"required": False, "content": {
                    "application/json": {"schema": RESET_REQUEST_SCHEMA}}},
                "responses": {
                    "200": _json(OBSERVATION_SCHEMA, "The first observation (ResetResponse)"),
                    "400": _error("Not JSON, too large or too deep (INVALID_JSON)"),
                    "422": _error("An unknown task or a bad argument (VALIDATION_ERROR)"),
                    "500": _error("The harness failed (EXECUTION_ERROR)"),
                    "503": _error("Every session slot is taken (CAPACITY_REACHED)"),
                    **refused,
                },
            }},
            "/step": {"post": {
                "summary": "No episode to step over HTTP: open a session on /ws",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    **object_, "properties": {"action": action_schema(tools)}}}}},
                "responses": {"409": _error("HTTP requests have no episode (SESSION_ERROR)"),
                              **refused},
            }},
            "/state": {"get": {
                "summary": "The state of no episode (HTTP requests are stateless)",
                "responses": {"200": _json(STATE_SCHEMA, "No episode"), **refused},
            }},
            "/mcp": {"post": {
                "summary": "MCP over JSON-RPC 2.0: initialize, ping, tools/list, tools/call",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _JSONRPC_SCHEMA}}},
                "responses": {
                    "200": _json(_JSONRPC_SCHEMA, "A JSON-RPC response (result or error)"),
                    "202": {"description": "A notification, accepted; no body"},
                    **refused,
                },
            }},
            "/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": _json(object_, "OpenAPI 3.1"), **refused},
            }},
        },
    }  # fmt: skip
