"""A generated task's job: the post a reporter would write, a user tool, a price, a category.

Everything comes from what a user sees, never from the patch: the failing tests' own
description (their names and their file's docstring say which page and which behaviour), their
steps (the Playwright and API calls, read from the test's source: sign in, open, click, type,
press, send), and what went wrong on the buggy tree (Playwright's "Actual value" of a failed
check, an API's answer). The values the tests assert are never written down.

The user tool (``user_tool.py``) replays the first failing test's steps through the user-tool
API (``user.login``, ``user.page``, ``user.step``, ``user.note``) and notes what the checked
elements show, with no verdict. Price: the documented price model
(:mod:`swelancer_env.tasks.pricing`) on the patch and the tests. ``--writer llm`` rewrites the
post with a model, as a reporter would word it (:func:`rewrite`).
"""

from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swelancer_env.factory.mutations import Candidate
from swelancer_env.factory.probe import Proof
from swelancer_env.tasks.pricing import layer_of, patch_difficulty, price_for

__all__ = ["Post", "category_of", "price_of", "write_post"]

_ACTIONS = {"click": "Click {t}", "dblclick": "Double-click {t}", "fill": "Type {v} into {t}",
            "press": "Press {v} in {t}", "select_option": "Choose {v} in {t}", "check": "Tick {t}",
            "uncheck": "Untick {t}", "hover": "Hover over {t}", "focus": "Put the cursor in {t}",
            "type": "Type {v} into {t}", "press_sequentially": "Type {v} into {t}",
            "clear": "Clear {t}", "set_input_files": "Attach a file to {t}"}  # fmt: skip
_PAGE_ACTIONS = {"reload": "Reload the page", "go_back": "Press the browser's Back button",
                 "go_forward": "Press the browser's Forward button"}  # fmt: skip
_API = {"get", "post", "put", "patch", "delete"}


class _Unknown(Exception):
    """A value the reader cannot work out from the source alone."""


@dataclass
class Step:
    text: str  # what a person does, in words
    code: str  # the same, as user-tool code (``user`` in scope)


@dataclass
class Reading:
    """What the reader got out of one test."""

    steps: list[Step] = field(default_factory=list)
    #: the locators the test checks (as code), noted by the user tool after the steps
    checked: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    api: bool = False
    exact: bool = True  # every step's values were worked out


