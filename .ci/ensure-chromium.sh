#!/usr/bin/env bash
# The browser tests (test/web/) drive Debian's chromium through playwright-core. Install it when
# it is missing and we may (root, apt-get present), so `npm ci && npm test` passes on a fresh
# machine and in CI; playwright's own browser download is never used.
set -euo pipefail
CHROMIUM="${MESHSIM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "meshsim: installing chromium for the browser tests (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "meshsim: $CHROMIUM is missing and this is not root; install Debian's chromium (apt-get install chromium) for the browser tests" >&2
