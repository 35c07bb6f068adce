#!/usr/bin/env bash
# Node.js and npm build the workbench's front-end bundle (make frontend). The machine usually has them;
# when not, Debian's packages. Logs on stderr; prints nothing on stdout.
set -euo pipefail
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "ci: installing nodejs and npm for the workbench bundle" >&2
  apt-get update -qq >&2
  apt-get install -y -qq nodejs npm >&2
fi
echo "ci: node $(node --version), npm $(npm --version)" >&2
