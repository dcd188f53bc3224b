"""What every check of one data folder resolves against: its schemas, vocabularies and sources.

A :class:`CaseContext` is built once per data folder and handed to each check of a case or a
CSV, so the vocabularies and sources are read once and every unknown value can be matched
against them ("did you mean ...?").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.core.paths import data_dir
from toolkit.data import reading as _checks
from toolkit.data.csv_checks import rows_of
from toolkit.errors import Problem


class CaseContext:
    """The schemas, vocabularies and sources a check resolves against (one data folder).

    ``problems`` lists the vocabularies and sources that could not be read: every check
    depends on them, so validation reports those alone rather than a flood of unknown values.
    """

    def __init__(self, root: Path):
        self.root = root
        self.schemas: dict[str, dict[str, Any]] = {}
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.lookups: dict[str, _checks.Lookup] = {}
        self.problems: list[Problem] = []
        for name in (*_checks.VOCABULARIES, "sources"):
            csv_path = root / ("sources.csv" if name == "sources" else f"vocab/{name}.csv")
            read = _checks.read_text(csv_path)
            if read.problem:
                self.problems.append(read.problem)
            text = read.text
            rows = rows_of(text) if text else []
            self.rows[name] = [r for r in rows if any(v.strip() for v in r.values())]
            key = "source_id" if name == "sources" else "id"
            where = "sources.csv" if name == "sources" else f"vocab/{name}.csv"
            self.lookups[name] = _checks.Lookup(
                name, self.rows[name], key, f"{where} in the data folder"
            )

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema ``schemas/<name>.schema.json``; raises ``_checks.BadFile``."""
        return self.schema_at(self.root / "schemas" / f"{name}.schema.json")

    def schema_at(self, path: Path) -> dict[str, Any]:
        """A Table Schema by path, checked once; raises ``_checks.BadFile`` when unusable."""
        key = str(path)
        if key not in self.schemas:
            self.schemas[key] = _checks.load_table_schema(path)
        return self.schemas[key]

    def case_schema(self) -> dict[str, Any]:
        """``schemas/case.schema.json`` (a JSON Schema); raises ``_checks.BadFile``."""
        key = "case.schema.json"
        if key not in self.schemas:
            self.schemas[key] = _checks.load_json_schema(self.root / "schemas" / key)
        return self.schemas[key]

    def unchecked(self, shown: str) -> Problem:
        """The warning that ``shown`` was not checked because the shared files are broken."""
        return Problem(
            shown,
            "nothing else was checked, because every check depends on the vocabularies and sources",
            level="warning",
        )

    def references(self, schema: dict[str, Any]) -> dict[str, tuple[Path, dict[str, Any]]]:
        """Tables that ``schema``'s foreign keys point at: vocabularies, sources, or other
        resources of the data package (which also get a lookup for messages)."""
        refs = {}
        for fk in schema.get("foreignKeys", []):
            name = fk["reference"]["resource"]
            if name in self.lookups and name in self.rows:
                csv_name = "sources.csv" if name == "sources" else f"vocab/{name}.csv"
                refs[name] = (self.root / csv_name, self.schema(name))
            elif name in self.package():
                res = self.package()[name]
                path = self.root / res["path"]
                refs[name] = (path, self.schema_at(self.root / res["schema"]))
                if name not in self.lookups:
                    text = _checks.read_text(path).text
                    key = fk["reference"]["fields"]
                    key = key if isinstance(key, str) else key[0]
                    self.lookups[name] = _checks.Lookup(
                        name, rows_of(text or ""), key, f"{res['path']} in the data folder"
                    )
        return refs

    def package(self) -> dict[str, dict[str, Any]]:
        """Resources listed in the data folder's datapackage.json, by name."""
        if not hasattr(self, "_package"):
            self._package: dict[str, dict[str, Any]] = {}
            path = self.root / "datapackage.json"
            try:
                descriptor = _checks.load_json(path)
            except (OSError, ValueError):
                descriptor = {}
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            resources = resources if isinstance(resources, list) else []
            self._package = {
                r["name"]: r
                for r in resources
                if isinstance(r, dict)
                and all(isinstance(r.get(k), str) for k in ("name", "path", "schema"))
            }
        return self._package

    @classmethod
    def for_case(cls, folder: Path) -> CaseContext:
        parent = folder.resolve().parent.parent
        root = parent if (parent / "datapackage.json").is_file() else data_dir()
        return cls(root)