def _human(name: str) -> str:
    words = re.sub(r"^test_", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _target(chain: list[tuple[str, list[Any], dict[str, Any]]]) -> str:
    """A locator chain in words: the last element that names something."""
    for method, args, kwargs in reversed(chain):
        if method == "get_by_test_id" and args:
            return f"the “{str(args[0]).replace('-', ' ')}” element"
        if method == "get_by_role" and args:
            name = kwargs.get("name")
            return f"the “{name}” {args[0]}" if name else f"the {args[0]}"
        if method in ("get_by_label", "get_by_placeholder") and args:
            return f"the “{args[0]}” field"
        if method in ("get_by_text", "get_by_title") and args:
            return f"“{args[0]}”"
        if method == "locator" and args:
            return f"`{args[0]}`"
    return "the page"


class _Reader:
    """Reads a test function's steps by walking its statements (and the module's helper
    functions it calls), with the literals it can resolve."""

    def __init__(self, module: ast.Module, known: dict[str, Any] | None = None):
        self.functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
        self.constants: dict[str, Any] = dict(known or {})
        for n in module.body:
            if isinstance(n, ast.Assign) and len(n.targets) == 1:
                try:
                    self.bind(n.targets[0], self.value(n.value, {}), self.constants)
                except (_Unknown, TypeError, ValueError):
                    pass
        self.out = Reading()
        self.clients = 0  # API clients made so far (``api_as``)
        #: fixtures that make a signed-in API client from an email (``api_as(email)``)
        self.factories = {"api_as"}

    @staticmethod
    def bind(target: ast.AST, value: Any, env: dict[str, Any]) -> None:
        """``target = value``: a name, or a tuple of names unpacking a sequence."""
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(value)
            if len(items) != len(target.elts):
                raise ValueError("unpacking")
            for t, v in zip(target.elts, items, strict=True):
                _Reader.bind(t, v, env)
        else:
            raise _Unknown(ast.unparse(target))

    # values
    def value(self, node: ast.AST, env: dict[str, Any]) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            for scope in (env, self.constants):
                if node.id in scope:
                    return scope[node.id]
            raise _Unknown(node.id)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    parts.append(str(self.value(v.value, env)))
                else:
                    parts.append(str(self.value(v, env)))
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            left, right = self.value(node.left, env), self.value(node.right, env)
            return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                    ast.Mult: lambda: left * right}[type(node.op)]()  # fmt: skip
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("quote", "quote_plus") and len(node.args) == 1
        ):  # fmt: skip
            from urllib.parse import quote, quote_plus

            return {"quote": quote, "quote_plus": quote_plus}[node.func.id](
                str(self.value(node.args[0], env))
            )
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e, env) for e in node.elts]
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:  # {**other}
                    out.update(self.value(v, env))
                else:
                    out[self.value(k, env)] = self.value(v, env)
            return out
        raise _Unknown(ast.unparse(node))

    def chain(self, node: ast.AST, env: dict[str, Any]) -> tuple[str, list]:
        """``page.get_by_test_id("x").nth(0)`` as (root name, [(method, args, kwargs)])."""
        calls: list[tuple[str, list[Any], dict[str, Any]]] = []
        while True:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                args = [self.value(a, env) for a in node.args]
                kwargs = {k.arg: self.value(k.value, env) for k in node.keywords if k.arg}
                calls.append((node.func.attr, args, kwargs))
                node = node.func.value
            elif isinstance(node, ast.Attribute):
                calls.append((node.attr, [], {}))
                node = node.value
            elif isinstance(node, ast.Name):
                root = env.get(node.id, node.id)
                if isinstance(root, tuple) and root[0] == "locator":  # a name bound to a locator
                    return root[1], root[2] + list(reversed(calls))
                if isinstance(root, tuple) and root[0] == "api":  # an API client
                    return f"api:{root[1]}", list(reversed(calls))
                return str(root), list(reversed(calls))
            else:
                raise _Unknown(ast.unparse(node))

    @staticmethod
    def code(root: str, calls: list[tuple[str, list[Any], dict[str, Any]]]) -> str:
        base = "user.page" if root == "page" else root
        for method, args, kwargs in calls:
            if not args and not kwargs and method in ("keyboard", "mouse", "first", "last"):
                base += f".{method}"
                continue
            inner = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
            base += f".{method}({inner})"
        return base

    # statements
    def run(self, fn: ast.FunctionDef, env: dict[str, Any], depth: int = 0) -> None:
        for stmt in fn.body:
            self.statement(stmt, env, depth)

    def statement(self, stmt: ast.stmt, env: dict[str, Any], depth: int) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                try:
                    env[target.id] = self.value(stmt.value, env)
                    return
                except _Unknown:
                    pass
                if isinstance(stmt.value, ast.Call):
                    bound = self.call(stmt.value, env, depth)
                    if bound is not None:
                        env[target.id] = bound
                return
            if isinstance(stmt.value, ast.Call):
                self.call(stmt.value, env, depth)
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.call(stmt.value, env, depth)
        elif isinstance(stmt, ast.Assert):  # assert ok(api.patch(...))["name"] == "x"
            for call in _outermost_calls(stmt.test):
                self.call(call, env, depth)
        elif isinstance(stmt, ast.For):
            try:  # a loop over literal cases: its first few, one after the other
                items = list(self.value(stmt.iter, env))[:3]
            except (_Unknown, TypeError):
                items = [None]
            for item in items:
                if item is not None:
                    try:
                        self.bind(stmt.target, item, env)
                    except (_Unknown, ValueError):
                        pass
                for inner in stmt.body:
                    self.statement(inner, env, depth)
        elif isinstance(stmt, (ast.With, ast.If)):
            for inner in stmt.body:
                self.statement(inner, env, depth)

    def call(self, node: ast.Call, env: dict[str, Any], depth: int) -> Any:
        out = self.out
        func = node.func
        try:
            if (
                isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "expect"
            ):  # fmt: skip
                return self.call(func.value, env, depth)  # expect(x).to_...(value): x is looked at
            if isinstance(func, ast.Name) and func.id in self.factories and node.args:
                email = self.value(node.args[0], env)
                self.clients += 1
                var = f"client{self.clients}"
                out.api = True
                out.emails.append(email)
                out.steps.append(Step(f"Sign in to the API as {email}",
                                      f"{var} = _Api(user); {var}.login({email!r})"))  # fmt: skip
                return ("api", var)
            if isinstance(func, ast.Name) and func.id not in ("expect", "login"):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    for nested in _outermost_calls(arg):  # error_of(api.patch(...), 403)
                        self.call(nested, env, depth)
            if isinstance(func, ast.Name):
                if func.id == "expect" and node.args:
                    root, calls = self.chain(node.args[0], env)
                    if root == "page" and calls:
                        out.checked.append(self.code(root, calls))
                    return None
                if func.id == "login":
                    args = [self.value(a, env) for a in node.args]
                    kwargs = {k.arg: self.value(k.value, env) for k in node.keywords if k.arg}
                    email, path = args[0], kwargs.get("path", args[2] if len(args) > 2 else "/")
                    out.emails.append(email)
                    out.paths.append(path)
                    where = f" and open {path}" if path != "/" else ""
                    out.steps.append(
                        Step(f"Sign in as {email}{where}", f"user.login({email!r}, path={path!r})")
                    )
                    return ("locator", "page", [])
                helper = self.functions.get(func.id)
                if helper is not None and depth < 3:
                    bound = dict(env)
                    params = [a.arg for a in helper.args.args]
                    for name, a in zip(params, node.args, strict=False):
                        try:
                            bound[name] = self.value(a, env)
                        except _Unknown:
                            bound[name] = env.get(a.id, a.id) if isinstance(a, ast.Name) else None
                    for k in node.keywords:
                        if k.arg:
                            bound[k.arg] = self.value(k.value, env)
                    # the parameters left out take their defaults (``email=ADA``)
                    given = set(params[: len(node.args)]) | {k.arg for k in node.keywords}
                    defaults = helper.args.defaults
                    for name, d in zip(
                        params[len(params) - len(defaults) :], defaults, strict=True
                    ):
                        if name not in given:
                            with contextlib.suppress(_Unknown):
                                bound[name] = self.value(d, self.constants)
                    self.run(helper, bound, depth + 1)
                    return ("locator", "page", [])
                return None
            root, calls = self.chain(func.value if isinstance(func, ast.Attribute) else func, env)
        except (_Unknown, IndexError, KeyError, TypeError):
            out.exact = False
            return None
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        try:
            args = [self.value(a, env) for a in node.args]
            kwargs = {k.arg: self.value(k.value, env) for k in node.keywords if k.arg}
        except _Unknown:
            out.exact = False
            return None
        if root == "api":
            root = "api:api"
        if root.startswith("api:") and not calls:
            var = root[4:]
            out.api = True
            if method == "login" and args:
                out.emails.append(args[0])
                out.steps.append(
                    Step(f"Sign in to the API as {args[0]}", f"{var}.login({args[0]!r})")
                )
            elif method in _API and args:
                body = f" with {args[1]!r}" if len(args) > 1 and args[1] else ""
                out.paths.append(args[0])
                out.steps.append(Step(f"Send {method.upper()} {args[0]}{body}",
                                      f"{var}.{method}({', '.join(map(repr, args))})"))  # fmt: skip
            return None
        if root != "page":
            out.exact = False
            return None
        if not calls and method in _PAGE_ACTIONS:
            out.steps.append(Step(_PAGE_ACTIONS[method], f"user.page.{method}()"))
        elif not calls and method == "goto" and args:
            path = str(args[0]).removeprefix("{app_url}")
            out.paths.append(path)
            out.steps.append(Step(f"Open {path}", f"user.page.goto(user.url({path!r}))"))
        elif (
            calls
            and calls[-1][0] == "keyboard"
            and method in ("press", "type", "insert_text")
            and args
        ):
            verb = "Press" if method == "press" else "Type"
            out.steps.append(Step(f"{verb} {args[0]}", f"user.page.keyboard.{method}({args[0]!r})"))
        elif method in _ACTIONS and calls:
            shown = args[0] if args else kwargs.get("label", kwargs.get("value", ""))
            value = f"“{shown}”" if shown != "" else ""
            text = _ACTIONS[method].format(t=_target(calls), v=value).replace("  ", " ")
            inner = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
            out.steps.append(Step(text, f"{self.code(root, calls)}.{method}({inner})"))
        elif method in ("wait_for", "wait_for_url", "wait_for_timeout", "wait_for_load_state"):
            return None
        else:
            return ("locator", root, [*calls, (method, args, kwargs)])
        return None


