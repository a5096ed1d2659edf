"""Candidate bugs made from an app's own code, without a model: procedural mutations.

Each source file of the app (Python, JavaScript, TypeScript and TSX) is parsed with tree-sitter,
and every place one of the :data:`KINDS` applies becomes a :class:`Mutation`: a byte range of
the file and what replaces it. A :class:`Candidate` is one mutation, or two or three in
different files (the harder, multi-layer jobs); its ``patch`` turns the clean tree into the
buggy one, and reversed it is the gold fix.

Everything is deterministic: the sites are found in a fixed order and :func:`sample` draws from
them with a seeded generator, so a seed always yields the same candidates.

Example:
    >>> sites = find_mutations(load_app("desk").root)  # doctest: +SKIP
    >>> [c.id for c in sample(sites, 3, seed=0)]  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "KINDS",
    "Candidate",
    "Mutation",
    "combine",
    "find_mutations",
    "language_of",
    "mutations_patch",
    "sample",
    "source_files",
]

#: what each kind of change does, as the reports name it
KINDS = {
    "invert_condition": "a condition inverted",
    "drop_condition": "one side of an and/or dropped",
    "change_comparison": "a comparison changed (< to <=, == to !=)",
    "off_by_one": "an off-by-one: a +1/-1 dropped or a bound moved by one",
    "remove_call": "a call statement removed",
    "remove_await": "an await removed",
    "drop_switch_case": "a branch of a switch (or an elif) dropped",
    "lose_state_update": "a state update lost (a setX(...) call removed)",
    "drop_effect_dependency": "an effect or memo dependency lost",
    "remove_escaping": "an escaping or encoding call removed",
    "remove_permission_check": "a permission or guard check removed",
    "change_sort_key": "a sort order or key changed",
    "change_rounding": "a rounding changed",
}

#: source files the factory never mutates: built output, vendored and third-party code, seeds
_SKIP_PARTS = {"node_modules", "dist", "vendor", "migrations", "__pycache__", "tests", "test"}
_SKIP_NAME = re.compile(r"(^seed|\.d\.ts$|\.test\.|\.spec\.|^conftest)")
_LANGUAGES = {".py": "python", ".ts": "typescript", ".tsx": "tsx", ".js": "javascript",
              ".jsx": "javascript", ".mjs": "javascript"}  # fmt: skip
_PERMISSION = re.compile(
    r"role|admin|permission|owner|allowed|auth|member|guest|can[A-Z_]|is_?[A-Z_a-z]*staff|"
    r"forbid|visible_to|may_",
)
_ESCAPE = re.compile(r"escape|encodeURI|encodeURIComponent|sanitize|quote", re.I)
_SETTER = re.compile(r"^set[A-Z]\w*$")
_HOOKS_WITH_DEPS = {"useEffect", "useLayoutEffect", "useMemo", "useCallback"}
_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "===": "!==", "!==": "===", "==": "!=",
         "!=": "==", "in": "not in", "not in": "in", "is": "is not", "is not": "is"}  # fmt: skip
_ROUNDING_JS = {"Math.round": "Math.floor", "Math.floor": "Math.ceil", "Math.ceil": "Math.floor",
                "Math.trunc": "Math.round"}  # fmt: skip
_ROUNDING_PY = {"round": "int", "math.floor": "math.ceil", "math.ceil": "math.floor",
                "int": "round"}  # fmt: skip


def language_of(path: str) -> str | None:
    """The tree-sitter language a file is parsed as, None for a file the factory skips."""
    return _LANGUAGES.get(Path(path).suffix)


@functools.cache
def _parser(language: str) -> Any:
    try:
        import tree_sitter
    except ImportError:
        raise ImportError(
            "the task factory parses code with tree-sitter: pip install 'swelancer-env[factory]'"
        ) from None
    import importlib

    if language in ("typescript", "tsx"):
        grammar = importlib.import_module("tree_sitter_typescript")
        lang = grammar.language_tsx() if language == "tsx" else grammar.language_typescript()
    else:  # python, javascript
        lang = importlib.import_module(f"tree_sitter_{language}").language()
    return tree_sitter.Parser(tree_sitter.Language(lang))


def source_files(root: Path) -> list[str]:
    """The app's source files the factory mutates, relative to ``root``, sorted."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and not path.is_symlink()
            and language_of(path.name)
            and not _SKIP_PARTS & set(rel.parts[:-1])
            and not _SKIP_NAME.search(path.name)
        ):
            out.append(rel.as_posix())
    return out


