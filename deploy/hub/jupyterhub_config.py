"""JupyterHub configuration of the Every Call workshop hub.

Started by ``make hub`` / ``everycall hub`` (``toolkit.hub.serve``), which checks the
settings, builds the course editions and passes everything in environment variables that
``HubSettings.from_environment()`` reads back (see ``toolkit/hub/settings.py`` for each one:
PORT, WORKSHOP_CODE, TRAINER_PASSWORD, EVERYCALL_HUB_*). JupyterHub runs as root from the
hub's own environment (``/opt/everycall-hub``), which every learner's account can read.

Everything below is JupyterHub's own machinery, set up for a training room:

* sign-in: ``SharedPasswordAuthenticator`` (JupyterHub 5.3+): learners choose a name and
  type the workshop code; trainers sign in with their name and the trainer password, which
  puts them in the ``trainer`` group (``password_groups``);
* roles: the ``trainer`` role (admin page, start and stop learners' servers); learners have
  JupyterHub's default ``user`` role, which reaches their own server only;
* a system account and a private home per learner, made on first start by the spawn hook;
  each learner's server runs as their own account (``LocalProcessSpawner``); in ``demo``
  mode only, ``SimpleLocalProcessSpawner`` runs everyone as one user, and every page says so;
* idle servers stopped by ``jupyterhub-idle-culler``, a hub-managed service;
* the live cohort debrief, ``everycall-cohort``, a hub-managed service (``toolkit.live``):
  every learner's server token may send it answers (``access:services``); the trainer role's
  custom scope reads them; trainers sign in to its page with the hub's OAuth. Answers are kept
  in ``STATE/cohort.sqlite``, or in PostgreSQL when ``DATABASE_URL`` is set.
"""

import os
import sys
from pathlib import Path

from toolkit.hub import (
    TRAINER_GROUP,
    USERNAME_PATTERN,
    HubSettings,
    LearnerHomes,
    redact_secrets,
    sign_in_rule,
)
from toolkit.live import ACCESS_SCOPE, READ_SCOPE, SERVICE_NAME

c = get_config()  # noqa: F821 - JupyterHub defines get_config when it reads this file

s = HubSettings.from_environment()
s.check_secrets()
# The workshop code and trainer password came in the environment: take them out of it, so
# no process the hub starts (proxy, culler, learners' servers) inherits them, and out of
# every log line (a learner may type the code into the name box).
for secret in ("WORKSHOP_CODE", "TRAINER_PASSWORD"):
    os.environ.pop(secret, None)
redact_secrets([s.workshop_code, s.trainer_password])

here = Path(__file__).resolve().parent

# --- where it listens and what it keeps ----------------------------------------------------
c.JupyterHub.bind_url = f"http://{s.ip}:{s.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s.hub_port
c.ConfigurableHTTPProxy.command = [str(s.proxy)]  # the checkout's node_modules (npm ci)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(s.state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{s.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(s.state / "jupyterhub_cookie_secret")
c.JupyterHub.template_paths = [str(here / "templates")]  # support line on every page

# --- sign-in -----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = s.workshop_code
c.SharedPasswordAuthenticator.password_groups = {s.trainer_password: [TRAINER_GROUP]}
c.SharedPasswordAuthenticator.manage_groups = True
c.Authenticator.allow_all = True  # anyone in the room with the code
c.Authenticator.username_pattern = USERNAME_PATTERN
c.Authenticator.post_auth_hook = sign_in_rule(s.trainers, [s.workshop_code, s.trainer_password])

# --- who may do what (JupyterHub RBAC) -----------------------------------------------------
c.JupyterHub.load_roles = [
    {
        "name": "trainer",
        "description": "Trainers: the admin page; see, start and stop learners' servers",
        "groups": [TRAINER_GROUP],
        "scopes": [
            "admin-ui",
            "list:users",
            "read:users",
            "read:servers",
            "admin:servers",
            "list:groups",
            "read:groups",
            READ_SCOPE,
        ],
    },
    {
        # JupyterHub's default role for every user, plus sending to the live debrief.
        "name": "user",
        "description": "Everyone: their own server, and sending answers to the live debrief",
        "scopes": ["self", ACCESS_SCOPE],
    },
    {
        "name": "idle-culler",
        "description": "Stop servers nobody has used for a while",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]

c.JupyterHub.custom_scopes = {
    READ_SCOPE: {"description": "Read the live cohort debrief: every learner's answers"},
}

# --- idle servers and the live cohort debrief ----------------------------------------------
idle = s.idle_minutes * 60
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={idle}",
            f"--cull-every={min(300, max(30, idle // 2))}",
        ],
    },
    {
        "name": SERVICE_NAME,
        "url": f"http://127.0.0.1:{s.cohort_port}",
        "command": [sys.executable, "-m", "toolkit.live"],
        "cwd": str(s.state),
        "environment": {
            "EVERYCALL_COHORT_STATE": str(s.state),
            **(
                {"DATABASE_URL": os.environ["DATABASE_URL"]} if "DATABASE_URL" in os.environ else {}
            ),
        },
        # Trainers open the page from the hub: no "authorize" page for the course's own service.
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": [READ_SCOPE],
    },
]
# A learner's kernel sends each saved answer straight to the service (not through the proxy),
# with its server's token; the token may reach the service, and (trainers only, since a token
# never holds more than its owner) read it.
cohort_url = f"http://127.0.0.1:{s.cohort_port}/services/{SERVICE_NAME}/"
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    ACCESS_SCOPE,
    READ_SCOPE,
]

# --- each learner's server -----------------------------------------------------------------
if s.mode == "demo":
    # Demo only: every learner's server runs as the hub's own user, homes side by side.
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(s.state / "demo-homes" / "{username}")
    demo = (
        "DEMO MODE: every learner's server runs as the same system user, so learners can "
        "read each other's files. For a real workshop, start the hub without DEMO=1."
    )
    c.JupyterHub.template_vars = {"announcement": demo}
else:
    c.JupyterHub.spawner_class = "toolkit.hub.spawner.LearnerSpawner"
    c.LearnerSpawner.account_prefix = s.account_prefix

# account, private home, the course handed out (and in demo mode, the banner)
c.Spawner.pre_spawn_hook = LearnerHomes(s, demo_css=here / "demo-banner.css")
c.Spawner.cmd = [str(s.env / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/course/00-start-here.ipynb"
c.Spawner.environment = {
    "PATH": f"{s.env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "EVERYCALL_COHORT_URL": cohort_url,
}
c.Spawner.args = [
    "--ServerApp.terminals_enabled=False",  # the course needs no shell
    # Learners cannot install into the hub's environment, and a training room is often
    # offline: JupyterLab's extension manager only lists what is there, never asks PyPI.
    "--LabApp.extension_manager=readonly",
]
if s.mode == "demo":
    if os.geteuid() == 0:
        c.Spawner.args.append("--allow-root")
    # JupyterLab shows the same warning on every page: custom CSS, which the spawn hook
    # copies into each demo home's ~/.jupyter/custom/.
    c.Spawner.args.append("--LabApp.custom_css=True")
# Twenty learners starting together on two cores: give a server time to come up.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