def _outermost_calls(node: ast.AST) -> list[ast.Call]:
    """The calls in an expression that no other call of it contains, in source order."""
    if isinstance(node, ast.Call):
        return [node]
    found = [c for child in ast.iter_child_nodes(node) for c in _outermost_calls(child)]
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _fixtures(conftest: str) -> tuple[dict[str, Any], set[str], dict[str, Any]]:
    """What a suite's ``conftest.py`` gives the reader: its constants, its fixtures that make
    a signed-in API client from an email (their inner function calls ``.login``), and its
    fixtures that are such a client already (``return api_as(ADA)``), with their email."""
    module = ast.parse(conftest)
    reader = _Reader(module)
    factories = {"api_as"}
    for fn in module.body:
        if isinstance(fn, ast.FunctionDef) and any(
            isinstance(inner, ast.FunctionDef) and ".login(" in ast.unparse(inner)
            for inner in fn.body
        ):
            factories.add(fn.name)
    clients: dict[str, Any] = {}
    for fn in module.body:
        body = [b for b in getattr(fn, "body", []) if not isinstance(b, ast.Expr)]
        if (
            isinstance(fn, ast.FunctionDef) and len(body) == 1
            and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call)
            and isinstance(body[0].value.func, ast.Name) and body[0].value.func.id in factories
            and body[0].value.args
        ):  # fmt: skip
            try:
                clients[fn.name] = reader.value(body[0].value.args[0], {})
            except _Unknown:
                pass
    return reader.constants, factories, clients


