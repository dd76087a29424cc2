#!/usr/bin/env bash
# The layer rule (docs/ARCHITECTURE.md): a file that declares routes holds no SQL — its
# queries live in its capability's store. The files below still do (issue 17 is moving
# them out); the list may only shrink: a new file with both fails, and so does a listed
# file that no longer needs its place.
set -euo pipefail
cd "$(dirname "$0")/../crates/maillon-app"
still=(
  src/activities/export.rs
  src/members/import.rs
  src/members/segments.rs
  src/members/self_service.rs
  src/workshops/attendance.rs
  src/workshops/cancelling.rs
)
status=0
while IFS= read -r file; do
  if grep -q 'sqlx::' "$file"; then
    if [[ ! " ${still[*]} " == *" $file "* ]]; then
      echo "SQL in a route file: $file — move its queries to the capability's store" >&2
      status=1
    fi
  fi
done < <(grep -rl --include='*.rs' '\.route(' src | sort)
for file in "${still[@]}"; do
  if ! grep -q 'sqlx::' "$file"; then
    echo "$file holds no SQL any more: take it out of scripts/check-layers.sh" >&2
    status=1
  fi
done
exit "$status"