@dataclass(frozen=True)
class Mutation:
    """One change at one place: bytes ``start:end`` of ``path`` become ``replacement``."""

    path: str
    start: int
    end: int
    replacement: bytes
    kind: str
    #: 1-based line of the change in the clean file
    line: int
    #: the enclosing function (``path::name``): mutations of one scope never go to two splits
    scope: str

    @property
    def site(self) -> str:
        return f"{self.path}:{self.line}:{self.kind}"


@dataclass
class Candidate:
    """A candidate bug: one to three mutations (in different files) and the patch they make."""

    mutations: tuple[Mutation, ...]
    patch: str
    id: str = field(default="")

    @property
    def kinds(self) -> list[str]:
        return [m.kind for m in self.mutations]

    @property
    def kind(self) -> str:
        """``combo`` for several mutations, else the one's kind."""
        return "combo" if len(self.mutations) > 1 else self.mutations[0].kind

    @property
    def scopes(self) -> list[str]:
        return sorted({m.scope for m in self.mutations})

    @property
    def files(self) -> list[str]:
        return sorted({m.path for m in self.mutations})


# -- finding the places -------------------------------------------------------------------------


def _line_of(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset) + 1


def _whole_lines(source: bytes, start: int, end: int) -> tuple[int, int] | None:
    """``start:end`` grown to the lines it fills alone (with their newline), else None."""
    line_start = source.rfind(b"\n", 0, start) + 1
    line_end = source.find(b"\n", end)
    line_end = len(source) if line_end < 0 else line_end + 1
    before, after = source[line_start:start], source[end:line_end]
    if before.strip() or after.strip(b" \t\r\n;"):
        return None
    return line_start, line_end


def _scope(node: Any) -> str:
    """The name of the function around ``node`` (``<module>`` at the top level)."""
    while node is not None:
        kind = node.type
        if kind in ("function_definition", "function_declaration", "method_definition",
                    "generator_function_declaration", "class_declaration", "class_definition"):  # fmt: skip
            name = node.child_by_field_name("name")
            if name is not None:
                return name.text.decode(errors="replace")
        if kind in ("arrow_function", "function_expression", "function"):
            parent = node.parent
            if parent is not None and parent.type in ("variable_declarator", "pair", "assignment"):
                name = parent.child_by_field_name("name") or parent.child_by_field_name("key")
                if name is not None:
                    return name.text.decode(errors="replace")
        node = node.parent
    return "<module>"


def _walk(node: Any) -> Iterator[Any]:
    cursor = [node]
    while cursor:
        n = cursor.pop()
        yield n
        cursor.extend(reversed(n.children))


def _operator(node: Any) -> Any:
    field_op = node.child_by_field_name("operator")
    if field_op is not None:
        return field_op
    for c in node.children:
        if not c.is_named:
            return c
    return None


def _text(node: Any) -> str:
    return node.text.decode(errors="replace")


def _callee(node: Any) -> str:
    fn = node.child_by_field_name("function")
    return _text(fn) if fn is not None else ""


def _args(node: Any) -> list[Any]:
    args = node.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def _in_comparator(node: Any) -> Any:
    """The comparator function of a ``.sort(...)``/``.toSorted(...)`` call ``node`` is in."""
    while node is not None:
        if node.type in ("arrow_function", "function_expression", "function"):
            args = node.parent
            call = args.parent if args is not None else None
            if (
                call is not None
                and call.type == "call_expression"
                and _callee(call).endswith((".sort", ".toSorted"))
            ):
                return node
            return None
        node = node.parent
    return None


class _Finder:
    """The mutations of one file."""

    def __init__(self, path: str, source: bytes, language: str):
        self.path, self.source, self.py = path, source, language == "python"
        self.tree = _parser(language).parse(source)
        self.out: list[Mutation] = []

    def add(self, node: Any, start: int, end: int, replacement: str | bytes, kind: str) -> None:
        rep = replacement.encode() if isinstance(replacement, str) else replacement
        if self.source[start:end] == rep:
            return
        self.out.append(
            Mutation(
                self.path,
                start,
                end,
                rep,
                kind,
                _line_of(self.source, node.start_byte),
                f"{self.path}::{_scope(node)}",
            )  # fmt: skip
        )

    def replace(self, node: Any, replacement: str, kind: str) -> None:
        self.add(node, node.start_byte, node.end_byte, replacement, kind)

    def remove_statement(self, node: Any, kind: str) -> None:
        """Remove a statement: its whole lines (Python keeps a ``pass`` where it stood)."""
        if self.py:
            self.replace(node, "pass", kind)
            return
        lines = _whole_lines(self.source, node.start_byte, node.end_byte)
        if lines is None:
            return
        self.add(node, lines[0], lines[1], b"", kind)

    def find(self) -> list[Mutation]:
        for node in _walk(self.tree.root_node):
            handler: Callable[[Any], None] | None = getattr(self, "_" + node.type, None)
            if handler is not None and not node.has_error:
                handler(node)
        return self.out

    # -- conditions
    def _condition(self, cond: Any) -> None:
        if cond is None or _text(cond).strip("() ") in ("true", "false", "True", "False"):
            return
        if self.py:
            self.replace(cond, f"not ({_text(cond)})", "invert_condition")
        elif cond.type == "parenthesized_expression":
            self.replace(cond, f"(!{_text(cond)})", "invert_condition")
        else:
            self.replace(cond, f"!({_text(cond)})", "invert_condition")

    def _if_statement(self, node: Any) -> None:
        cond = node.child_by_field_name("condition")
        self._condition(cond)
        if cond is not None and _PERMISSION.search(_text(cond)) and self._is_guard(node):
            self.remove_statement(node, "remove_permission_check")

    def _is_guard(self, node: Any) -> bool:
        """An ``if`` without else whose body only leaves (return, raise, throw)."""
        if node.child_by_field_name("alternative") is not None:
            return False
        if any(c.type in ("elif_clause", "else_clause") for c in node.children):
            return False
        body = node.child_by_field_name("consequence")
        if body is None:
            return False
        stmts = body.named_children if body.type in ("block", "statement_block") else [body]
        stmts = [s for s in stmts if s.type != "comment"]
        return len(stmts) == 1 and stmts[0].type in (
            "return_statement", "raise_statement", "throw_statement",
        )  # fmt: skip

    def _elif_clause(self, node: Any) -> None:
        self._condition(node.child_by_field_name("condition"))
        self.add(node, *self._clause_span(node), b"", "drop_switch_case")

    def _clause_span(self, node: Any) -> tuple[int, int]:
        start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        end = self.source.find(b"\n", node.end_byte)
        return start, len(self.source) if end < 0 else end + 1

    def _while_statement(self, node: Any) -> None:
        self._condition(node.child_by_field_name("condition"))

    def _ternary_expression(self, node: Any) -> None:
        self._condition(node.child_by_field_name("condition"))

    def _conditional_expression(self, node: Any) -> None:  # Python: a if cond else b
        named = node.named_children
        if len(named) == 3:
            self._condition(named[1])

    # -- operators
    def _binary_expression(self, node: Any) -> None:
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op is None or left is None or right is None:
            return
        sym = _text(op)
        if sym in ("&&", "||", "??"):
            if sym != "??":
                self.replace(node, _text(left), "drop_condition")
                self.replace(node, _text(right), "drop_condition")
        elif sym in _SWAP:
            self.add(node, op.start_byte, op.end_byte, _SWAP[sym], "change_comparison")
            self._bound(right)
        elif sym in ("+", "-") and right.type in ("number", "integer") and _text(right) == "1":
            self.replace(node, _text(left), "off_by_one")
        elif sym == "-" and _in_comparator(node) is not None:
            self.replace(node, f"{_text(right)} - {_text(left)}", "change_sort_key")

    def _bound(self, node: Any) -> None:
        if node.type in ("number", "integer") and re.fullmatch(r"\d{1,4}", _text(node)):
            self.replace(node, str(int(_text(node)) + 1), "off_by_one")

    def _boolean_operator(self, node: Any) -> None:  # Python and/or
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            self.replace(node, _text(left), "drop_condition")
            self.replace(node, _text(right), "drop_condition")

    def _comparison_operator(self, node: Any) -> None:  # Python
        ops = [c for c in node.children if not c.is_named]
        names = node.named_children
        if len(names) != 2 or not ops:
            return
        sym = " ".join(_text(o) for o in ops)
        if sym in _SWAP:
            self.add(node, ops[0].start_byte, ops[-1].end_byte, _SWAP[sym], "change_comparison")
            self._bound(names[1])

    def _binary_operator(self, node: Any) -> None:  # Python
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op is not None and left is not None and right is not None:
            if _text(op) in ("+", "-") and right.type == "integer" and _text(right) == "1":
                self.replace(node, _text(left), "off_by_one")

    # -- statements and calls
    def _expression_statement(self, node: Any) -> None:
        inner = node.named_children[0] if node.named_children else None
        if inner is None:
            return
        call = inner.named_children[0] if inner.type in ("await_expression", "await") and inner.named_children else inner  # fmt: skip
        if call.type not in ("call_expression", "call"):
            return
        callee = _callee(call)
        if _SETTER.match(callee):
            self.remove_statement(node, "lose_state_update")
        elif callee and not callee.startswith(("console.", "print", "log", "logger.")):
            self.remove_statement(node, "remove_call")

    def _await_expression(self, node: Any) -> None:
        if node.named_children:
            self.replace(node, _text(node.named_children[0]), "remove_await")

    def _await(self, node: Any) -> None:  # Python
        self._await_expression(node)

    def _switch_case(self, node: Any) -> None:
        lines = _whole_lines(self.source, node.start_byte, node.end_byte)
        if lines is not None:
            self.add(node, lines[0], lines[1], b"", "drop_switch_case")

    def _call_expression(self, node: Any) -> None:
        callee = _callee(node)
        args = _args(node)
        name = callee.rsplit(".", 1)[-1]
        if name in _HOOKS_WITH_DEPS and len(args) == 2 and args[1].type == "array":
            deps = args[1].named_children
            for i, dep in enumerate(deps):
                rest = ", ".join(_text(d) for j, d in enumerate(deps) if j != i)
                self.add(dep, args[1].start_byte, args[1].end_byte, f"[{rest}]",
                         "drop_effect_dependency")  # fmt: skip
        if _ESCAPE.search(name) and args:
            self.replace(node, _text(args[0]), "remove_escaping")
        if callee in _ROUNDING_JS:
            fn = node.child_by_field_name("function")
            self.replace(fn, _ROUNDING_JS[callee], "change_rounding")
        if name == "localeCompare" and len(args) == 1 and _in_comparator(node) is not None:
            obj = node.child_by_field_name("function").child_by_field_name("object")
            if obj is not None:
                self.replace(node, f"{_text(args[0])}.localeCompare({_text(obj)})",
                             "change_sort_key")  # fmt: skip

    def _call(self, node: Any) -> None:  # Python
        callee = _callee(node)
        args = _args(node)
        name = callee.rsplit(".", 1)[-1]
        if _ESCAPE.search(name) and args and args[0].type != "keyword_argument":
            self.replace(node, _text(args[0]), "remove_escaping")
        if callee in _ROUNDING_PY and args and args[0].type != "keyword_argument":
            fn = node.child_by_field_name("function")
            positional = [a for a in args if a.type != "keyword_argument"]
            if callee == "round" and len(positional) == 2:
                self.replace(node, f"round({_text(positional[0])})", "change_rounding")
            elif callee != "int" or re.search(r"[/*]", _text(args[0])):
                self.replace(fn, _ROUNDING_PY[callee], "change_rounding")
        if name in ("sort", "sorted"):
            for a in args:
                if a.type == "keyword_argument" and _text(a).replace(" ", "") in (
                    "reverse=True", "reverse=False",
                ):  # fmt: skip
                    flipped = "False" if "True" in _text(a) else "True"
                    self.replace(a, f"reverse={flipped}", "change_sort_key")
                    break
            else:
                if any(_text(a).startswith("key") for a in args):
                    close = node.child_by_field_name("arguments").end_byte - 1
                    self.add(node, close, close, ", reverse=True", "change_sort_key")

    def _match_statement(self, node: Any) -> None:  # Python: a case dropped
        body = node.child_by_field_name("body")
        cases = [
            c for c in (body.named_children if body is not None else []) if c.type == "case_clause"
        ]
        for case in cases[:-1] if len(cases) > 1 else []:
            self.add(case, *self._clause_span(case), b"", "drop_switch_case")