def read_test(source: str, name: str, conftest: str = "") -> Reading:
    """The steps of test ``name`` in a test module's ``source`` (``conftest``: the suite's
    ``conftest.py``, for its constants and its API-client fixtures)."""
    module = ast.parse(source)
    constants, factories, clients = _fixtures(conftest) if conftest else ({}, {"api_as"}, {})
    reader = _Reader(module)
    reader.constants = {**constants, **reader.constants}
    if conftest:  # the module's own constants may be built from the conftest's
        reader.constants.update(_Reader(module, constants).constants)
    reader.factories = factories
    fn = reader.functions.get(name)
    if fn is None:
        raise KeyError(name)
    env: dict[str, Any] = {"page": "page", "app_url": "{app_url}"}
    for arg in fn.args.args:
        if arg.arg in clients:  # a fixture that is a signed-in API client
            email = clients[arg.arg]
            reader.out.api = True
            reader.out.emails.append(email)
            reader.out.steps.append(Step(f"Sign in to the API as {email}",
                                         f"{arg.arg} = _Api(user); {arg.arg}.login({email!r})"))  # fmt: skip
            env[arg.arg] = ("api", arg.arg)
    reader.run(fn, env)
    return reader.out


# -- what went wrong ----------------------------------------------------------------------------


def looked_for(message: str) -> str:
    """The element a failed check waited for, in words ("" when the message does not say)."""
    m = re.search(r"\[waiting for (.+?)\]", message)
    if not m:
        return ""
    chain = []
    for method, inner in re.findall(r"(\w+)\(((?:[^()]|\([^()]*\))*)\)", m.group(1)):
        args = re.findall(r'^\s*"((?:[^"\\]|\\.)*)"', inner)
        name = re.search(r'name="((?:[^"\\]|\\.)*)"', inner)
        chain.append((method, args, {"name": name.group(1)} if name else {}))
    target = _target(chain)
    return "" if target == "the page" else target


