"""The one YAML reader of the course's files (cases, exercises, trainer notes), with lines.

A course builder's YAML mistake is reported with the line it is on, so the reader keeps lines:
every mapping is a :class:`LinedDict` that knows its own line and the line of each key. It is a
PyYAML ``SafeLoader`` (no Python objects can be built from a file) that also

- keeps dates as the text written, so a schema sees what the author wrote;
- reads every key as the text written (``5:`` is the key ``"5"``);
- records keys given twice in one mapping (``duplicates``: mapping node, key, line, first
  line), which plain YAML would let the last one win in silence;
- keeps a number too long for Python to read as its text (``long_numbers``), rather than
  failing.

Examples
--------
>>> loader = loader_class()("title: A\\nperiod:\\n  start: 2019-01-01\\ntitle: B\\n")
>>> data = loader.get_single_data()
>>> data["period"]["start"], data["period"].line, data.key_lines["period"]
('2019-01-01', 3, 2)
>>> [(key, line, first) for _node, key, line, first in loader.duplicates]
[('title', 4, 1)]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from toolkit.errors import Problem

__all__ = ["LinedDict", "loader_class", "read_yaml"]


class LinedDict(dict[Any, Any]):
    """A mapping read from YAML that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


_LOADER: type | None = None


def loader_class() -> type:
    """The loader class (use an instance: it records what it noticed while reading)."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml
    from yaml.constructor import ConstructorError

    class Loader(yaml.SafeLoader):
        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.duplicates: list[tuple[Any, str, int, int]] = []
            self.long_numbers: list[Any] = []

        def construct_mapping(self, node: Any, deep: bool = False) -> LinedDict:
            if not isinstance(node, yaml.MappingNode):
                raise ConstructorError(
                    None, None, f"expected a mapping node, but found {node.id}", node.start_mark
                )
            own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
            self.flatten_mapping(node)
            mapping = LinedDict()
            mapping.line = node.start_mark.line + 1
            mapping.key_lines = {}
            first: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = self._value(key_node, deep)
                if not isinstance(key, str) and isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                try:
                    hash(key)
                except TypeError:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from None
                line = key_node.start_mark.line + 1
                if id(key_node) in own:
                    if key in first:
                        self.duplicates.append((node, key, line, first[key]))
                    else:
                        first[key] = line
                mapping[key] = self._value(value_node, deep)
                mapping.key_lines[str(key)] = line
            return mapping

        def _value(self, node: Any, deep: bool) -> Any:
            try:
                return self.construct_object(node, deep=deep)
            except ValueError as exc:  # a value PyYAML resolves but Python cannot build
                raise ConstructorError(
                    None, None, f"a value cannot be read ({exc})", node.start_mark
                ) from None

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:  # more digits than Python reads (sys.get_int_max_str_digits)
                self.long_numbers.append(node)
                return node.value

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Loader.construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _LOADER = Loader
    return Loader


def read_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    """Read one YAML file: its data (None if it cannot be read) and the problems found.

    Problems name ``shown`` (the path as the course builder typed it) and the line: a file that
    is not UTF-8 or not valid YAML, a number too long to read, a key given twice.
    """
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown, "is not UTF-8 text (save it as UTF-8)")]
    except OSError as exc:
        return None, [Problem(shown, f"cannot be read ({exc.strerror})")]
    loader = loader_class()(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return None, [
            Problem(shown, f"is not valid YAML: {what}", row=mark.line + 1 if mark else None)
        ]
    finally:
        loader.dispose()
    if loader.long_numbers:
        node = loader.long_numbers[0]
        return None, [
            Problem(
                shown,
                f"is not valid YAML: a number has more than {sys.get_int_max_str_digits()} digits",
                row=node.start_mark.line + 1,
            )
        ]
    problems = [
        Problem(shown, f'"{key}" is given twice; the second one would silently win', row=line)
        for _node, key, line, _first in loader.duplicates
    ]
    return data, problems
