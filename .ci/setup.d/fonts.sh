#!/usr/bin/env bash
# Package PDFs embed DejaVu Sans (Latin, Greek, Cyrillic user names); without it they fall back to
# Helvetica (Latin-1 only) and the tests that read non-Latin names back would not run. Logs on stderr.
set -euo pipefail
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "ci: installing fonts-dejavu-core for the package PDFs" >&2
  apt-get update -qq >&2
  apt-get install -y -qq fonts-dejavu-core >&2
fi
