#!/usr/bin/env bash
# Java for the Spark engine tests (pyspark runs a local JVM): Debian's default JRE (17 on Debian 12).
# Logs on stderr; prints on stdout only the export to eval.
set -euo pipefail
if ! java -version >/dev/null 2>&1; then
  echo "ci: installing default-jre-headless for the Spark engine" >&2
  apt-get update -qq >&2
  apt-get install -y -qq default-jre-headless >&2
fi
java -version >&2 2>&1 || { echo "ci: java still missing" >&2; exit 1; }
java_bin="$(readlink -f "$(command -v java)")"
echo "export JAVA_HOME=$(dirname "$(dirname "$java_bin")")"
