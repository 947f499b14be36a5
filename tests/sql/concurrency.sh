#!/usr/bin/env bash
# tests/sql/concurrency.sh DSN — money-path checks that need several
# sessions at once (pgTAP files run in one transaction and cannot show them).
# Run by run.sh against its throwaway database (it commits data there).
#  1. 20 simultaneous generates against a wallet that can pay for exactly 5:
#     exactly 5 succeed, the other 15 get QA402, spendable ends at 0 and the
#     wallet still equals its ledger sums (the FOR UPDATE lock in
#     internal.credits_reserve at work).
#  2. 5 schedulers claim at once, each holding its transaction open for 2 s:
#     no job is claimed twice, every due job is claimed, and nobody waited
#     for another's locks (FOR UPDATE SKIP LOCKED at work).
# Prints TAP; exits non-zero on any failure.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DSN" >&2
  exit 2
fi
dsn=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q() { psql "$dsn" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

echo "1..6"
fails=0
check() { # check DESCRIPTION COMMAND...
  local desc=$1; shift
  if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fails=$((fails + 1)); fi
}

# ---------------------------------------------------------------- 1. reserve race
read -r acc key < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('PRO', 3000)")
body='{"type":"AUDIO","provider":"elevenlabs","input":{"text":"race"}}'   # 600 credits each
for i in $(seq 1 20); do
  ( q -c "SELECT api.generate('$key', '$body')" >/dev/null 2>"$tmp/gen.$i.err"; echo $? >"$tmp/gen.$i.rc" ) &
done
wait
ok_count=$(grep -lx 0 "$tmp"/gen.*.rc | wc -l)
qa402_count=$(grep -l 'Insufficient credits' "$tmp"/gen.*.err | wc -l)
check "exactly 5 of 20 simultaneous generates succeed (got $ok_count)" test "$ok_count" -eq 5
check "the other 15 are INSUFFICIENT_CREDITS (got $qa402_count)" test "$qa402_count" -eq 15
state=$(q -c "SELECT balance || ' ' || reserved || ' ' || tests.ledger_consistent()
                FROM internal.wallets WHERE account_id = '$acc' AND NOT test_mode")
check "wallet 3000 balance, 3000 reserved, equal to the ledger (got $state)" test "$state" = "3000 3000 true"

# ---------------------------------------------------------------- 2. claim race
read -r acc2 < <(q -c "SELECT account_id FROM tests.make_account('PRO', 1000000)")
q -c "SELECT count(internal.generation_create('$acc2', false,
        '{\"type\":\"AUDIO\",\"provider\":\"local\",\"input\":{\"text\":\"job\"}}', now() - interval '1 minute'))
        FROM generate_series(1, 40)" >/dev/null
due=$(q -c "SELECT count(*) FROM internal.generations WHERE status = 'PENDING' AND lease_owner IS NULL")
start=$(date +%s%N)
for w in 1 2 3 4 5; do
  ( q -c "BEGIN" -c "SELECT e->>'id' FROM jsonb_array_elements(api.jobs_claim('race-w$w', 10, 300)) e" \
      -c "SELECT pg_sleep(2)" -c "COMMIT" | grep '^gen_' >"$tmp/claim.$w" ) &
done
wait
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
total=$(cat "$tmp"/claim.* | wc -l)
dups=$(cat "$tmp"/claim.* | sort | uniq -d | wc -l)
check "no job claimed twice by 5 concurrent schedulers (duplicates: $dups)" test "$dups" -eq 0
check "all $due due jobs claimed (got $total)" test "$total" -eq "$due"
check "claimers did not wait for each other's locks (${elapsed_ms} ms for 5 x 2 s)" \
  test "$elapsed_ms" -lt 6000

exit $((fails > 0))
