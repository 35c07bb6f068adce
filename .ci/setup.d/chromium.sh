#!/usr/bin/env bash
# Debian's Chromium for the workbench's browser tests (Playwright drives /usr/bin/chromium; no browser
# download). Logs on stderr; prints nothing on stdout.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "ci: installing chromium for the browser tests" >&2
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
/usr/bin/chromium --version >&2
