"""The controlled vocabularies of ``data/vocab/``: the tables, their ids as dtypes, their names.

Examples
--------
>>> load_vocab("agencies")["id"].iloc[0]
'police_call_handling'
>>> vocab_labels("agencies")["police_response"]
'Police: response'
>>> label(["gp", "police_response", "not-an-id"]).tolist()
['GP', 'Police: response', 'not-an-id']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.core.paths import data_dir
from toolkit.data.loading import ORDERED, SORT_BY, _known_vocab, _resource, _vocab_ids

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def vocab_dtype(name: str) -> pd.CategoricalDtype:
    """The Categorical dtype of a vocabulary (agencies in lane order; levels and grades ordered).

    Examples
    --------
    >>> list(vocab_dtype("risk_levels").categories), vocab_dtype("risk_levels").ordered
    (['standard', 'medium', 'high'], True)
    >>> vocab_dtype("agency")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/vocab: "agency" is not a vocabulary; did you mean "agencies"? Vocabularies: agencies, contact_types, initiated_by, risk_tools, risk_levels, call_grades, outcomes, opportunity_types
    """  # noqa: E501
    import pandas as pd

    _known_vocab(name)
    root = data_dir()
    return pd.CategoricalDtype(_vocab_ids(root, name), ordered=name in ORDERED)


def load_vocab(name: str) -> pd.DataFrame:
    """A controlled vocabulary from ``data/vocab/`` (id, name, description, source_id, ...).

    Names: agencies (with lane_order), contact_types, initiated_by (with category),
    risk_tools (with available_from, questions, high_risk_threshold), risk_levels (with DASH
    score bands), call_grades, outcomes, opportunity_types (the 14 missed-opportunity types of
    fact sheet section 7.2). Rows are in their natural order (agencies by lane). Source: each
    row's source_id.

    Examples
    --------
    >>> load_vocab("agencies")["id"].iloc[0]
    'police_call_handling'
    >>> load_vocab("agencys")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/vocab: "agencys" is not a vocabulary; did you mean "agencies"? Vocabularies: agencies, contact_types, initiated_by, risk_tools, risk_levels, call_grades, outcomes, opportunity_types
    """  # noqa: E501
    _known_vocab(name)
    frame = _resource(name)
    key = SORT_BY.get(name)
    if key:
        frame = frame.sort_values(key, kind="stable").reset_index(drop=True)
    return frame


def vocab_labels(name: str, *, column: str = "short_name") -> dict[str, str]:
    """Display names for a vocabulary's ids (``agencies``, ``contact_types``, ...).

    Uses ``column`` when the vocabulary has it, else ``name``.

    Examples
    --------
    >>> vocab_labels("agencies")["police_response"]
    'Police: response'
    >>> vocab_labels("agencys")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: ..."agencys" is not a vocabulary; did you mean "agencies"? ...
    """
    table = load_vocab(name)
    col = column if column in table.columns else "name"
    return dict(zip(table["id"].astype("str"), table[col].astype("str"), strict=True))


def label(values: Any, name: str = "agencies") -> np.ndarray:
    """Vocabulary ids turned into display names (unknown ids are kept as they are)."""
    import numpy as np

    names = vocab_labels(name)
    return np.array([names.get(str(v), str(v)) for v in np.asarray(values).tolist()], dtype=object)
