#!/usr/bin/env bash
# The layer rule (docs/ARCHITECTURE.md, invariant 3): a file that declares routes holds no
# SQL — its queries live in its capability's store, where the tenancy filter is written
# once and tested. CI fails when a route file names `sqlx::`.
set -euo pipefail
cd "$(dirname "$0")/../crates/maillon-app"
status=0
while IFS= read -r file; do
  if grep -n 'sqlx::' "$file" >&2; then
    echo "^ SQL in a route file: $file — move its queries to the capability's store" >&2
    status=1
  fi
done < <(grep -rl --include='*.rs' '\.route(' src | sort)
exit "$status"
