#!/usr/bin/env bash
# Media tests: ewfacquire (ewf-tools) writes the E01 test image; e2fsprogs (mke2fs, debugfs) the raw one;
# gcc builds the PDQ extension.
# Logs on stderr; prints nothing on stdout.
set -euo pipefail
missing=()
command -v ewfacquire >/dev/null 2>&1 || missing+=(ewf-tools)
command -v mke2fs >/dev/null 2>&1 || missing+=(e2fsprogs)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)  # builds rescue.media._pdq (fast PDQ) at pip install
if [ "${#missing[@]}" -gt 0 ]; then
  echo "media: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi
