"""Method + path routing with typed path parameters: /api/reports/<int:report_id>."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import MethodNotAllowed, NotFound

_PARAM = re.compile(r"<(?:(int|str):)?([a-z_]+)>")
_CONVERTERS = {"int": (r"[0-9]+", int), "str": (r"[^/]+", str)}


@dataclass
class Route:
    method: str
    pattern: str
    handler: Callable
    public: bool
    regex: re.Pattern
    converters: dict[str, Callable]


def compile_pattern(pattern: str) -> tuple[re.Pattern, dict[str, Callable]]:
    converters: dict[str, Callable] = {}
    parts = []
    position = 0
    for match in _PARAM.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        kind, name = match.group(1) or "str", match.group(2)
        regex, convert = _CONVERTERS[kind]
        parts.append(f"(?P<{name}>{regex})")
        converters[name] = convert
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("".join(parts)), converters


class RouteTable:
    """Routes declared by one API module."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Callable, *, public: bool = False) -> None:
        regex, converters = compile_pattern(pattern)
        self.routes.append(Route(method, pattern, handler, public, regex, converters))

    def _decorator(self, method: str, pattern: str, public: bool):
        def register(handler: Callable) -> Callable:
            self.add(method, pattern, handler, public=public)
            return handler

        return register

    def get(self, pattern: str, *, public: bool = False):
        return self._decorator("GET", pattern, public)

    def post(self, pattern: str, *, public: bool = False):
        return self._decorator("POST", pattern, public)

    def patch(self, pattern: str, *, public: bool = False):
        return self._decorator("PATCH", pattern, public)

    def delete(self, pattern: str, *, public: bool = False):
        return self._decorator("DELETE", pattern, public)


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def include(self, table: RouteTable) -> None:
        self._routes.extend(table.routes)

    def resolve(self, method: str, path: str) -> tuple[Route, dict]:
        path_matched = False
        for route in self._routes:
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            if route.method != method:
                path_matched = True
                continue
            params = {
                name: route.converters[name](value) for name, value in match.groupdict().items()
            }
            return route, params
        if path_matched:
            raise MethodNotAllowed(f"{method} is not allowed on {path}")
        raise NotFound("Not found")
