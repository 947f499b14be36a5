#!/usr/bin/env bash
# tests/integration/admin.sh - doitong-admin's readable reports on the
# running stack: `stats --since` counts the generations this suite makes
# (by state and in the provider table), the credits they spent and refunded
# and a failed webhook delivery; a bad period exits 1 naming the forms;
# `providers list` is a table with the key variable and breaker columns.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init admin
it_stack_up
it_suite_account admin
sql() { psql "$DOITONG_DSN" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# stat KEY: one "key  value" line of `stats --since "$since"`.
stat() { awk -v k="$1" '$1 == k { print $2 }' <<<"$STATS"; }
# local_row COLUMN: a column of the provider table's `local` row.
local_row() { awk -v c="$1" '$1 == "local" { print $c }' <<<"$STATS"; }

# A fixed start, not a sliding "10m": generations other suites made ten
# minutes before would leave the window between the two reads.
since=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
STATS=$(it_admin stats --since "$since") || it_abort "doitong-admin stats failed: $STATS"
before_total=$(stat generations.total) before_local=$(local_row 2) before_spent=$(stat credits.spent)
before_hooks=$(stat webhooks.failed)

# Two local speech generations that complete, and one the stack refuses to
# run (a webhook to an address the guard refuses at delivery: a name that
# does not resolve), all with the live key.
# shellcheck disable=SC2016
GEN='mutation G($input: GenerateInput!) { generate(input: $input) { id creditCost } }'
ids=()
for text in "stats one" "stats two"; do
	gql_post "$DOITONG_URL" "$SUITE_KEY" "$(json_request "$GEN" \
		"$(jq -cn --arg t "$text" '{input: {type: "AUDIO", provider: "local", input: {text: $t}, webhookUrl: "http://no-such-host.invalid/hook"}}')")"
	id=$(jqr '.data.generate.id // empty')
	[[ -n $id ]] || it_abort "generate failed: $RESP_BODY"
	ids+=("$id")
done
for id in "${ids[@]}"; do poll_generation "$DOITONG_URL" "$SUITE_KEY" "$id" 60; done
# Each delivery to the unresolvable host fails; end them now instead of
# waiting out the retry schedule.
id_list=$(printf "'%s'," "${ids[@]}")
sql "UPDATE internal.webhook_deliveries SET status = 'FAILED', finished_at = now()
      WHERE generation_id IN (${id_list%,}) AND status = 'PENDING'" >/dev/null
spent=$(sql "SELECT sum(credit_cost) FROM internal.generations WHERE id IN (${id_list%,}) AND status = 'COMPLETED'")

STATS=$(it_admin stats --since "$since") || it_abort "doitong-admin stats failed: $STATS"
assert_match "stats: names its period" '^From [0-9-]+T[0-9:]+Z to [0-9-]+T[0-9:]+Z' "$STATS"
assert_eq "stats: generations.total counts this suite's two" 2 $(($(stat generations.total) - before_total))
assert_eq "stats: the provider table's local row counts them" 2 $(($(local_row 2) - ${before_local:-0}))
assert_eq "stats: credits.spent grew by what the two cost" "$spent" $(($(stat credits.spent) - before_spent))
assert_eq "stats: webhooks.failed counts the two failed deliveries" 2 $(($(stat webhooks.failed) - before_hooks))
assert_match "stats: the provider table has its header" 'PROVIDER +TOTAL +COMPLETED +FAILED +CANCELLED +ACTIVE +FAILURE RATE' "$STATS"

out=$(it_admin stats --since last-tuesday 2>&1) && rc=0 || rc=$?
assert_eq "stats --since last-tuesday: exits 1" 1 "$rc"
assert_match "stats --since last-tuesday: names the accepted forms" 'give a duration \(30m, 24h, 7d\) or a timestamp' "$out"

out=$(it_admin providers list) || it_abort "providers list failed: $out"
assert_match "providers list: a table with key variable and breaker columns" \
	'ID +TYPES +ADAPTER +ENABLED +ROUTE +KEY VARIABLE +BREAKER +FAILURES' "$out"
assert_match "providers list: local is listed" $'\nlocal ' "$out"
