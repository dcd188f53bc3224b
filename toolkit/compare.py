"""Three views of one case: the learner's flags, the rules' flags and the reviewer's annotations.

A teaching device, not a score. The rules find patterns in what was recorded; the reviewer
weighs context the record only hints at (who was in the room, what a score left out, what the
policy of the time asked for). Agreement is shown two ways, for the rules and for the learner,
each against the reviewer:

- *precision*: of the events (or event-and-type pairs) flagged, the share the reviewer also
  marked;
- *recall*: of the reviewer's, the share also flagged.

Both are shown by event, and by event *and* opportunity type. A flag the reviewer did not make
is a difference to discuss, never an error: the learner's reasons are theirs. ``close`` counts
flags of the same type within a few days of a reviewer's annotation on another event (the same
pattern pinned to a different moment).

Examples
--------
>>> from toolkit.data import load_case
>>> from toolkit.opportunities import run_rules
>>> case = load_case("unlinked-calls")
>>> views = three_views(case.events, case.annotations, run_rules(case.events),
...                     [{"event_id": "E05", "opportunity_type": "repeat_calls_not_linked",
...                       "reason": "Second call in seven weeks"}])
>>> views.set_index(["event_id", "opportunity_type"]).loc[
...     ("E05", "repeat_calls_not_linked"), ["reviewer", "rules", "you"]].tolist()
[True, True, True]
>>> table = agreement(views)
>>> float(table.set_index(["view", "level"]).loc[("You", "event and type"), "precision"])
1.0
>>> three_views(case.events, case.annotations.drop(columns=["opportunity_type"]), None, None)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: annotations: column "opportunity_type" is missing (expected \
event_id, opportunity_type); the table contains these columns: event_id, explanation, ...
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from toolkit.core.display import caption_html, display_as_trainer
from toolkit.core.session import is_trainer_mode, showing_trainer_material
from toolkit.core.tables import display_table
from toolkit.data import for_display, vocab_labels
from toolkit.errors import ToolkitError
from toolkit.opportunities import run_rules
from toolkit.timeline import flags_frame

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "MIN_FLAGS",
    "agreement",
    "agreement_figure",
    "comparison_figure",
    "describe_agreement",
    "describe_comparison",
    "differences",
    "rules_and_reviewer",
    "show_comparison",
    "show_reviewer_annotations",
    "show_rules_and_reviewer",
    "three_views",
]

#: Flags a learner makes before the reviewer's view is shown: their judgement comes first.
MIN_FLAGS = 3

_VIEWS = (  # (column, label, colour, symbol): Okabe-Ito colours, a distinct symbol for each
    ("reviewer", "Reviewer", "#000000", "circle"),
    ("rules", "Rules", "#CC79A7", "square"),
    ("you", "You", "#009E73", "star"),
)


def _pairs(table: Any, name: str, text_col: str) -> pd.DataFrame:
    import pandas as pd

    cols = ["event_id", "opportunity_type", text_col]
    if table is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    if name == "flags":
        frame = flags_frame(table)
    else:
        frame = table
        for c in ("event_id", "opportunity_type"):
            if c not in frame.columns:
                raise ToolkitError(
                    f'{name}: column "{c}" is missing (expected event_id, opportunity_type); the '
                    "table contains these columns: " + ", ".join(map(str, frame.columns))
                )
    out = pd.DataFrame(
        {
            "event_id": frame["event_id"].astype("str").to_numpy(),
            "opportunity_type": frame["opportunity_type"].astype("str").to_numpy(),
            text_col: (
                frame[text_col].astype("str").to_numpy()
                if text_col in frame.columns
                else [""] * len(frame)
            ),
        }
    )
    if name == "rule flags" and "rule_id" in frame.columns:
        out["rule_id"] = frame["rule_id"].astype("str").to_numpy()
    return out


def three_views(
    events: pd.DataFrame,
    annotations: pd.DataFrame | None,
    rule_flags: pd.DataFrame | None,
    flags: Any,
    *,
    near_days: float = 7,
) -> pd.DataFrame:
    """One row per (event, opportunity type) that any of the three views flagged.

    Parameters
    ----------
    events : pandas.DataFrame
        The case's events (for time order and agencies).
    annotations : pandas.DataFrame or None
        The reviewer's annotations (event_id, opportunity_type, explanation, ...).
    rule_flags : pandas.DataFrame or None
        :func:`toolkit.opportunities.run_rules` output.
    flags : list of mappings, DataFrame or None
        The learner's flags (event_id, opportunity_type, reason).
    near_days : float
        How close in time a flag of the same type must be to a reviewer's annotation on
        another event to count as ``close``.

    Returns
    -------
    pandas.DataFrame
        event_id, timestamp, agency, opportunity_type, reviewer, rules, you (booleans),
        reviewer_explanation, rule_ids, rule_explanation, your_reason, and close_to (the
        reviewer's event of the same type nearby, for flags the reviewer did not make there).
    """
    import pandas as pd

    reviewer = _pairs(annotations, "annotations", "explanation").rename(
        columns={"explanation": "reviewer_explanation"}
    )
    rules = _pairs(rule_flags, "rule flags", "explanation")
    if "rule_id" not in rules.columns:
        rules["rule_id"] = ""
    rules = rules.groupby(["event_id", "opportunity_type"], as_index=False, sort=False).agg(
        rule_ids=("rule_id", lambda s: ", ".join(dict.fromkeys(s))),
        rule_explanation=("explanation", lambda s: " ".join(dict.fromkeys(s))),
    )
    yours = _pairs(flags, "flags", "reason").rename(columns={"reason": "your_reason"})
    yours = yours.drop_duplicates(["event_id", "opportunity_type"], keep="last")
    keys = ["event_id", "opportunity_type"]
    views = (
        reviewer.drop_duplicates(keys)
        .assign(reviewer=True)
        .merge(rules.assign(rules=True), on=keys, how="outer")
        .merge(yours.assign(you=True), on=keys, how="outer")
    )
    for col in ("reviewer", "rules", "you"):
        views[col] = views[col].astype("boolean").fillna(False).astype(bool)
    for col in ("reviewer_explanation", "rule_ids", "rule_explanation", "your_reason"):
        views[col] = views[col].fillna("").astype("str")
    when = dict(zip(events["event_id"].astype("str"), events["timestamp"], strict=True))
    agency = dict(
        zip(events["event_id"].astype("str"), events["agency"].astype("str"), strict=True)
    )
    unknown = sorted(set(views["event_id"]) - set(when))
    if unknown:
        raise ToolkitError(
            f"flags name events that are not in this case: {', '.join(unknown)} (expected "
            f"event ids such as {next(iter(when), 'E01')})"
        )
    views.insert(1, "timestamp", views["event_id"].map(when))
    views.insert(2, "agency", views["event_id"].map(agency))
    views["timestamp"] = pd.to_datetime(views["timestamp"])
    views = views.sort_values(["timestamp", "opportunity_type"], kind="stable")
    views = views.reset_index(drop=True)
    marked = views[views["reviewer"]]
    close_to = []
    for row in views.itertuples(index=False):
        near = ""
        if not row.reviewer:
            same = marked[(marked["opportunity_type"] == row.opportunity_type)]
            gap = (same["timestamp"] - row.timestamp).abs().dt.total_seconds() / 86_400
            same = same[gap <= near_days]
            if len(same):
                near = str(same.iloc[(gap[gap <= near_days]).argmin()]["event_id"])
        close_to.append(near)
    views["close_to"] = close_to
    return views


def agreement(views: pd.DataFrame) -> pd.DataFrame:
    """Agreement of the rules and of the learner with the reviewer, by event and by type.

    Returns one row per (view, level) with: flagged, reviewer (how many the reviewer marked),
    agreed, precision, recall (NaN when there is nothing to divide by), only_theirs,
    only_reviewer and close (flags near a reviewer's annotation of the same type).

    Examples
    --------
    >>> import pandas as pd
    >>> agreement(pd.DataFrame({"x": [1]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: agreement needs the table from three_views (columns event_id, \
opportunity_type, reviewer, rules, you); got columns: x
    """
    import math

    import pandas as pd

    need = ["event_id", "opportunity_type", "reviewer", "rules", "you"]
    if not set(need) <= set(views.columns):
        raise ToolkitError(
            f"agreement needs the table from three_views (columns {', '.join(need)}); got "
            f"columns: {', '.join(map(str, views.columns))}"
        )
    close_to = views["close_to"] if "close_to" in views else pd.Series("", index=views.index)
    rows = []
    for view, label in (("rules", "Rules"), ("you", "You")):
        for level in ("event", "event and type"):
            near_mark = views[view] & (close_to != "")
            if level == "event":
                grouped = views.groupby("event_id")
                per = pd.DataFrame(
                    {"reviewer": grouped["reviewer"].any(), "mine": grouped[view].any()}
                )
                near = near_mark.groupby(views["event_id"]).any()
                close = int((per["mine"] & ~per["reviewer"] & near).sum())
            else:
                per = pd.DataFrame({"reviewer": views["reviewer"], "mine": views[view]})
                close = int((near_mark & ~views["reviewer"]).sum())
            flagged, marked = int(per["mine"].sum()), int(per["reviewer"].sum())
            agreed = int((per["mine"] & per["reviewer"]).sum())
            rows.append(
                {
                    "view": label,
                    "level": level,
                    "flagged": flagged,
                    "reviewer": marked,
                    "agreed": agreed,
                    "precision": agreed / flagged if flagged else math.nan,
                    "recall": agreed / marked if marked else math.nan,
                    "only_theirs": flagged - agreed,
                    "only_reviewer": marked - agreed,
                    "close": close,
                }
            )
    return pd.DataFrame(rows)


def describe_agreement(table: pd.DataFrame) -> str:
    """The agreement table in words (the text alternative of :func:`agreement_figure`).

    Examples
    --------
    >>> import pandas as pd
    >>> views = pd.DataFrame({"event_id": ["E1", "E2"], "opportunity_type": ["a", "a"],
    ...                       "reviewer": [True, False], "rules": [True, True],
    ...                       "you": [False, False], "close_to": ["", ""]})
    >>> print(describe_agreement(agreement(views)))
    By event and type, the rules flagged 2; the reviewer marked 1 of them (precision 50%) and \
the rules found 1 of the reviewer's 1 (recall 100%). You have not flagged any events yet.
    """
    by = table.set_index(["view", "level"])
    parts = []
    for view, who in (("Rules", "the rules"), ("You", "you")):
        row = by.loc[(view, "event and type")]
        flagged, marked, agreed = int(row["flagged"]), int(row["reviewer"]), int(row["agreed"])
        close = int(row["close"])
        if flagged == 0:
            parts.append(
                "You have not flagged any events yet."
                if view == "You"
                else "The rules flagged nothing."
            )
            continue
        recall = "n/a" if marked == 0 else f"{row['recall']:.0%}"
        lead = "By event and type, " if not parts else ""
        parts.append(
            f"{lead}{who} flagged {flagged}; the reviewer marked {agreed} of them "
            f"(precision {row['precision']:.0%}) and {who} found {agreed} of the "
            f"reviewer's {marked} (recall {recall})."
        )
        if close:
            parts[-1] += (
                f" {close} more are the same type within a few days of one of the reviewer's."
            )
    return " ".join(p[0].upper() + p[1:] for p in parts)


def agreement_figure(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars of precision and recall against the reviewer, for the rules and for the learner."""
    import plotly.graph_objects as go

    fig = go.Figure()
    styles = {
        "precision": ("#0072B2", "", "Precision: flags the reviewer also made"),
        "recall": ("#E69F00", "/", "Recall: reviewer's annotations also flagged"),
    }
    for measure, (colour, pattern, name) in styles.items():
        labels = [f"{v}<br>by {lv}" for v, lv in zip(table["view"], table["level"], strict=True)]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=table[measure].fillna(0),
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[("n/a" if v != v else f"{v:.0%}") for v in table[measure]],
                textposition="outside",
                hovertext=[
                    f"{v} by {lv}: {measure} {('n/a' if m != m else f'{m:.0%}')} "
                    f"({a} agreed; {f} flagged; reviewer {r})"
                    for v, lv, m, a, f, r in zip(
                        table["view"],
                        table["level"],
                        table[measure],
                        table["agreed"],
                        table["flagged"],
                        table["reviewer"],
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    heading = "Agreement with the reviewer" + (f": {title}" if title else "")
    fig.update_layout(
        title={
            "text": heading,
            "subtitle": {"text": "Rules find patterns; reviewers weigh context."},
        },
        barmode="group",
        template="plotly_white",
        margin={"t": 90},
        yaxis={"range": [0, 1.15], "tickformat": ".0%", "title": {"text": "Share"}},
        meta={"description": describe_agreement(table)},
    )
    return fig


def comparison_figure(
    views: pd.DataFrame, *, title: str | None = None, explanations: bool = True
) -> go.Figure:
    """A dot matrix: one column per event that anyone flagged, one row per view.

    Reviewer, rules and learner each get a row, a colour and a symbol; hovering shows the
    reviewer's explanation (only with ``explanations=True``: the reviewer's words are trainer
    material), the rules' explanation or the learner's own reason.
    """
    import plotly.graph_objects as go

    events = list(dict.fromkeys(views["event_id"]))
    names = vocab_labels("opportunity_types", column="name")
    fig = go.Figure()
    texts = {"reviewer": "reviewer_explanation", "rules": "rule_explanation", "you": "your_reason"}
    for col, label, colour, symbol in _VIEWS:
        part = views[views[col]]
        if col == "reviewer" and not explanations:
            part = part.assign(reviewer_explanation="")
        fig.add_trace(
            go.Scatter(
                x=part["event_id"],
                y=[label] * len(part),
                mode="markers",
                name=label,
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": 14,
                    "line": {"width": 1, "color": "#222222"},
                },
                hovertext=[
                    html.escape(f"{e} · {names.get(t, t)}" + (f": {x}" if x else ""))[:400]
                    for e, t, x in zip(
                        part["event_id"], part["opportunity_type"], part[texts[col]], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    heading = "Three views of the same case" + (f": {title}" if title else "")
    fig.update_layout(
        title={"text": heading},
        template="plotly_white",
        height=320,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": events,
            "title": {"text": "Event (in time order)"},
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [v[1] for v in reversed(_VIEWS)],
        },
        meta={"description": describe_comparison(views, title=title)},
    )
    return fig


def describe_comparison(views: pd.DataFrame, *, title: str | None = None) -> str:
    """The text alternative of :func:`comparison_figure`: who flagged which events."""
    heading = "Three views of the same case" + (f": {title}" if title else "")
    lines = [f"{heading}."]
    for col, label, _, _ in _VIEWS:
        ids = list(dict.fromkeys(views.loc[views[col], "event_id"]))
        lines.append(f"{label}: {len(ids)} events" + (f" ({', '.join(ids)})." if ids else "."))
    all_three = list(
        dict.fromkeys(views.loc[views["reviewer"] & views["rules"] & views["you"], "event_id"])
    )
    if all_three:
        lines.append(f"All three agree on {', '.join(all_three)}.")
    return " ".join(lines)


def differences(views: pd.DataFrame) -> pd.DataFrame:
    """Where the learner and the reviewer differ, in words to discuss (never "wrong").

    One row per (event, type) flagged by exactly one of the two: event_id, opportunity_type,
    who (``"you"`` or ``"reviewer"``), and a note (the learner's reason, or whether the rules
    saw it, and any nearby annotation of the same type).
    """
    import pandas as pd

    rows = []
    for r in views.itertuples(index=False):
        if r.you and not r.reviewer:
            near = f" The reviewer marked the same type at {r.close_to}." if r.close_to else ""
            rows.append(
                {
                    "event_id": r.event_id,
                    "opportunity_type": r.opportunity_type,
                    "who": "you",
                    "note": f"Your reason: {r.your_reason}{near}",
                }
            )
        elif r.reviewer and not r.you:
            seen = "The rules flagged it too." if r.rules else "The rules did not flag it."
            rows.append(
                {
                    "event_id": r.event_id,
                    "opportunity_type": r.opportunity_type,
                    "who": "reviewer",
                    "note": seen,
                }
            )
    return pd.DataFrame(rows, columns=["event_id", "opportunity_type", "who", "note"])


def show_comparison(
    case: Any,
    flags: Any,
    *,
    trainer: bool | None = None,
    min_flags: int = MIN_FLAGS,
) -> None:
    """Show the three views of ``case`` in a notebook: figures, text alternatives, tables.

    The reviewer's view appears once the learner has flagged ``min_flags`` events (their
    judgement comes first), or in trainer mode; the reviewer's explanations appear only in
    trainer mode. A thin display layer over :func:`three_views`, :func:`agreement` and the
    figures.
    """
    from IPython.display import HTML, Markdown, display

    if trainer is None:
        trainer = is_trainer_mode()
    mine = flags_frame(flags)
    if not trainer and mine["event_id"].nunique() < min_flags:
        n = mine["event_id"].nunique()
        display(
            Markdown(
                f"*You have flagged {n} event{'' if n == 1 else 's'} in this case. Flag at "
                f"least {min_flags} in the explorer above, then run this cell again to see how "
                "your judgement compares with the rules and the reviewer.*"
            )
        )
        return

    def show(obj: Any, *, caption: bool = False) -> None:
        # The trainer's view holds the reviewer's explanations: marked, it is never saved into
        # the notebook file (toolkit.saving) nor printed for students. A figure's description
        # under it is marked as its caption, which a handout prints once, under the figure.
        if trainer:
            display_as_trainer(obj)
        else:
            display(obj, metadata={"everycall": {"caption": True}} if caption else None)

    views = three_views(case.events, case.annotations, run_rules(case.events), mine)
    table = agreement(views)
    fig = comparison_figure(views, title=case.title, explanations=bool(trainer))
    bars = agreement_figure(table, title=case.title)
    for figure in (fig, bars):
        show(figure)
        show(HTML(caption_html(figure)), caption=True)
    shown = table.assign(
        precision=[f"{v:.0%}" if v == v else "n/a" for v in table["precision"]],
        recall=[f"{v:.0%}" if v == v else "n/a" for v in table["recall"]],
        level=table["level"].str.capitalize(),
    ).rename(
        columns={
            "view": "Who",
            "level": "Matched by",
            "flagged": "Flagged",
            "reviewer": "Reviewer",
            "agreed": "Both",
            "precision": "Precision",
            "recall": "Recall",
            "only_theirs": "Only them",
            "only_reviewer": "Only reviewer",
            "close": "Close by",
        }
    )
    show(display_table(shown))
    diff = differences(views)
    if len(diff):
        show(
            Markdown("**Where you and the reviewer differ** (differences to discuss, not errors):")
        )
        show(for_display(diff))  # type names, not ids


def rules_and_reviewer(case: Any) -> dict[str, pd.DataFrame]:
    """How the course's rules compare with the reviewer on ``case``, for the trainer's debrief.

    Returns four tables (for display): ``agreement`` (the rules against the reviewer, by event
    and by event and type), ``missed`` (events the reviewer annotated that no rule flags),
    ``other_type`` (events a rule flags, but for another type than the reviewer's), and
    ``extra`` (per rule, how many events it flags that the reviewer did not annotate).

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> tables = rules_and_reviewer(load_case("unlinked-calls"))
    >>> list(tables)
    ['agreement', 'missed', 'other_type', 'extra']
    >>> list(tables["agreement"].columns)
    ['Matched by', 'Rules flagged', 'Reviewer marked', 'Both', 'Precision', 'Recall']
    >>> rules_and_reviewer("unlinked-calls")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: rules_and_reviewer expects a case from toolkit.data.load_case, \
got 'unlinked-calls'
    """
    import pandas as pd

    if not all(hasattr(case, a) for a in ("events", "annotations", "title")):
        raise ToolkitError(
            f"rules_and_reviewer expects a case from toolkit.data.load_case, got {case!r}"
        )
    found = run_rules(case.events)
    views = three_views(case.events, case.annotations, found, None)
    table = agreement(views).query("view == 'Rules'")
    shown = pd.DataFrame(
        {
            "Matched by": table["level"].str.capitalize(),
            "Rules flagged": table["flagged"],
            "Reviewer marked": table["reviewer"],
            "Both": table["agreed"],
            "Precision": [f"{v:.0%}" if v == v else "n/a" for v in table["precision"]],
            "Recall": [f"{v:.0%}" if v == v else "n/a" for v in table["recall"]],
        }
    )
    per_event = views.groupby("event_id")[["reviewer", "rules"]].any()
    alone = set(per_event.query("reviewer and not rules").index)
    other = set(views.query("reviewer and not rules")["event_id"]) - alone
    events = case.events.set_index(case.events["event_id"].astype(str))
    reviewer_types = case.annotations.groupby("event_id")["opportunity_type"].agg(list)

    def event_rows(ids: set[str]) -> pd.DataFrame:
        chosen = sorted(ids, key=lambda e: (events.loc[e, "timestamp"], e))
        # No event summaries: they are the learners' own material, and trainer output is kept
        # out of the student edition sentence by sentence (the leak scan would flag them).
        frame = pd.DataFrame(
            {
                "event_id": chosen,
                "timestamp": [events.loc[e, "timestamp"] for e in chosen],
                "agency": [events.loc[e, "agency"] for e in chosen],
                "contact_type": [events.loc[e, "contact_type"] for e in chosen],
                "opportunity_type": [reviewer_types.get(e, []) for e in chosen],
            }
        )
        return for_display(frame).rename(columns={"Opportunity type": "Reviewer's type"})

    extra = found[~found["event_id"].isin(case.annotations["event_id"])]
    counts = (
        extra.groupby("rule_name", sort=True)["event_id"]
        .nunique()
        .sort_values(ascending=False, kind="stable")
    )
    return {
        "agreement": shown.reset_index(drop=True),
        "missed": event_rows(alone),
        "other_type": event_rows(other),
        "extra": pd.DataFrame(
            {
                "Rule": list(counts.index),
                "Events flagged that the reviewer did not annotate": counts.to_numpy(),
            }
        ),
    }


def show_rules_and_reviewer(case: Any) -> None:
    """Trainer material: :func:`rules_and_reviewer` as headed tables; nothing for learners.

    Shown only while trainer material is on show (trainer mode, or a handout build, whose
    student edition drops it); every output is marked as trainer material.
    """
    from IPython.display import Markdown

    if not showing_trainer_material():
        return
    tables = rules_and_reviewer(case)
    display_as_trainer(
        Markdown(f"**The course's rules against the reviewer** ({case.title})"),
        display_table(tables["agreement"]),
        Markdown("**Events the reviewer annotated that no rule flags**"),
        display_table(tables["missed"]),
        Markdown("**Events a rule flags, but for another type than the reviewer's**"),
        display_table(tables["other_type"]),
        Markdown("**Rules' flags on events the reviewer did not annotate**"),
        display_table(tables["extra"]),
    )


def show_reviewer_annotations(case: Any) -> None:
    """Trainer material: the reviewer's annotations on ``case``, with the policy of the time.

    Shown only while trainer material is on show; marked as trainer material.
    """

    if not showing_trainer_material():
        return
    cols = ["event_id", "opportunity_type", "explanation", "policy_at_the_time"]
    display_as_trainer(display_table(for_display(case.annotations[cols])))
