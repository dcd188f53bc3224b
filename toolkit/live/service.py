"""The ``everycall-cohort`` hub service: learners' answers in, the trainer's live debrief out.

A JupyterHub-managed service (``deploy/hub/jupyterhub_config.py`` starts it with
``python -m toolkit.live`` and the proxy serves it under ``/services/everycall-cohort/``).
Tornado, because JupyterHub ships it and ships the pieces made for it: ``HubOAuthenticated``
checks every request with the hub (a token in the ``Authorization`` header, or the cookie of
the hub's OAuth sign-in, ``HubOAuthCallbackHandler``), so sign-in, identity and roles are the
hub's and nothing here invents its own.

=================================  ==========================  ==============================
address (under the service)        who                         what
=================================  ==========================  ==============================
``POST api/answers``               a learner's kernel (token)  store the learner's answers
``GET  /``                         trainers                    the live debrief page
``GET  debrief``                   trainers                    the page's debrief (refreshes)
``GET  api/state``                 trainers                    what changed (the page polls)
``GET  api/rows``                  trainers                    every answer as summary rows
``GET  api/exercises/NB/ID``       trainers                    one exercise's answers (JSON)
``GET  export.csv``/``export.html``  trainers                  the same files as ``collect``
=================================  ==========================  ==============================

Who is who comes from JupyterHub's scopes: every hub user holds
``access:services!service=everycall-cohort`` (they may reach the service; the learner's own
server token holds it too), and only the ``trainer`` role holds :data:`READ_SCOPE`; the
service refuses every reading address without it. A posted answer is stored under the name of
the token's owner, whatever the body says; a trainer's own answers are acknowledged and left
out of the cohort, as ``everycall answers collect`` leaves them out. A body over 64 KB (413),
malformed JSON (400) or a notebook or question the course does not have (422) gets one clear
message and is not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from toolkit.answers import FORMAT, SCHEMA_VERSION, check_answer_data
from toolkit.cohort import CollectResult, csv_text, debrief_html, gather_documents
from toolkit.data import list_cases
from toolkit.exercises import valid_definitions
from toolkit.live.names import MAX_BODY, READ_SCOPE, SERVICE_NAME
from toolkit.live.page import live_page, toolbar
from toolkit.live.storage import LiveStore, default_url
from toolkit.own_coding import KEY as CODING_KEY

__all__ = ["Course", "Refused", "check_post", "make_app", "run"]


class Refused(Exception):
    """A request refused with an HTTP status and one message for the sender."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Course:
    """The notebooks and questions the service accepts answers to."""

    questions: dict[str, set[str]] = field(default_factory=dict)  # notebook -> exercise ids
    shared: set[str] = field(default_factory=set)  # keys any notebook may save (flags, coding)

    @classmethod
    def load(cls) -> Course:
        course = cls()
        for ex_id, ex in valid_definitions(None).items():
            course.questions.setdefault(ex.notebook, set()).add(ex_id)
        course.shared = {f"flags:{slug}" for slug in list_cases()} | {CODING_KEY}
        return course

    def problem(self, notebook: str, exercise: str) -> str | None:
        if notebook not in self.questions:
            return (
                f'notebook "{notebook}" is not one of the course\'s notebooks: expected one of '
                + ", ".join(sorted(self.questions))
            )
        if exercise not in self.questions[notebook] and exercise not in self.shared:
            return f'"{exercise}" is not a question in notebook "{notebook}"'
        return None


_ENTRY_FIELDS = ("value", "attempts", "correct", "checked", "first_answered", "last_answered")


