#!/usr/bin/env bash
# Create the project's virtual environment, explaining what to do when Python's venv module is
# missing (Debian and Ubuntu ship it separately as python3-venv).
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}

if ! command -v "$python" >/dev/null 2>&1; then
  echo "make: $python was not found; install Python 3.11 or newer (Debian/Ubuntu: apt-get install python3)" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "make: Every Call needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
  exit 2
fi
if "$python" -m venv "$venv" 2>/dev/null; then
  exit 0
fi
rm -rf "$venv"
# Debian/Ubuntu: the venv module (ensurepip) lives in a separate package.
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  echo "make: installing python${ver}-venv with apt-get"
  apt-get update -qq && (apt-get install -y -qq "python${ver}-venv" || apt-get install -y -qq python3-venv)
  "$python" -m venv "$venv"
  exit 0
fi
echo "make: '$python -m venv' failed; on Debian/Ubuntu run: sudo apt-get install python3-venv" >&2
exit 2
