"""The catalog of the data package: every table, its rows and the loader that reads it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.paths import data_dir
from toolkit.data.loading import _count_rows, _package

if TYPE_CHECKING:
    import pandas as pd


LOADERS = {
    "sources": "load_sources()",
    "recommendations": "load_recommendations()",
    "dhr_implementation": "load_dhr_implementation()",
    "hmic_reports": "load_hmic_reports()",
    "hmic_figures": "load_hmic()",
    "hmic_findings": "load_hmic_findings()",
    "hmic_recommendations": "load_hmic_recommendations()",
    "trends": "load_trends()",
    "calls": "load_calls()",
    "services": "load_services()",
    "marac_criteria": "load_marac_criteria()",
}


def catalog() -> pd.DataFrame:
    """What data there is: one row per dataset, vocabulary and case file, with its loader.

    Columns: name, kind (sources, vocab, dataset, case), title, rows, loader (the call that
    loads it), path (inside the data folder), description.

    Examples
    --------
    >>> cat = catalog()
    >>> cat.set_index("name").loc["calls", "loader"]
    'load_calls()'
    >>> cat.query("kind == 'nonsense'").empty
    True
    """
    import pandas as pd

    root = data_dir()
    rows: list[dict[str, Any]] = []
    for name, res in _package(root).items():
        parts = Path(res["path"]).parts
        if parts[:1] == ("cases",):
            kind, loader = (
                "case",
                (
                    f"load_events({parts[1]!r})"
                    if name.endswith("-events")
                    else f"load_annotations({parts[1]!r})"
                ),
            )
        elif parts[:1] == ("vocab",):
            kind, loader = "vocab", f"load_vocab({name!r})"
        else:
            kind = "sources" if name == "sources" else "dataset"
            loader = LOADERS.get(name, "")
        path = root / res["path"]
        rows.append(
            {
                "name": name,
                "kind": kind,
                "title": res.get("title", ""),
                "rows": _count_rows(path) if path.is_file() else 0,
                "loader": loader,
                "path": res["path"],
                "description": res.get("description", ""),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["name", "kind", "title", "rows", "loader", "path", "description"]
    )
    frame["rows"] = frame["rows"].astype("Int64")
    return frame