def check_post(body: bytes, course: Course) -> tuple[str, list[dict[str, Any]]]:
    """The notebook and answers of a learner's POST, checked; :class:`Refused` if not usable.

    Examples
    --------
    >>> course = Course(questions={"00-start-here": {"00-q"}})
    >>> check_post(b'{"notebook": "00-start-here", "answers": [{"exercise": "00-q",'
    ...            b' "value": "A", "version": 3}]}', course)[1][0]["value"]
    'A'
    >>> check_post(b'{"notebook": ', course)
    Traceback (most recent call last):
    ...
    toolkit.live.service.Refused: the body is not valid JSON (line 1, column 14): expected \
{"notebook": ..., "answers": [...]}
    >>> check_post(b'{"notebook": "00-start-here", "answers": [{"exercise": "99-x",'
    ...            b' "value": 1, "version": 1}]}', course)
    Traceback (most recent call last):
    ...
    toolkit.live.service.Refused: "99-x" is not a question in notebook "00-start-here"
    """
    if len(body) > MAX_BODY:
        raise Refused(413, f"the body is {len(body)} bytes; the limit is {MAX_BODY} (64 KB)")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise Refused(
            400,
            f"the body is not valid JSON (line {exc.lineno}, column {exc.colno}): expected "
            '{"notebook": ..., "answers": [...]}',
        ) from None
    except (ValueError, RecursionError):
        raise Refused(400, "the body is not valid JSON (too deeply nested)") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), list):
        raise Refused(400, 'expected a JSON object {"notebook": ..., "answers": [...]}')
    notebook = data.get("notebook")
    if not isinstance(notebook, str):
        raise Refused(400, '"notebook" is missing: expected a notebook name')
    answers: dict[str, Any] = {}
    versions: dict[str, int] = {}
    for number, item in enumerate(data["answers"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("exercise"), str):
            raise Refused(400, f'answer {number} is not an object with an "exercise"')
        version = item.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise Refused(400, f'answer {number}: "version" is {version!r}, expected a number')
        problem = course.problem(notebook, item["exercise"])
        if problem:
            raise Refused(422, problem)
        if version >= versions.get(item["exercise"], -1):
            answers[item["exercise"]] = {k: item.get(k) for k in _ENTRY_FIELDS if k in item}
            versions[item["exercise"]] = version
    # The same checks as an answer file a trainer collects (types, finite numbers, keys).
    why = check_answer_data(
        {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "notebook": notebook,
            "answers": answers,
        },
    )
    if why:
        raise Refused(422 if "notebook" in why else 400, why)
    return notebook, [
        {"exercise": key, **entry, "version": versions[key]} for key, entry in answers.items()
    ]


# --------------------------------------------------------------------------------------------
# Handlers


class _Base(HubOAuthenticated, web.RequestHandler):
    """Every handler: the hub checks who is asking; errors are one clear line."""

    api = True  # an API address answers 403, never a redirect to the hub's sign-in

    @property
    def live(self) -> _Live:
        live: _Live = self.settings["everycall"]
        return live

    def get_login_url(self) -> str:
        if self.api:
            raise web.HTTPError(403, "sign in on the hub, or send your hub token")
        return str(super().get_login_url())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message:
            reason = exc.log_message % exc.args if exc.args else exc.log_message
        if self.api:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"status": status_code, "message": reason}))
        else:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(
                f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>'
                f"{status_code}: Every Call live debrief</title></head><body><main><h1>"
                f"{escape(reason)}</h1><p>The live debrief is for the workshop's trainers.</p>"
                "</main></body></html>"
            )


class _Trainer(_Base):
    """Reading addresses: the trainer group's scope, or 403."""

    def prepare(self) -> None:
        user = self.current_user  # raises 403 / redirects to sign-in as set by `api`
        if user is None:
            if self.api:
                raise web.HTTPError(403, "sign in on the hub, or send your hub token")
            self.redirect(self.get_login_url())
            return
        if READ_SCOPE not in user.get("scopes", ()):
            raise web.HTTPError(403, "only the workshop's trainers can see the live debrief")

    def anonymise(self) -> bool:
        return self.get_argument("anonymise", "0") in ("1", "true", "yes", "on")


class AnswersHandler(_Base):
    async def post(self) -> None:
        user = self.current_user
        if user is None:
            raise web.HTTPError(403, "send answers with your hub token")
        if not getattr(self, "_token_authenticated", False):
            # Only kernels send answers; a browser's cookie cannot be made to post for you.
            raise web.HTTPError(403, "answers are sent with the hub token, not from a browser")
        try:
            notebook, answers = check_post(self.request.body, self.live.course)
        except Refused as refused:
            raise web.HTTPError(refused.status, "%s", refused.message) from None
        if user.get("kind", "user") != "user":
            raise web.HTTPError(403, "only learners' servers send answers")
        learner = str(user["name"])  # the token's owner: never a name from the body
        self.set_header("Content-Type", "application/json; charset=utf-8")
        if READ_SCOPE in user.get("scopes", ()):
            # A trainer's own answers are not the cohort's, as `everycall answers collect`
            # leaves out the _trainer folder.
            self.finish(json.dumps({"learner": learner, "received": len(answers), "stored": 0}))
            return
        stored = await asyncio.to_thread(self.live.store.upsert, learner, notebook, answers)
        self.live.changed()
        self.finish(json.dumps({"learner": learner, "received": len(answers), "stored": stored}))


