#!/usr/bin/env bash
# Make sure a system Chromium is available for the browser tests and PDF handouts.
# Never Playwright's own download (`playwright install`): it needs the internet.
# Order: CHROMIUM=/path, a chromium or chrome on PATH, then Debian's package via apt-get as root.
# Without a browser the browser tests skip with a reason, except under CI=true, where it fails.
set -uo pipefail

found() { echo "chromium: using $1"; exit 0; }

if [ -n "${CHROMIUM:-}" ]; then
  if [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; then found "$CHROMIUM"; fi
  echo "chromium: CHROMIUM=$CHROMIUM is not a program that can be run" >&2
  [ "${CI:-}" = "true" ] && exit 2
  exit 0
fi
for name in chromium chromium-browser google-chrome google-chrome-stable chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    # poppler-utils (pdftoppm) renders PDF pages for the handout checks; best effort.
    if ! command -v pdftoppm >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -qq poppler-utils >/dev/null 2>&1 || true
    fi
    found "$(command -v "$name")"
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium with apt-get (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; then
    found "$(command -v chromium)"
  fi
  echo "chromium: apt-get could not install chromium" >&2
fi
msg="chromium: no Chromium found; browser tests will skip (install chromium, or set CHROMIUM=/path/to/chromium)"
if [ "${CI:-}" = "true" ]; then
  echo "${msg/will skip/cannot run} and CI=true requires them" >&2
  exit 2
fi
echo "$msg" >&2
exit 0
