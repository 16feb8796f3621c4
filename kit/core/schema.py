"""Data files checked against their JSON Schemas (``kit/data/schemas``) when they are loaded.

A file that breaks its schema is refused whole: the error names the file, every key that is
wrong (``components[2].weight``, list items counted from 1) with its line, and the problem, in
the reader's language. Loaders add the checks a schema cannot express (weights adding up to 100,
codes that exist elsewhere) as further problems of the same error.

Two validators, one schema: fastjsonschema (compiled, imported in milliseconds) decides whether
a file is valid, so a kernel reading the kit's reference data pays almost nothing; jsonschema
(about a second to import here) is asked only about a refused file, to list all its problems.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import fastjsonschema
import yaml

from kit.core.errors import SetupError
from kit.core.messages import message

__all__ = [
    "DataFile",
    "DataFileError",
    "Problem",
    "read_data_file",
    "read_kit_data",
    "schema_names",
    "validate_data",
]

KeyPath = tuple[str | int, ...]
# libyaml when present: the same documents, nodes and marks, parsed several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Type names as a reader of the YAML file knows them (catalogue keys data.type.<name>).
_TYPE_OF = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
            (list, "array"), (dict, "object"), (type(None), "null"))  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where (key path, line) and what, already worded."""

    path: KeyPath
    text: str
    line: int | None = None

    @property
    def where(self) -> str:
        """``components[2].weight`` (items counted from 1), or the whole file for ``()``."""
        if not self.path:
            return message("data.whole_file")
        parts: list[str] = []
        for part in self.path:
            if isinstance(part, int):
                parts.append(f"[{part + 1}]")
            else:
                parts.append(("." if parts else "") + str(part))
        return "".join(parts)

    def __str__(self) -> str:
        line = message("data.line", line=self.line) if self.line is not None else ""
        if not self.path:  # the file as a whole: its line alone says where, if known
            return f"{line or self.where}: {self.text}"
        return f"{self.where} ({line}): {self.text}" if line else f"{self.where}: {self.text}"


class DataFileError(SetupError, ValueError):
    """A data file is unreadable or invalid; the message lists every problem found.

    ``DataFileError(source, problems)`` words the message itself; ``DataFileError(text)`` keeps
    a message already worded (for errors about data that came from no single file).
    """

    hint_key = "error.hint.data"

    def __init__(self, source: str | Path, problems: Iterable[Problem] | None = None):
        if problems is None:
            self.source: str | None = None
            self.problems: tuple[Problem, ...] = ()
            text = str(source)
        else:
            self.source = str(source)
            self.problems = tuple(problems)
            text = _render(self.source, self.problems)
        head, *rest = text.splitlines() or [""]
        # One line says which file and what, the problems follow as details.
        super().__init__(head, details=[line for line in rest if line.strip()])
        self.message = text

    def __str__(self) -> str:
        # Subclasses that are also an OSError (access errors) would otherwise print errno parts.
        return self.message


def _render(source: str, problems: Sequence[Problem]) -> str:
    if len(problems) == 1:
        return message("data.invalid_one", source=source, problem=problems[0])
    listed = "\n".join(f"- {problem}" for problem in problems)
    return message("data.invalid_many", source=source, count=len(problems), problems=listed)


@dataclass(frozen=True)
class DataFile:
    """A data file that passed its schema: its ``data`` (JSON types: keys are text, dates ISO
    text) and what loaders need to report further problems with lines."""

    source: str
    data: Any
    error: type[DataFileError] = DataFileError
    lines: dict[KeyPath, int] = field(default_factory=dict, repr=False)

    def problem(self, path: Sequence[str | int], text: str) -> Problem:
        """A problem at ``path`` (a key path into ``data``), with its line when known."""
        return Problem(tuple(path), text, _line_of(self.lines, tuple(path)))

    def check(self, problems: Sequence[Problem]) -> None:
        """Raise the loader's error listing ``problems``, if there are any."""
        if problems:
            raise self.error(self.source, _sorted(problems))