class PageHandler(_Trainer):
    api = False

    async def get(self) -> None:
        anonymise = self.anonymise()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        revision = await asyncio.to_thread(self.live.store.revision)
        debrief = await self.live.render(anonymise, revision)
        xsrf = self.xsrf_token
        token = xsrf.decode("ascii") if isinstance(xsrf, bytes) else str(xsrf)
        self.finish(live_page(debrief, revision=revision, anonymise=anonymise, xsrf=token))


class DebriefHandler(_Trainer):
    async def get(self) -> None:
        anonymise = self.anonymise()
        revision = await asyncio.to_thread(self.live.store.revision)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Everycall-Revision", revision)
        self.finish(await self.live.render(anonymise, revision))


class StateHandler(_Trainer):
    """The revision now; with ``?since=REV``, held open until it differs and the page for it
    is drawn (at most 20 s), so the live page hears of an answer as soon as it can show it."""

    async def get(self) -> None:
        since = self.get_argument("since", "")
        drawings = self.live.drawings  # taken first: a drawing finished meanwhile counts
        revision = await asyncio.to_thread(self.live.store.revision)
        if since and revision == since:
            with contextlib.suppress(TimeoutError):
                async with self.live.drawn:
                    await asyncio.wait_for(
                        self.live.drawn.wait_for(lambda: self.live.drawings != drawings), 20
                    )
            revision = await asyncio.to_thread(self.live.store.revision)
        self.set_header("Cache-Control", "no-store")
        self.finish({"revision": revision})


class RowsHandler(_Trainer):
    async def get(self) -> None:
        result = await asyncio.to_thread(self.live.result, self.anonymise())
        self.set_header("Cache-Control", "no-store")
        self.finish({"rows": result.rows, "learners": result.learners})


class ExerciseHandler(_Trainer):
    async def get(self, notebook: str, exercise: str) -> None:
        problem = self.live.course.problem(notebook, exercise)
        if problem:
            raise web.HTTPError(404, "%s", problem)
        result = await asyncio.to_thread(self.live.result, self.anonymise())
        rows = [
            {k: r[k] for k in ("learner", "response", "correct", "attempts", "last_answered")}
            for r in result.rows
            if r["notebook"] == notebook and r["exercise_id"] == exercise
        ]
        answered = len({r["learner"] for r in rows})
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {
                "notebook": notebook,
                "exercise": exercise,
                "answered": answered,
                "learners": len(result.learners),
                "summary": f"{answered} of {len(result.learners)} learners have answered",
                "answers": rows,
            }
        )


class ExportHandler(_Trainer):
    api = False

    async def get(self, kind: str) -> None:
        anonymise = self.anonymise()
        result = await asyncio.to_thread(self.live.result, anonymise)
        stamp = time.strftime("%Y%m%d-%H%M")
        if kind == "csv":
            body = csv_text(result.rows)
            self.set_header("Content-Type", "text/csv; charset=utf-8")
        else:
            body = await asyncio.to_thread(debrief_html, result)
            self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header(
            "Content-Disposition", f'attachment; filename="cohort-summary-{stamp}.{kind}"'
        )
        self.finish(body)


class PlotlyHandler(_Trainer):
    api = False

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "private, max-age=86400")
        self.finish(self.live.plotly_js())


# --------------------------------------------------------------------------------------------
# The application


