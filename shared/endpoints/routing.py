"""A function's routes as a ``werkzeug.routing`` map: which handler serves a path and a
method, what its converters take from the path, and which methods a path allows when the
one asked is not among them (for the 405 and its ``Allow`` header).

Maps here never redirect: a function answers its path as it comes (callers normalise
slashes first), so ``strict_slashes`` and ``merge_slashes`` are off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule, ValidationError

from shared.domain.references import parse_reference


class NoRoute(LookupError):
    """No route has this path: a 404."""


class WrongMethod(Exception):
    """Routes have this path, for other methods: a 405."""

    def __init__(self, endpoint: Any, allowed: tuple[str, ...]) -> None:
        super().__init__(allowed)
        self.endpoint = endpoint  # the endpoint of a route with this path
        self.allowed = allowed  # sorted, as the Allow header lists them

    @property
    def allow(self) -> str:
        return ", ".join(self.allowed)


class ExactRule(Rule):
    """A rule for the methods it names and no others. werkzeug lets HEAD in wherever GET
    is; this rule does not, for a GET whose effects a HEAD must not have (opening a case
    records that it was read)."""

    def __init__(self, string: str, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        if self.methods is not None:
            self.methods.discard("HEAD")


class ReferenceConverter(BaseConverter):
    """A case reference in the path, however a person typed it, in its canonical form; a
    segment that cannot be one matches no route."""

    def to_python(self, value: str) -> str:
        reference = parse_reference(value)
        if reference is None:
            raise ValidationError()
        return reference


def path_of(raw: str) -> str:
    """A request's path as the maps match it: empty segments do not count, so
    ``/<reference>/`` and ``//<reference>`` are ``/<reference>``."""
    return "/" + "/".join(part for part in raw.split("/") if part)


def routes(rules: Iterable[Rule],
           converters: Mapping[str, type[BaseConverter]] | None = None) -> Map:
    return Map(list(rules), converters=dict(converters or {}), strict_slashes=False,
               merge_slashes=False)


def match(routing: Map, path: str, method: str) -> tuple[Any, Mapping[str, Any]]:
    """The endpoint of the route for ``path`` and ``method``, and the values its converters
    took from the path. Raises ``NoRoute`` or ``WrongMethod``."""
    adapter = routing.bind("function.invalid")
    try:
        return adapter.match(path, method)
    except NotFound:
        raise NoRoute(path) from None
    except MethodNotAllowed as refused:
        # werkzeug checks the method before the converters: a method is allowed only if a
        # route for it takes the path whole. HEAD is answered wherever GET is, and never
        # listed.
        served: dict[str, Any] = {}
        for other in sorted(set(refused.valid_methods or ()) - {"HEAD"}):
            try:
                served[other], _ = adapter.match(path, other)
            except (NotFound, MethodNotAllowed):
                continue
        if not served:
            raise NoRoute(path) from None
        raise WrongMethod(next(iter(served.values())), tuple(served)) from None
