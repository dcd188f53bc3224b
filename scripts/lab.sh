#!/usr/bin/env bash
# Start JupyterLab on the start notebook and print the address to open.
set -euo pipefail
bin=$1; port=${2:-8888}; no_browser=${3:-}
args=(--ServerApp.port="$port" --ServerApp.port_retries=0 --ServerApp.root_dir="$PWD/notebooks"
      --LabApp.default_url=/lab/tree/00-start-here.ipynb)
[ -n "$no_browser" ] && args+=(--no-browser)
[ "$(id -u)" = "0" ] && args+=(--allow-root)
echo "Starting JupyterLab on port $port (Ctrl+C to stop). Open the http://127.0.0.1:$port/... address printed below."
echo "Content note: this course discusses domestic abuse. Support: National Domestic Abuse Helpline 0808 2000 247; 999 in an emergency."
exec "$bin/jupyter" lab "${args[@]}"