class _Live:
    """The service's state: the store, the course's questions, the last page rendered."""

    def __init__(self, store: LiveStore, course: Course) -> None:
        self.store = store
        self.course = course
        self.seed = secrets.randbits(64)  # "Learner N" stays the same person while it runs
        self._rendered: dict[bool, tuple[str, str]] = {}
        self._locks = {True: asyncio.Lock(), False: asyncio.Lock()}
        self._sections: dict[bool, dict[Any, tuple[str, bool]]] = {True: {}, False: {}}
        self._rows: dict[bool, dict[Any, list[dict[str, str]]]] = {True: {}, False: {}}
        self._watched: set[bool] = set()  # the views trainers have opened
        self._prerendering = False
        self._again = False
        self.drawn = asyncio.Condition()  # notified when the open views are drawn again
        self.drawings = 0
        self._plotly: bytes | None = None
        self.prefix = "/"

    def changed(self) -> None:
        """An answer was stored: draw the open views again now, so that the trainer's next
        poll finds the new page ready (several answers at once make one drawing)."""
        if self._prerendering:
            self._again = True
            return
        self._prerendering = True
        asyncio.get_running_loop().create_task(self._prerender())

    async def _prerender(self) -> None:
        try:
            while True:
                self._again = False
                revision = await asyncio.to_thread(self.store.revision)
                for anonymise in sorted(self._watched):
                    await self.render(anonymise, revision)
                async with self.drawn:  # pages waiting on api/state?since= go now
                    self.drawings += 1
                    self.drawn.notify_all()
                if not self._again:
                    return
        except Exception:  # noqa: BLE001 - a page asked for later draws it and says why
            logging.getLogger(__name__).exception("could not draw the live debrief")
        finally:
            self._prerendering = False

    def result(self, anonymise: bool) -> CollectResult:
        rows = self._rows[anonymise]
        if len(rows) > 20_000:  # marked answers long replaced
            rows.clear()
        return gather_documents(
            self.store.answer_files(),
            source="the live debrief",
            anonymise=anonymise,
            seed=self.seed,
            row_cache=rows,
        )

    async def render(self, anonymise: bool, revision: str) -> str:
        """The debrief page for ``revision``, rendered once however many pages ask."""
        self._watched.add(anonymise)
        async with self._locks[anonymise]:
            kept = self._rendered.get(anonymise)
            if kept is not None and kept[0] == revision:
                return kept[1]
            page = await asyncio.to_thread(self._render, anonymise)
            self._rendered[anonymise] = (revision, page)
            return page

    def _render(self, anonymise: bool) -> str:
        result = self.result(anonymise)
        sections = self._sections[anonymise]
        if len(sections) > 5000:  # sections of answers long replaced
            sections.clear()
        return debrief_html(
            result,
            plotly_src=url_path_join(self.prefix, "static/plotly.min.js"),
            toolbar=toolbar(self.prefix, anonymise=anonymise),
            section_cache=sections,
        )

    def plotly_js(self) -> bytes:
        if self._plotly is None:
            from plotly.offline import get_plotlyjs

            self._plotly = get_plotlyjs().encode("utf-8")
        return self._plotly


def _cookie_secret(state: Path) -> bytes:
    """The cookie secret kept in the state folder, so a restart keeps trainers signed in."""
    path = state / "cohort_cookie_secret"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        secret = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret.hex())
        return secret


def make_app(store: LiveStore, *, prefix: str, cookie_secret: bytes) -> web.Application:
    """The Tornado application under ``prefix`` (``/services/everycall-cohort/``)."""
    live = _Live(store, Course.load())
    live.prefix = prefix

    def at(path: str) -> str:
        return url_path_join(prefix, path)

    return web.Application(
        [
            (at("oauth_callback"), HubOAuthCallbackHandler),
            (at("api/answers"), AnswersHandler),
            (at("api/state"), StateHandler),
            (at("api/rows"), RowsHandler),
            (at(r"api/exercises/([A-Za-z0-9._-]+)/([^/]+)"), ExerciseHandler),
            (at(r"export\.(csv|html)"), ExportHandler),
            (at("debrief"), DebriefHandler),
            (at(r"static/plotly\.min\.js"), PlotlyHandler),
            (prefix.rstrip("/") or "/", web.RedirectHandler, {"url": prefix}),
            (prefix, PageHandler),
        ],
        cookie_secret=cookie_secret,
        everycall=live,
        # Room for the 413 message: a bigger body is read, then refused with a clear reply.
        max_body_size=16 * MAX_BODY,
    )


def run() -> None:
    """Serve until stopped: JupyterHub's environment says where (``JUPYTERHUB_SERVICE_URL``
    and ``JUPYTERHUB_SERVICE_PREFIX``); ``DATABASE_URL`` or the state folder's SQLite file
    says what to keep answers in."""
    # Warnings and refusals go to the hub's log; one line per answer stored would drown it.
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname).1s %(asctime)s cohort] %(message)s"
    )
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    state = Path(os.environ.get("EVERYCALL_COHORT_STATE") or os.getcwd())
    url = os.environ.get("DATABASE_URL", "").strip() or default_url(state)
    store = LiveStore(url)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    address = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(store, prefix=prefix, cookie_secret=_cookie_secret(state))
    server = HTTPServer(app, max_body_size=16 * MAX_BODY, xheaders=True)
    server.listen(address.port or 80, address.hostname or "127.0.0.1")
    IOLoop.current().start()


if __name__ == "__main__":
    run()
