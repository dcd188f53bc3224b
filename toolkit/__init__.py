"""Every Call: a teaching and inquiry toolkit on police responses to domestic abuse.

Importing ``toolkit`` is cheap: pandas, plotly, nbconvert and playwright load inside the
functions that need them (see ``benchmarks/import_time.py``).
"""

from __future__ import annotations

from toolkit.errors import ToolkitError

__version__ = "0.1.0"

__all__ = ["ToolkitError", "__version__"]
