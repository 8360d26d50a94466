#!/usr/bin/env bash
# Dependency audit for CI: fails on a high or critical advisory in production dependencies. When the registry's
# audit endpoint cannot be reached (as on our CI machines, which reach only the package download service), it says so
# and does not block: an unreachable audit is reported, never mistaken for a clean one.
set -uo pipefail
cd "$(dirname "$0")/.."
out="$(npm audit --omit=dev --audit-level=high 2>&1)"; rc=$?
if [ $rc -eq 0 ]; then echo "npm audit: no high or critical advisories"; exit 0; fi
if grep -qiE 'audit endpoint returned an error|ENOAUDIT|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|405 Method Not Allowed' <<<"$out"; then
  echo "npm audit: UNAVAILABLE (the registry's audit endpoint did not answer); dependency audit NOT performed" >&2
  exit 0
fi
echo "$out"
exit $rc
