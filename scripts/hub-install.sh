#!/usr/bin/env bash
# Install what the workshop hub needs (make hub-install; make hub and make test call it):
#   1. the proxy, configurable-http-proxy, pinned in package.json/package-lock.json, into
#      node_modules/ with `npm ci` (never a global install);
#   2. the hub's Python environment in PREFIX (default /opt/everycall-hub): a venv of the
#      system's Python, readable by every account (learners' servers run as their own
#      accounts, which cannot read root's home, where pyenv and .venv usually live), with
#      JupyterHub, the idle culler and nbgitpuller (pinned in pyproject.toml's `hub` extra)
#      and this course, installed from the checkout as a wheel (not editable).
# Each step is skipped when nothing it depends on changed, so a second run takes a second.
#
# Usage: scripts/hub-install.sh PREFIX [--if-possible]
#   --if-possible (make test): where the hub cannot be installed (not root, not Linux, no
#   npm, no network), say why and exit 0 so the hub tests skip; under CI=true a failure to
#   install as root on Linux still fails.
set -euo pipefail
prefix=${1:-/opt/everycall-hub}
mode=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${HUB_PYTHON:-/usr/bin/python3}

cannot() {
  if [ "$mode" = "--if-possible" ]; then
    echo "hub: $1; the hub tests will skip"
    exit 0
  fi
  echo "make hub-install: $1" >&2
  exit 2
}

[ "$(uname -s)" = "Linux" ] || cannot "a workshop hub runs on Linux only"
[ "$(id -u)" = "0" ] || cannot "installing the hub needs root (it runs as root and creates an account per learner)"
command -v npm >/dev/null 2>&1 || cannot "npm was not found: install Node.js 20 or newer (Debian: apt-get install nodejs npm)"
[ -x "$python" ] || cannot "$python was not found: install Python 3.11 or newer (Debian: apt-get install python3)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || cannot "$python is $("$python" --version 2>&1); the hub needs Python 3.11 or newer (HUB_PYTHON=/path/to/python3)"

install() {
  # 1. The proxy.
  local lock_hash
  lock_hash=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
  if [ ! -x "$root/node_modules/.bin/configurable-http-proxy" ] \
     || [ "$(cat "$root/node_modules/.everycall-lock" 2>/dev/null)" != "$lock_hash" ]; then
    echo "hub: installing configurable-http-proxy into node_modules/ (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$lock_hash" > "$root/node_modules/.everycall-lock"
  fi

  # 2. The hub's Python environment.
  if [ ! -x "$prefix/bin/python" ]; then
    echo "hub: creating the hub's Python environment in $prefix"
    if ! "$python" -m venv "$prefix" 2>/dev/null; then
      rm -rf "$prefix"
      command -v apt-get >/dev/null 2>&1 || { echo "hub: $python -m venv failed" >&2; return 1; }
      local ver
      ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      echo "hub: installing python${ver}-venv with apt-get"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq && (apt-get install -y -qq "python${ver}-venv" || apt-get install -y -qq python3-venv) || return 1
      "$python" -m venv "$prefix" || return 1
    fi
  fi
  # What the course installs from: reinstall when any of it changed.
  local source_hash
  source_hash=$(cd "$root" && find pyproject.toml README.md toolkit data jupyter-config -type f \
      ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$prefix/.everycall-source" 2>/dev/null)" != "$source_hash" ]; then
    echo "hub: installing JupyterHub and the course into $prefix (a minute or two the first time)"
    umask 022
    local log
    log=$(mktemp)
    # pip's notes about this machine's extra package folders are noise; errors are shown.
    if ! { "$prefix/bin/python" -m pip install --quiet --disable-pip-version-check "$root[hub]" \
           && "$prefix/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
                --force-reinstall "$root"; } >"$log" 2>&1; then
      grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
    "$prefix/bin/python" -c 'import jupyterhub, jupyterhub_idle_culler, nbgitpuller, voila, toolkit.hub' \
      || { echo "hub: the hub's environment is incomplete" >&2; return 1; }
    "$prefix/bin/python" -m toolkit.lab_settings "$prefix" >/dev/null
    chmod -R a+rX "$prefix"
    echo "$source_hash" > "$prefix/.everycall-source"
  fi
}

if [ "$mode" = "--if-possible" ] && [ "${CI:-}" != "true" ]; then
  install || cannot "the hub could not be installed (see above)"
else
  install
fi
