from __future__ import annotations

import json

import pytest

from swelancer_env.actions import ShellAction, StrReplaceAction, parse_action
from swelancer_env.spaces import ActionSpace, make_observation_space, sanitize_text


def test_parse_accepts_model_dict_and_json() -> None:
    model = ShellAction(command="ls")
    assert parse_action(model) == (model, None)
    assert parse_action({"type": "shell", "command": "ls"})[0] == model
    assert parse_action(json.dumps({"type": "shell", "command": "ls"}))[0] == model


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("{not json", "not valid JSON"),
        ({"type": "teleport"}, "unknown type 'teleport'"),
        ({"command": "ls"}, "unknown type None"),
        ([1, 2], "expected an object"),
        ({"type": "str_replace", "path": "a"}, "old_str: Field required"),
        ({"type": "shell", "command": "ls", "timeout": -1}, "timeout"),
        ({"type": "shell", "command": "ls", "extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)
def test_bad_actions_explain_themselves(raw: object, needle: str) -> None:
    action, error = parse_action(raw)
    assert action is None
    assert error is not None and needle in error


def test_action_space_samples_are_valid_and_seeded() -> None:
    a, b = ActionSpace(seed=3), ActionSpace(seed=3)
    samples = [a.sample() for _ in range(20)]
    assert samples == [b.sample() for _ in range(20)]
    assert all(a.contains(s) for s in samples)
    assert {s.type for s in samples} <= {"shell", "view"}
    assert not a.contains({"type": "nope"})


def test_tool_schemas_cover_the_variant() -> None:
    names = {t["function"]["name"] for t in ActionSpace().tool_schemas("ic_swe")}
    assert names == {"shell", "view", "create", "str_replace", "insert", "user_tool", "submit"}
    manager = {t["function"]["name"] for t in ActionSpace().tool_schemas("swe_manager")}
    assert "choose_proposal" in manager and "submit" not in manager
    replace = next(
        t for t in ActionSpace().tool_schemas() if t["function"]["name"] == "str_replace"
    )
    assert replace["function"]["parameters"]["required"] == ["path", "old_str"]
    assert StrReplaceAction(path="p", old_str="a").new_str == ""


def test_sanitized_text_is_in_the_observation_space() -> None:
    space = make_observation_space()["output"]
    raw = "ok \x00\x1b[31mred\x1b[0m 😀 ünïcode \u4e2d" + "x" * 100_000
    text = sanitize_text(raw)
    assert space.contains(text)
    assert "characters cut" in text and text.startswith("ok")
