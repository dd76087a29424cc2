#!/usr/bin/env bash
# The layer rules (docs/ARCHITECTURE.md, invariants 3 and 12), checked by CI:
# - a file that declares routes holds no SQL — its queries live in its capability's
#   store, where the tenancy filter is written once and tested;
# - a route file never makes a `StructureId` from a string (`StructureId::stored`): its
#   store calls take the one its `StructureAccess` extractor checked;
# - the ground floor (`web/`, `db/`, `jobs/`) names no capability: capabilities give
#   their routes, job handlers and migration steps to `app/`, which wires them.
set -euo pipefail
cd "$(dirname "$0")/../crates/maillon-app"
status=0
while IFS= read -r file; do
  if grep -n 'sqlx::' "$file" >&2; then
    echo "^ SQL in a route file: $file — move its queries to the capability's store" >&2
    status=1
  fi
  if grep -n 'StructureId::stored' "$file" >&2; then
    echo "^ a structure id made from a string in a route file: $file — use access.structure.id" >&2
    status=1
  fi
done < <(grep -rl --include='*.rs' '\.route(' src | sort)
capabilities='accounts|activities|files|limits|mail|members|messages|places|resources|sms|structures|workshops'
if grep -rnE "crate::($capabilities)\b" src/web src/db src/jobs >&2; then
  echo "^ the ground floor names a capability — register it from the capability in app/ instead" >&2
  status=1
fi
exit "$status"