def observed(message: str) -> str:
    """What a failed check saw, in words, without what it expected (the value asserted)."""
    element = looked_for(message)
    m = re.search(r"Actual value:\s*(.+?)(?:\s+Call log:|\s+\[waiting for|$)", message)
    if m:
        actual = m.group(1).strip()
        if actual.startswith("None") or not actual:
            return f"{element} never shows up" if element else "the element never shows up"
        if "to have count" in message:
            if element:
                return f"the page shows {actual} of {element}"
            return f"the page shows {actual} matching item{'' if actual == '1' else 's'}"
        if re.search(r"to be (visible|hidden|enabled|disabled|checked|focused)", message):
            return f"{element or 'the element'} is {actual}"
        return f"{element} shows “{actual[:160]}”" if element else f"it shows “{actual[:160]}”"
    if element and ("Timeout" in message or "stopped after" in message):
        return f"{element} never becomes usable (it waits and nothing happens)"
    if "Timeout" in message and "waiting for" in message:
        return "the page never gets there (it waits and nothing happens)"
    m = re.search(r"(answered|got) (\d{3})", message)
    if m:
        return f"the server answers {m.group(2)}"
    return "it does not behave as described"


# -- price and category -------------------------------------------------------------------------


def price_of(candidate: Candidate, behaviours: int) -> int:
    """The job's price by the price model, on the gold fix (the patch reversed has the same
    lines, files, hunks and layers) and the tests it must make pass."""
    return price_for(patch_difficulty(candidate.patch, behaviours))


def category_of(candidate: Candidate) -> str:
    """The built-in category the change falls in (the first mutation's, for a combination)."""
    m = candidate.mutations[0]
    if m.kind in ("remove_permission_check", "remove_escaping"):
        return "security"
    if layer_of(m.path) == "server":
        return "server_side_logic"
    if m.kind in ("remove_await", "drop_effect_dependency"):
        return "reliability"
    if re.search(r"(^|/)(components|pages|views)/", m.path) and m.kind not in (
        "lose_state_update", "change_rounding", "change_sort_key",
    ):  # fmt: skip
        return "ui_ux"
    return "application_logic"


# -- the post -----------------------------------------------------------------------------------


@dataclass
class Post:
    title: str
    issue: str
    user_tool: str
    price: int
    category: str