def read_data_file(
    path: Path | str | Traversable,
    schema: str,
    *,
    source: str | None = None,
    error: type[DataFileError] = DataFileError,
) -> DataFile:
    """Read the YAML file ``path`` and check it against ``kit/data/schemas/<schema>.schema.yml``.

    Raises ``error`` (a :class:`DataFileError`) naming ``source`` (default: the path) for a
    missing file, invalid YAML, a key written twice, or any schema violation; nothing of an
    invalid file is returned.
    """
    where = source or str(path)
    if isinstance(path, str):
        path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        missing = error(message("data.not_found", source=where))
        missing.source = where
        raise missing from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(where, [Problem((), message("data.unreadable", detail=exc))]) from None
    data, lines = _parse_yaml(text, where, error)
    return DataFile(
        where, validate_data(data, schema, where, error=error, lines=lines), error, lines
    )


def read_kit_data(
    name: str, schema: str, *, error: type[DataFileError] = DataFileError
) -> DataFile:
    """:func:`read_data_file` for the kit's own ``kit/data/<name>``."""
    path = resources.files("kit").joinpath("data").joinpath(name)
    return read_data_file(path, schema, source=f"kit/data/{name}", error=error)


def validate_data(
    data: Any,
    schema: str,
    source: str | Path,
    *,
    error: type[DataFileError] = DataFileError,
    lines: dict[KeyPath, int] | None = None,
) -> Any:
    """``data`` as JSON types (keys as text, dates as ISO text) if it satisfies ``schema``.

    Otherwise raises ``error`` naming ``source`` and listing every problem, sorted by key path.
    """
    plain = _plain(data)
    try:
        _fast_validator(schema)(plain)
        return plain
    except fastjsonschema.JsonSchemaValueException as refused:
        problems = _explain(plain, schema, lines or {})
        if not problems:  # the two validators disagree: still refuse, with what the gate said
            path = tuple(refused.path[1:])  # fastjsonschema's paths start at "data"
            problems = [Problem(path, message("data.schema.other", kind=refused.rule,
                                              detail=refused.message))]  # fmt: skip
        raise error(str(source), _sorted(problems)) from None


def schema_names() -> list[str]:
    """The schemas in ``kit/data/schemas`` (``competencies``, ``module``, ...)."""
    folder = resources.files("kit").joinpath("data").joinpath("schemas")
    suffix = ".schema.yml"
    return sorted(f.name.removesuffix(suffix) for f in folder.iterdir() if f.name.endswith(suffix))


# --- reading YAML with lines --------------------------------------------------------------------


