#!/usr/bin/env bash
# The command line as an administrator uses it, on a fresh SQLite file:
# first account, refused password, migrate, backup, reminders, unknown command.
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
dir=$(mktemp -d)
cd "$dir"
passed=0
failed=0
expect() { # description, then a command that must succeed
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
export MAILLON_LOG=warn
expect "user create makes the first network admin" \
  bash -c "MAILLON_PASSWORD='une phrase de passe solide' '$bin' user create --email admin@centre.test --name 'Admin Centre' --network-admin | grep -q 'Compte créé'"
expect "a short password is refused with a French message" \
  bash -c "! MAILLON_PASSWORD=court '$bin' user create --email b@centre.test --name B --network-admin 2>err.txt && grep -q '12 caractères' err.txt"
expect "the same e-mail cannot be used twice" \
  bash -c "! MAILLON_PASSWORD='une phrase de passe solide' '$bin' user create --email ADMIN@centre.test --name A --network-admin 2>err.txt && grep -q 'existe déjà' err.txt"
expect "an account needs a structure or the network role" \
  bash -c "! MAILLON_PASSWORD='une phrase de passe solide' '$bin' user create --email c@centre.test --name C 2>err.txt && grep -q 'network-admin' err.txt"
expect "a structure that does not exist is named in the refusal" \
  bash -c "! MAILLON_PASSWORD='une phrase de passe solide' '$bin' user create --email d@centre.test --name D --structure nulle-part --role mediator 2>err.txt && grep -q 'structure inconnue : nulle-part' err.txt"
expect "migrate says the database is up to date" bash -c "'$bin' migrate | grep -q 'Base de données à jour'"
expect "backup writes a copy" bash -c "'$bin' backup --to copie.db | grep -q 'Sauvegarde écrite' && test -s copie.db"
expect "backup refuses to overwrite" bash -c "! '$bin' backup --to copie.db 2>err.txt && grep -q 'existe déjà' err.txt"
expect "the copy holds the account" bash -c "DATABASE_URL=copie.db MAILLON_PASSWORD='une phrase de passe solide' '$bin' user create --email admin@centre.test --name X --network-admin 2>&1 | grep -q 'existe déjà'"
expect "demo --scale generates a national-size network, then serves" \
  bash -c "MAILLON_ADDR=127.0.0.1:8499 MAILLON_WORKERS=0 '$bin' demo --scale 500 > scale.log 2>&1 & pid=\$!; for _ in \$(seq 1 90); do grep -q 'écoute' scale.log && break; sleep 1; done; kill -INT \$pid; wait \$pid; grep -q 'Fait en' scale.log && grep -q 'écoute' scale.log"
expect "remind plans the reminders due now" bash -c "'$bin' remind | grep -q 'rappel(s) mis dans la boîte'"
expect "an unknown command prints the help and fails" bash -c "! '$bin' inconnu 2>err.txt && grep -q 'Utilisation' err.txt"
rm -rf "$dir"
echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