def _area(suite: Path, module: str) -> str:
    """A test module's subject, from its docstring's first words (``The ticket page``)."""
    path = suite / "tests" / f"{module}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = re.split(r"[:.;(]", doc, maxsplit=1)[0].strip()
    if first and len(first) <= 40 and "," not in first:
        return first
    # a docstring that lists rather than names: the module's name (test_session_api: Session API)
    words = _human(module).split()
    return " ".join(w.upper() if w.lower() == "api" else w for w in words)


_TOOL_HEAD = '''"""Reproduction steps, as the reporter took them (derived from what they saw)."""


class _Api:
    """The app's JSON API through the page's request context (signed in with ``login``)."""

    def __init__(self, user):
        self.user, self.token = user, None

    def login(self, email, password="password"):
        r = self.user.page.request.post(self.user.url("/api/login"),
                                        data={"email": email, "password": password})
        self.token = r.json().get("token") if r.ok else None
        self.user.note(f"signed in to the API as {email}: {r.status}")

    def _send(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = self.user.page.request.fetch(self.user.url(path), method=method.upper(),
                                         data=body, headers=headers)
        self.user.note(f"{method.upper()} {path} answered {r.status}: {r.text()[:400]}")
        return r.status, r

    def get(self, path):
        return self._send("get", path)

    def post(self, path, body=None):
        return self._send("post", path, body or {})

    def put(self, path, body=None):
        return self._send("put", path, body or {})

    def patch(self, path, body=None):
        return self._send("patch", path, body or {})

    def delete(self, path):
        return self._send("delete", path)


def _show(user, locator, what):
    """Note what an element shows (no verdict: the reporter looks)."""
    try:
        texts = locator.all_inner_texts()
        user.note(f"{what}: {texts[:5] if texts else 'not on the page'}")
    except Exception as e:  # the element is gone, the page moved on
        user.note(f"{what}: could not be read ({type(e).__name__})")


def reproduce(user):
    api = _Api(user)
'''


def user_tool_of(reading: Reading, fallback_path: str) -> str:
    """``user_tool.py`` replaying ``reading``'s steps, then noting what the checked elements
    show."""
    body = []
    for i, step in enumerate(reading.steps, 1):
        body.append(f"    with user.step({f'{i}. {step.text}'[:120]!r}):")
        body.append(f"        {step.code}")
    if not reading.steps:
        body.append(f"    with user.step('Open {fallback_path}'):")
        body.append(f"        user.page.goto(user.url({fallback_path!r}))")
    seen: list[str] = []
    for code in reading.checked:
        if code not in seen and len(seen) < 6:
            seen.append(code)
    if seen:
        body.append("    with user.step('Look at the page'):")
        for code in seen:
            body.append(f"        _show(user, {code}, {code.removeprefix('user.page.')[:80]!r})")
    source = _TOOL_HEAD + "\n".join(body) + "\n"
    compile(source, "user_tool.py", "exec")  # a generated tool always parses
    return source


def write_post(proof: Proof, suite: Path, app_title: str = "") -> Post:
    """The job post, user tool, price and category of a validated candidate."""
    readings: list[tuple[str, Reading]] = []
    for node_id in proof.fail_to_pass:
        file, _, name = node_id.partition("::")
        source = (suite / "tests" / file).read_text(encoding="utf-8")
        conftest = suite / "tests" / "conftest.py"
        shared = conftest.read_text(encoding="utf-8") if conftest.is_file() else ""
        try:
            readings.append((node_id, read_test(source, name.split("[")[0], shared)))
        except (KeyError, SyntaxError):
            continue
    main_id, main = next(((i, r) for i, r in readings if r.exact and r.steps), readings[0] if readings else (proof.fail_to_pass[0], Reading()))  # fmt: skip
    module = Path(main_id.partition("::")[0]).stem
    area = _area(suite, module)
    name = main_id.partition("::")[2].split("[")[0]
    expectation = _human(name)
    title = f"{area}: “{expectation[:1].lower() + expectation[1:]}” no longer holds"
    where = main.paths[0] if main.paths else "/"
    who = f"signed in as {main.emails[0]}" if main.emails else "signed out"
    lines = [f"# {title}", ""]
    if app_title:
        lines += [f"In {app_title}, something that used to work is broken.", ""]
    if main.api and not any(s.code.startswith("user.") for s in main.steps):
        lines += [f"**Where:** {area}, through the app's API, {who}."]
    else:
        lines += [f"**Where:** {area} (`{where}`), {who}."]
    lines += ["", "**Steps to reproduce**", ""]
    steps = main.steps or [Step(f"Open {where}", "")]
    lines += [f"{i}. {s.text}" for i, s in enumerate(steps, 1)]
    lines += ["", f"**Expected:** {expectation}.", ""]
    message = proof.failures.get(main_id, "")
    lines += [f"**Actual:** {observed(message)}.", ""]
    others = [i for i in proof.fail_to_pass if i != main_id]
    if others:
        lines += ["**Also broken** (probably the same cause):", ""]
        for node_id in others:
            other = _human(node_id.partition("::")[2].split("[")[0])
            lines.append(
                f"- {_area(suite, Path(node_id.partition('::')[0]).stem)}: {other[:1].lower() + other[1:]}"
            )
        lines.append("")
    behaviours = len(proof.fail_to_pass) + len(proof.pass_to_pass)
    return Post(
        title=title[:200],
        issue="\n".join(lines).rstrip() + "\n",
        user_tool=user_tool_of(main, where),
        price=price_of(proof.candidate, behaviours),
        category=category_of(proof.candidate),
    )


REWRITE_PROMPT = """You rewrite bug reports so they read like a real user's post on a \
freelance job board. Keep every fact: the page, who is signed in, each step in order, what \
was expected and what happened instead. Keep the title line (starting with '# ') as the first \
line, reworded as a reporter would title it. Do not add causes, code, file names, test names \
or values that are not in the report. Answer with the rewritten report only, in Markdown."""


def rewrite(post: Post, client: Any) -> Post:
    """``post`` reworded by a model (``client``: a :class:`~swelancer_env.llm.client.ModelClient`);
    the steps, user tool, price and category stay."""
    response, _record = client.complete(
        [{"role": "system", "content": REWRITE_PROMPT}, {"role": "user", "content": post.issue}]
    )
    text = (response.choices[0].message.content or "").strip()
    if not text.startswith("# "):
        return post
    title = text.splitlines()[0][2:].strip()[:200] or post.title
    return Post(title, text + "\n", post.user_tool, post.price, post.category)