def find_mutations(root: Path, files: list[str] | None = None) -> list[Mutation]:
    """Every mutation of the app at ``root`` (of ``files``, default :func:`source_files`), in
    file and position order."""
    out: list[Mutation] = []
    for rel in files if files is not None else source_files(root):
        language = language_of(rel)
        if language is None:
            continue
        source = (root / rel).read_bytes()
        found = _Finder(rel, source, language).find()
        out.extend(sorted(set(found), key=lambda m: (m.start, m.end, m.kind, m.replacement)))
    return out


# -- candidates ---------------------------------------------------------------------------------


def mutations_patch(root: Path, mutations: tuple[Mutation, ...]) -> str | None:
    """The git-style patch the mutations make on the clean tree (None when two overlap)."""
    out = []
    for path in sorted({m.path for m in mutations}):
        mine = sorted((m for m in mutations if m.path == path), key=lambda m: m.start)
        for a, b in zip(mine, mine[1:], strict=False):
            if b.start < a.end:
                return None
        source = (root / path).read_bytes()
        new = source
        for m in reversed(mine):
            new = new[: m.start] + m.replacement + new[m.end :]
        old_lines = source.decode().splitlines(keepends=True)
        new_lines = new.decode().splitlines(keepends=True)
        body = list(difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", n=3))
        if not body:
            return None
        out.append(f"diff --git a/{path} b/{path}\n")
        for line in body:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _candidate(root: Path, app: str, mutations: tuple[Mutation, ...]) -> Candidate | None:
    patch = mutations_patch(root, mutations)
    if patch is None:
        return None
    digest = hashlib.sha256(patch.encode()).hexdigest()[:10]
    return Candidate(mutations, patch, id=f"{app}-synth-{digest}")


def sample(
    root: Path, app: str, mutations: list[Mutation], count: int, seed: int
) -> list[Candidate]:
    """``count`` single-mutation candidates drawn without replacement by ``seed``, spread over
    the kinds (each kind in turn, so that the rarer kinds are not drowned by the common)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Mutation]] = {}
    for m in mutations:
        by_kind.setdefault(m.kind, []).append(m)
    for ms in by_kind.values():
        rng.shuffle(ms)
    out: list[Candidate] = []
    kinds = sorted(by_kind)
    while len(out) < count and any(by_kind.values()):
        for kind in kinds:
            if by_kind[kind] and len(out) < count:
                c = _candidate(root, app, (by_kind[kind].pop(),))
                if c is not None:
                    out.append(c)
    return out


def combine(
    root: Path, app: str, singles: list[Candidate], count: int, seed: int, most: int = 3
) -> list[Candidate]:
    """``count`` candidates of two or three ``singles`` (validated ones) in different files,
    preferring different layers (server and frontend); their scopes all come from ``singles``
    so a combination stays in its members' split (the caller passes one split's singles)."""
    rng = random.Random(seed)
    pool = [c for c in singles if len(c.mutations) == 1]
    out: list[Candidate] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < count and len(pool) >= 2 and tries < count * 20:
        tries += 1
        size = rng.choice((2, 2, 3)) if most >= 3 else 2
        picked = rng.sample(pool, min(size, len(pool)))
        files = [c.mutations[0].path for c in picked]
        if len(set(files)) < len(files):
            continue
        c = _candidate(root, app, tuple(m for p in picked for m in p.mutations))
        if c is not None and c.id not in seen:
            seen.add(c.id)
            out.append(c)
    return out