def _parse_yaml(
    text: str, where: str, error: type[DataFileError]
) -> tuple[Any, dict[KeyPath, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {}
        problems: list[Problem] = []
        _index(node, (), lines, problems)
        if problems:
            raise error(where, _sorted(problems))
        try:
            return loader.construct_document(node), lines
        except ValueError as exc:  # e.g. an unquoted date that is no date: 2026-02-30
            line = _bad_scalar_line(node)
            raise error(where, [Problem((), message("data.bad_value", detail=exc), line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line = mark.line + 1 if mark else None
        raise error(where, [Problem((), message("data.not_yaml", detail=detail), line)]) from None
    except yaml.YAMLError as exc:
        raise error(where, [Problem((), message("data.not_yaml", detail=exc))]) from None
    finally:
        loader.dispose()


def _index(
    node: yaml.Node, path: KeyPath, lines: dict, problems: list[Problem], inside: tuple = ()
) -> None:
    """Record the line of every key and item. A key written twice is a problem (PyYAML would
    silently keep the last one), and so is data that contains itself through an alias."""
    if id(node) in inside:  # an alias to an enclosing anchor: the data would contain itself
        problems.append(Problem(path, message("data.recursive"), node.start_mark.line + 1))
        return
    inside = (*inside, id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                text = message("data.duplicate_key", first=seen[key])
                problems.append(Problem((*path, key), text, line))
                continue
            seen[key] = line
            lines[(*path, key)] = line
            _index(value_node, (*path, key), lines, problems, inside)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _index(item, (*path, index), lines, problems, inside)


def _bad_scalar_line(node: yaml.Node) -> int | None:
    """The line of the first scalar that cannot be constructed (PyYAML's ValueError has none)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.constructor.SafeConstructor().construct_object(node)
        except (ValueError, yaml.YAMLError):
            return node.start_mark.line + 1
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        line = _bad_scalar_line(child)
        if line is not None:
            return line
    return None


def _line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _plain(value: Any) -> Any:
    """JSON types: mapping keys as text (YAML reads ``1:`` as a number), dates as ISO text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    return value


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    def key(problem: Problem) -> tuple:
        return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in problem.path)

    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (key(p), p.text))


# --- the schemas and the two validators ----------------------------------------------------------


@cache
def _schema(name: str) -> dict:
    folder = resources.files("kit").joinpath("data").joinpath("schemas")
    return yaml.load(folder.joinpath(f"{name}.schema.yml").read_text("utf-8"), Loader=_Loader)


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def _fast_validator(name: str) -> Callable[[Any], Any]:
    # use_default=False: validation must never write defaults into the caller's data.
    return fastjsonschema.compile(_schema(name), formats={"date": _is_date}, use_default=False)


@cache
def _full_validator(name: str):  # noqa: ANN202 - jsonschema is imported only here
    from jsonschema import Draft7Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(_is_date)
    Draft7Validator.check_schema(_schema(name))
    return Draft7Validator(_schema(name), format_checker=checker)


def _explain(data: Any, schema: str, lines: dict[KeyPath, int]) -> list[Problem]:
    problems = []
    for error in _full_validator(schema).iter_errors(data):
        for path, text in _translate(error):
            problems.append(Problem(path, text, _line_of(lines, path)))
    return problems


def _translate(error: Any) -> list[tuple[KeyPath, str]]:
    """Word one jsonschema error in the catalogue's language (as a path and a phrase)."""
    kind, limit, value = error.validator, error.validator_value, error.instance
    path: KeyPath = tuple(error.absolute_path)
    if kind == "required":
        missing = [key for key in limit if isinstance(value, dict) and key not in value]
        return [((*path, key), message("data.schema.required")) for key in missing]
    if kind == "dependencies":
        found = []
        for key, needed in limit.items():
            if isinstance(value, dict) and key in value and isinstance(needed, list):
                for other in needed:
                    if other not in value:
                        found.append(((*path, other), message("data.schema.depends", name=key)))
        return found
    if kind == "additionalProperties" and limit is False:
        allowed = list(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [
            key for key in value
            if key not in allowed and not any(re.search(p, key) for p in patterns)
        ]  # fmt: skip
        return [((*path, key), _unknown_key(key, allowed)) for key in extra]
    phrase = _phrase(kind, limit, value, error.schema)
    return [(path, phrase or message("data.schema.other", kind=kind, detail=error.message))]


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = message("data.schema.did_you_mean", name=close[0]) if close else ""
    return message("data.schema.unknown_key", hint=hint, allowed=", ".join(allowed) or "-")


def _phrase(kind: str | None, limit: Any, value: Any, schema: Any) -> str | None:
    if kind == "type":
        wanted = limit if isinstance(limit, list) else [limit]
        names = message("data.or").join(message(f"data.type.{name}") for name in wanted)
        return message("data.schema.type", expected=names, actual=_describe(value))
    if kind in ("enum", "const"):
        choices = limit if kind == "enum" else [limit]
        return message(
            "data.schema.enum", value=_show(value), choices=", ".join(_show(c) for c in choices)
        )
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return message(f"data.schema.{kind}", limit=_show(limit), value=_show(value))
    if kind in ("minLength", "minItems") and limit == 1:
        return message("data.schema.empty")
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        return message(f"data.schema.{kind}", limit=limit, count=len(value))
    if kind == "pattern":
        hint = schema.get("x-message") if isinstance(schema, dict) else None
        if hint:
            return message(hint, value=_show(value))
        return message("data.schema.pattern", value=_show(value), pattern=limit)
    if kind == "uniqueItems":
        repeated = sorted({_show(v) for v in value if value.count(v) > 1})
        return message("data.schema.uniqueItems", items=", ".join(repeated))
    if kind == "format":
        return message(f"data.format.{limit}", value=_show(value))
    return None


def _show(value: Any) -> str:
    """A value as the file wrote it: text in quotes, numbers as they are."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return message("data.type.null")
    return str(value)


def _describe(value: Any) -> str:
    """``teks 'dua puluh'``, ``angka 1.5``, ``daftar``: what the file holds instead."""
    name = next((n for t, n in _TYPE_OF if isinstance(value, t)), None)
    if name is None:
        return repr(value)
    if name in ("array", "object", "null"):
        return message(f"data.type.{name}")
    return f"{message(f'data.type.{name}')} {_show(value)}"
