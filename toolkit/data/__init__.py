"""Load the course data: fictional composite cases, vocabularies and sourced figures.

One function per dataset, each returning a pandas DataFrame with proper dtypes: timestamps
tz-aware in Europe/London, dates as ``datetime64``, vocabulary columns as ``Categorical`` with
the vocabulary's categories (agencies in timeline lane order, risk levels and call grades
ordered), whole numbers as ``Int64``, lists as tuples. Every row carries a ``source_id`` that
:func:`cite` turns into a reference.

Data comes from ``EVERYCALL_DATA`` if set, else the checkout's ``data/``, else the copy packaged
with the toolkit. Each file is checked against its schema the first time it is loaded (the same
checks as ``everycall validate``, without the personal-data guard); a broken file raises
:class:`~toolkit.errors.DataError` naming file, line and column. Parsed results are cached per
file and modification time, so widgets can call a loader on every event.

The parts: :mod:`~toolkit.data.cases` (cases), :mod:`~toolkit.data.vocab` (vocabularies),
:mod:`~toolkit.data.datasets` (the national figures), :mod:`~toolkit.data.sources` (sources and
citing them), :mod:`~toolkit.data.display` (tables for learners);
below them :mod:`~toolkit.data.loading` (typed, cached reading) and the checks
(:mod:`~toolkit.data.validation`, :mod:`~toolkit.data.reading`,
:mod:`~toolkit.data.csv_checks`, :mod:`~toolkit.data.case_yaml`,
:mod:`~toolkit.data.case_checks`, :mod:`~toolkit.data.guard`); and the tools a course builder
uses on a case: :mod:`~toolkit.data.scaffold` and :mod:`~toolkit.data.synthetic`.

Examples
--------
>>> case = load_case("unlinked-calls")
>>> cite("ons-2018")
'Domestic abuse in England and Wales: year ending March 2018, Office for National Statistics, 22 November 2018, https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/bulletins/domesticabuseinenglandandwales/yearendingmarch2018'
"""  # noqa: E501

from __future__ import annotations

from toolkit.data.cases import (
    COURSE_CASE,
    Case,
    default_case,
    list_cases,
    load_annotations,
    load_case,
    load_events,
)
from toolkit.data.context import CaseContext
from toolkit.data.datasets import (
    LOADERS,
    catalog,
    load_calls,
    load_dhr_implementation,
    load_hmic,
    load_hmic_findings,
    load_hmic_recommendations,
    load_hmic_reports,
    load_marac_criteria,
    load_recommendations,
    load_services,
    load_trends,
)
from toolkit.data.display import figure_text, for_display
from toolkit.data.reading import file_problem
from toolkit.data.scaffold import SLUG, TEMPLATE, new_case
from toolkit.data.sources import MONTHS, cite, load_sources, source_ids, sources_markdown
from toolkit.data.validation import (
    CASE_FILES,
    ValidationReport,
    check_case,
    check_package,
    package_of,
)
from toolkit.data.vocab import label, load_vocab, vocab_dtype, vocab_labels

__all__ = [
    "file_problem",
    "figure_text",
    "SLUG",
    "TEMPLATE",
    "new_case",
    "CASE_FILES",
    "CaseContext",
    "ValidationReport",
    "check_case",
    "check_package",
    "package_of",
    "COURSE_CASE",
    "LOADERS",
    "MONTHS",
    "Case",
    "catalog",
    "cite",
    "default_case",
    "for_display",
    "label",
    "list_cases",
    "load_annotations",
    "load_calls",
    "load_case",
    "load_dhr_implementation",
    "load_events",
    "load_hmic",
    "load_hmic_findings",
    "load_hmic_recommendations",
    "load_hmic_reports",
    "load_marac_criteria",
    "load_recommendations",
    "load_services",
    "load_sources",
    "load_trends",
    "load_vocab",
    "source_ids",
    "sources_markdown",
    "vocab_dtype",
    "vocab_labels",
]
