"""Fields and the base schema shared by every form.

Rules every form inherits: unknown fields are refused, every string has a length limit, and
every string field is a ``String``: it refuses control characters, invisible format
characters and what is not a character (``shared.domain.text_input`` says which), before
any other rule of the field, with a message that names the character. Newline and tab are
kept only in multi-line text.

Every error message is a ``Problem``: the English text the API returns, which also says
which problem it is (``code``) and with which values (``params``), so the web pages can say
it in their own words and language without reading the English. Cross-field rules are
declared once (``Rule``): the schema enforces them, and the pages read the same
declarations to tell which questions must be answered, which are optional and which are
not asked at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, TypedDict

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate, validates_schema
from marshmallow.experimental.context import Context

from shared.domain.text_input import (
    CONTROL,
    EMAIL_INVALID,
    EMAIL_MAX_LENGTH,
    EMAIL_NOT_ASCII,
    EMAIL_QUOTED,
    EMAIL_TOO_LONG,
    FORMAT,
    NOT_TEXT,
    email_problem,
    forbidden_character,
)


class LoadContext(TypedDict):
    today: date


# The endpoint sets "today" from the injected clock; without it the real UTC date is used.
LOAD_CONTEXT = Context[LoadContext]

EARLIEST_DATE = date(1950, 1, 1)


class Problem(str):
    """An error message (the API's English text) that knows which problem it is."""

    code: str
    params: Mapping[str, Any]

    def __new__(cls, text: str, code: str, params: Mapping[str, Any] | None = None) -> Problem:
        problem = super().__new__(cls, text)
        problem.code = code
        problem.params = dict(params or {})
        return problem


# The code of each marshmallow error key our fields raise.
_KEY_CODES = {"required": "required", "null": "required", "invalid": "invalid",
              "type": "invalid", "too_long": "too_long", "control": "control",
              "future": "future", "too_old": "too_old", "unknown": "unknown"}


def _validator_problem(validator: object, value: Any, message: str) -> Problem:
    """A validator's message as a Problem: which check failed, with its values."""
    if isinstance(validator, validate.Length):
        count = len(value) if hasattr(value, "__len__") else 0
        too_long = validator.max is not None and count > validator.max
        return Problem(message, "too_long" if too_long else "too_short",
                       {"min": validator.min, "max": validator.max, "count": count})
    if isinstance(validator, validate.Range):
        return Problem(message, "range", {"min": validator.min, "max": validator.max})
    if isinstance(validator, validate.OneOf):
        return Problem(message, "choice")
    if isinstance(validator, validate.Equal):
        return Problem(message, "consent")
    if isinstance(validator, validate.Email):
        return Problem(message, "email")
    return Problem(message, str(getattr(validator, "code", "invalid")))


class Coded(fields.Field):  # type: ignore[type-arg]
    """Mixin: the field's own errors and its validators' errors come as Problems."""

    # A field's own error keys whose problem code differs from the key.
    problem_codes: ClassVar[Mapping[str, str]] = {}

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        error = super().make_error(key, **kwargs)
        message = error.messages[0] if isinstance(error.messages, list) else error.messages
        code = self.problem_codes.get(key) or _KEY_CODES.get(key, key)
        return ValidationError(Problem(str(message), code, kwargs))

    def _validate(self, value: Any) -> None:
        problems: list[Problem] = []
        for validator in self.validators:
            try:
                if validator(value) is False:
                    problems.append(Problem(str(self.error_messages["validator_failed"]),
                                            "invalid"))
            except ValidationError as error:
                messages = error.messages if isinstance(error.messages, list) else [
                    error.messages]
                problems += [_validator_problem(validator, value, str(m)) for m in messages]
        if problems:
            raise ValidationError(list(problems))


def today() -> date:
    try:
        return LOAD_CONTEXT.get()["today"]
    except LookupError:
        return datetime.now(UTC).date()


class String(Coded, fields.String):
    """A string field. Every string field of every schema is one (a test checks it): the
    characters of ``shared.domain.text_input`` are refused first, so whatever the field's
    other rules, the error says which character and why (problem codes ``control``,
    ``format`` and ``not_text``, with the character's code point as ``code``)."""

    multiline = False
    default_error_messages = {  # noqa: RUF012 (marshmallow merges this class attribute)
        CONTROL: "Must not contain control characters (found U+{code:04X}).",
        FORMAT: "Must not contain invisible formatting characters such as soft hyphens, "
                "zero-width spaces or direction marks (found U+{code:04X}).",
        NOT_TEXT: "Must not contain line separators or code points that are not "
                  "characters (found U+{code:04X}).",
    }

    def _prepare(self, text: str) -> str:
        """The text as checked (a subclass may rewrite it first)."""
        return text

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = self._prepare(str(super()._deserialize(value, attr, data, **kwargs)))
        refusal = forbidden_character(text, multiline=self.multiline)
        if refusal is not None:
            raise self.make_error(refusal.reason, code=refusal.code)
        return text


class Text(String):
    """Trimmed, NFC-normalised text of 1..max_length characters; in multi-line text, CRLF
    and CR are read as LF."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)
        self.multiline = multiline

    def _prepare(self, text: str) -> str:
        if not self.multiline:  # a lone CR is then refused as what it is
            return text
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return unicodedata.normalize("NFC", text).strip()


class Code(String):
    """One of a fixed set of codes from the taxonomy."""

    def __init__(self, codes: Iterable[str], **kwargs: Any) -> None:
        super().__init__(validate=validate.OneOf(list(codes)), **kwargs)


class Email(String):
    """An e-mail address (``shared.domain.text_input.email_problem``), surrounding spaces
    removed (after the character check: a control character is refused, not trimmed);
    kept as typed otherwise. Problem codes: ``too_long`` (with ``max`` and ``count``),
    ``email_quoted``, ``email_not_ascii`` and ``email``."""

    default_error_messages = {  # noqa: RUF012
        EMAIL_TOO_LONG: f"Longer than maximum length {EMAIL_MAX_LENGTH}.",
        EMAIL_QUOTED: "Enter the address without quotation marks: addresses with a quoted "
                      "part are not accepted.",
        EMAIL_NOT_ASCII: "Before the @, use only letters without accents (a to z), digits "
                         "and punctuation: this service cannot send mail to other "
                         "addresses.",
        EMAIL_INVALID: "Not a valid email address.",
    }
    problem_codes = {  # noqa: RUF012
        EMAIL_QUOTED: "email_quoted", EMAIL_NOT_ASCII: "email_not_ascii",
        EMAIL_INVALID: "email"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=EMAIL_MAX_LENGTH), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        address = super()._deserialize(value, attr, data, **kwargs).strip(" ")
        refusal = email_problem(address)
        if refusal is None:
            return address
        if refusal.reason == EMAIL_TOO_LONG:
            raise self.make_error(EMAIL_TOO_LONG, max=EMAIL_MAX_LENGTH, count=len(address))
        if refusal.code is not None:  # a character, named by its code point
            raise self.make_error(refusal.reason, code=refusal.code)
        raise self.make_error(refusal.reason)


class _PhoneNumber(validate.Regexp):
    code = "phone"


class Phone(String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=_PhoneNumber(
            r"^\+?[0-9][0-9 ().\-]{4,39}$",
            error="Enter a telephone number: digits, spaces, + ( ) . - only."), **kwargs)


class Count(Coded, fields.Integer):
    """A whole number given as a JSON integer (``6`` or ``6.0``: JSON Schema's integers
    are numbers without a fractional part) or, from an HTML form, as digits."""

    def __init__(self, *, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(low, high), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> int:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        return int(super()._deserialize(value, attr, data, **kwargs))


class PastDate(Coded, fields.Date):
    """An ISO date, not in the future and not before 1950.

    "Future" allows one day of slack: a reporter in UTC+14 can be a day ahead of UTC.
    """

    default_error_messages = {  # noqa: RUF012
        "future": "Must not be in the future.",
        "too_old": "Must not be before 1950-01-01.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if day > today() + timedelta(days=1):
            raise self.make_error("future")
        if day < EARLIEST_DATE:
            raise self.make_error("too_old")
        return day


class Flag(Coded, fields.Boolean):
    """A yes/no answer."""


class Group(Coded, fields.Nested):
    """A nested object of fields."""


class Rows(Coded, fields.List):  # type: ignore[type-arg]
    """A list of nested objects."""


def consent(message: str) -> Flag:
    return Flag(required=True, validate=validate.Equal(True, error=message))


def nested_list(schema: type[Schema], *, low: int, high: int, **kwargs: Any) -> Rows:
    return Rows(Group(schema), validate=validate.Length(min=low, max=high), **kwargs)


class Condition:
    """A condition on a form's answers, declared as data so that three readers agree: the
    schema (``holds`` on the loaded data, defaults applied), the pages (the same, on their
    typed answers) and the OpenAPI document (``json_schema``: the request bodies for which
    it holds, given the schema whose fields it reads, for their defaults)."""

    def holds(self, data: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        raise NotImplementedError

    def __call__(self, data: Mapping[str, Any]) -> bool:
        return self.holds(data)


@dataclass(frozen=True)
class Always(Condition):
    def holds(self, data: Mapping[str, Any]) -> bool:
        return True

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        return {}


def _default_of(schema: Schema, name: str) -> Any:
    field = schema.fields.get(name)
    default = getattr(field, "load_default", missing)
    return None if default is missing or callable(default) else default


@dataclass(frozen=True)
class IsOneOf(Condition):
    """The answer ``name`` is one of ``values`` (an absent answer reads as its default)."""

    name: str
    values: tuple[Any, ...]

    def holds(self, data: Mapping[str, Any]) -> bool:
        return any(data.get(self.name) == v and type(data.get(self.name)) is type(v)
                   for v in self.values)

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        values = list(self.values)
        value = {"const": values[0]} if len(values) == 1 else {"enum": values}
        found: dict[str, Any] = {"properties": {self.name: value}}
        default = _default_of(schema, self.name)
        if not any(default == v and type(default) is type(v) for v in values):
            found["required"] = [self.name]
        return found


def equals(name: str, value: Any) -> IsOneOf:
    return IsOneOf(name, (value,))


@dataclass(frozen=True)
class Given(Condition):
    """The answer ``name`` was given (and is valid)."""

    name: str

    def holds(self, data: Mapping[str, Any]) -> bool:
        return data.get(self.name) is not None

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        return {"required": [self.name]}


@dataclass(frozen=True)
class Not(Condition):
    condition: Condition

    def holds(self, data: Mapping[str, Any]) -> bool:
        return not self.condition.holds(data)

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        return {"not": self.condition.json_schema(schema)}


@dataclass(frozen=True)
class All(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, data: Mapping[str, Any]) -> bool:
        return all(c.holds(data) for c in self.conditions)

    def json_schema(self, schema: Schema) -> dict[str, Any]:
        return {"allOf": [c.json_schema(schema) for c in self.conditions]}


ALWAYS = Always()

# Rule kinds: what the rule demands of ``paths`` and the problem code of its error.
REQUIRED, ONLY_WHEN, ONE_OF, CHOICE, VALUE = "required", "only_when", "one_of", "choice", "value"
_KIND_CODES = {REQUIRED: "required", ONLY_WHEN: "not_asked", ONE_OF: "one_of",
               CHOICE: "choice", VALUE: "invalid"}


@dataclass(frozen=True)
class Rule:
    """A cross-field rule of a schema, declared as data: the schema enforces it
    (``apply_rules``), the pages read it, and the OpenAPI document states it in JSON Schema
    (``rule_json_schema``), so the three cannot disagree.

    ``required``: each of ``paths`` must be given when ``when`` holds of the loaded data
    (and, with ``within``, only when that group was sent). ``only_when``: each of ``paths``
    must be left empty unless ``when`` holds; a page does not ask them then. ``one_of``: at
    least one of ``paths`` must be given (error on ``error_path``). ``choice``: the answer
    at ``paths`` must be one of ``choices[answer of depends_on[0]]``. ``value``: when
    ``when`` holds, the answer at ``paths`` (as loaded) must be one of ``allowed``.
    ``depends_on`` names the answers ``when`` reads: a page asks them first, and always
    expects an answer to them. Paths are dotted (``reporter.email``).
    """

    kind: str
    paths: tuple[str, ...]
    message: str
    when: Condition = ALWAYS
    depends_on: tuple[str, ...] = ()
    within: str | None = None
    error_path: str | None = None
    allowed: tuple[Any, ...] = ()  # only_when: values accepted even when ``when`` fails
    code: str = ""
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def problem_code(self) -> str:
        return self.code or _KIND_CODES[self.kind]


def required(*paths: str, message: str, when: Condition = ALWAYS,
             depends_on: tuple[str, ...] = (), within: str | None = None,
             error_path: str | None = None, code: str = "") -> Rule:
    return Rule(REQUIRED, paths, message, when, depends_on, within, error_path, code=code)


def only_when(*paths: str, message: str, when: Condition, depends_on: tuple[str, ...],
              allowed: tuple[str, ...] = (), code: str = "") -> Rule:
    return Rule(ONLY_WHEN, paths, message, when, depends_on, allowed=allowed, code=code)


def one_of(*paths: str, message: str, error_path: str, when: Condition = ALWAYS,
           depends_on: tuple[str, ...] = (), within: str | None = None) -> Rule:
    return Rule(ONE_OF, paths, message, when, depends_on, within, error_path)


def choice_by(path: str, by: str, choices: Mapping[str, Iterable[str]], *,
              message: str = "Must be one of: {choices}.") -> Rule:
    """The answer at ``path`` must be one of ``choices[answer at by]`` (``message`` may
    name ``{key}``, the answer at ``by``, and ``{choices}``)."""
    table = tuple((key, tuple(values)) for key, values in choices.items())
    return Rule(CHOICE, (path,), message, depends_on=(by,), choices=table)


def value_in(path: str, allowed: Iterable[Any], *, message: str, when: Condition,
             depends_on: tuple[str, ...]) -> Rule:
    return Rule(VALUE, (path,), message, when, depends_on, allowed=tuple(allowed))


def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def apply_rules(rules: Iterable[Rule], data: Mapping[str, Any], original: Any,
                errors: ErrorCollector) -> None:
    """Check each rule against the loaded ``data`` and what the client sent."""
    for rule in rules:
        if rule.within is not None and not provided(original, *_split(rule.within)):
            continue
        if rule.kind == CHOICE:
            _check_choice(rule, data, errors)
            continue
        holds = rule.when.holds(data)
        if rule.kind == REQUIRED and holds:
            for path in rule.paths:
                if not provided(original, *_split(path)):
                    errors.add(_split(rule.error_path or path), rule.message,
                               rule.problem_code)
        elif rule.kind == ONLY_WHEN and not holds:
            for path in rule.paths:
                if provided(original, *_split(path)) and sent(
                        original, *_split(path)) not in rule.allowed:
                    errors.add(_split(path), rule.message, rule.problem_code)
        elif rule.kind == ONE_OF and holds and not any(
                provided(original, *_split(path)) for path in rule.paths):
            errors.add(_split(rule.error_path or rule.paths[-1]), rule.message,
                       rule.problem_code)
        elif rule.kind == VALUE and holds:
            for path in rule.paths:
                value = sent(data, *_split(path))
                if value is not None and not any(
                        value == a and type(value) is type(a) for a in rule.allowed):
                    errors.add(_split(path), rule.message, rule.problem_code)


def _check_choice(rule: Rule, data: Mapping[str, Any], errors: ErrorCollector) -> None:
    key, value = data.get(rule.depends_on[0]), sent(data, *_split(rule.paths[0]))
    table = dict(rule.choices)
    if value is None or not isinstance(key, str) or key not in table:
        return
    if value not in table[key]:
        errors.add(_split(rule.paths[0]),
                   rule.message.format(key=key, choices=", ".join(table[key])),
                   rule.problem_code)


# --- The rules in JSON Schema (2020-12), for the OpenAPI document ---------------------------

def _nest(path: str, leaf: dict[str, Any], *, require_groups: bool) -> dict[str, Any]:
    """``leaf`` said of the object holding the last part of ``path``; the groups on the
    way are required too unless ``require_groups`` is false (a rule ``within`` a group)."""
    *groups, _ = _split(path)
    for group in reversed(groups):
        leaf = {"properties": {group: leaf}}
        if require_groups:
            leaf["required"] = [group]
    return leaf


def _present(path: str, within: str | None) -> dict[str, Any]:
    return _nest(path, {"required": [_split(path)[-1]]}, require_groups=within is None)


def _value(path: str, value_schema: dict[str, Any] | bool) -> dict[str, Any]:
    return _nest(path, {"properties": {_split(path)[-1]: value_schema}}, require_groups=False)


def _merged(items: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema saying all of ``items`` when they only constrain properties; else allOf."""
    if len(items) == 1:
        return items[0]
    if all(set(item) == {"properties"} for item in items):
        properties: dict[str, Any] = {}
        for item in items:
            for name, value in item["properties"].items():
                if name in properties:
                    return {"allOf": items}
                properties[name] = value
        return {"properties": properties}
    return {"allOf": items}


def _one(items: list[dict[str, Any]]) -> dict[str, Any]:
    return _merged(items)


def _enum(values: Iterable[Any]) -> dict[str, Any]:
    listed = list(values)
    return {"const": listed[0]} if len(listed) == 1 else {"enum": listed}


def rule_json_schema(rule: Rule, schema: Schema) -> dict[str, Any]:
    """The JSON Schema a request body must satisfy for ``rule`` (``schema``: the schema that
    declares it, whose fields give the defaults its condition reads)."""
    if rule.kind == CHOICE:
        by, path = rule.depends_on[0], rule.paths[0]
        return _one([{"if": equals(by, key).json_schema(schema),
                      "then": _value(path, _enum(values))} for key, values in rule.choices])
    condition = rule.when.json_schema(schema)
    if rule.kind == REQUIRED:
        top_level = all("." not in path for path in rule.paths) and rule.within is None
        if isinstance(rule.when, Given) and top_level:
            return {"dependentRequired": {rule.when.name: list(rule.paths)}}
        demand = _one([_present(p, rule.within) for p in rule.paths])
    elif rule.kind == ONE_OF:
        demand = {"anyOf": [_present(p, rule.within) for p in rule.paths]}
    elif rule.kind == VALUE:
        demand = _one([_value(p, _enum(rule.allowed)) for p in rule.paths])
    else:  # ONLY_WHEN: absent (or one of ``allowed``) unless the condition holds
        absent: dict[str, Any] | bool = _enum(rule.allowed) if rule.allowed else False
        return {"if": condition, "else": _one([_value(p, absent) for p in rule.paths])}
    if isinstance(rule.when, Always):
        return demand
    return {"if": condition, "then": demand}


@dataclass(frozen=True)
class Unstated:
    """A rule of a schema that JSON Schema cannot state (it compares two answers' values,
    or reads the clock): ``more_rules`` enforces it, and the OpenAPI document lists it
    (``x-unstated-rules``) under ``code``, with the ``paths`` it reads (``*``: every item of
    a list) and what it says."""

    code: str
    paths: tuple[str, ...]
    description: str


class IntakeSchema(Schema):
    """Base of every form schema: unknown fields raise; ``rules`` are checked after the
    fields, with the schema's own ``more_rules`` (checks on values, not on presence), which
    ``unstated`` declares for the document."""

    rules: ClassVar[tuple[Rule, ...]] = ()
    unstated: ClassVar[tuple[Unstated, ...]] = ()
    error_messages: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        "unknown": Problem("Unknown field.", "unknown"),
        "type": Problem("Invalid input type.", "invalid"),
    }

    class Meta:
        unknown = RAISE

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        apply_rules(self.rules, data, original, errors)
        self.more_rules(data, original, errors)
        errors.raise_if_any()

    def more_rules(self, data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
        """Checks a subclass adds: on values (an order of dates), not on presence."""


def sent(original: Any, *path: str | int) -> Any:
    """What the client sent at ``path``, or None."""
    node = original
    for key in path:
        in_mapping = isinstance(node, Mapping) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if in_mapping or in_list:
            node = node[key]
        else:
            return None
    return node


def provided(original: Any, *path: str | int) -> bool:
    """Whether the client sent a non-blank value at ``path`` (valid or not): a rule that
    requires a field must not pile onto the field's own error."""
    node = sent(original, *path)
    return not (node is None or (isinstance(node, str) and not node.strip()))


class ErrorCollector:
    """Collects cross-field errors keyed like marshmallow's (nested dicts, list indexes)."""

    def __init__(self) -> None:
        self.messages: dict[Any, Any] = {}

    def add(self, path: tuple[Any, ...], message: str, code: str = "invalid",
            **params: Any) -> None:
        node = self.messages
        for part in path[:-1]:
            node = node.setdefault(int(part) if str(part).isdigit() else part, {})
        node.setdefault(path[-1], []).append(Problem(message, code, params))

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)
