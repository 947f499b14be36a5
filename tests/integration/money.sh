#!/usr/bin/env bash
# shellcheck disable=SC2016
# (SC2016: GraphQL $variables in single quotes are not shell ones.)
# tests/integration/money.sh - money and limits over real HTTP (issue #4):
# rate-limit headers on every authenticated response; 100 simultaneous
# requests with a FREE key admit exactly 10 and refuse 90 with 429; the
# concurrency limit; 20 simultaneous retries with one Idempotency-Key make one
# generation, one charge and one body; another body with that key is 422; a
# failed generation refunds in full; and a soak of generate / cancel /
# completion across 50 accounts leaves every wallet equal to its ledger and no
# reservation without a live or finished generation.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init money
it_stack_up
url=$DOITONG_URL

sql() { psql "$DOITONG_DSN" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# new_account PLAN [set-plan flags...]: prints "ID LIVE_KEY TEST_KEY".
new_account() {
	local plan=$1 id key tkey
	shift
	id=$(it_admin account create "it-money-$plan-$$-$RANDOM" --plan "$plan" --credits 1000000) ||
		it_abort "account create failed"
	if (($#)); then it_admin account set-plan "$id" "$plan" "$@" >/dev/null || it_abort "set-plan failed"; fi
	key=$(it_admin key create "$id") || it_abort "key create failed"
	tkey=$(it_admin key create "$id" --test) || it_abort "key create --test failed"
	printf '%s %s %s\n' "$id" "$key" "$tkey"
}

# A window of 100 requests must not straddle a minute boundary.
wait_for_fresh_minute() {
	local s
	s=$(date +%S)
	s=${s#0}
	if ((s > 45)); then
		note "waiting $((61 - s)) s for a fresh minute window"
		sleep $((61 - s))
	fi
}

PROVIDERS='{"query":"{ providers(type: AUDIO) { id } }"}'

# --- headers on every authenticated response ------------------------------------
read -r _ pro_key _ <<<"$(new_account pro)"
gql_post "$url" "$pro_key" "$PROVIDERS"
assert_ok_data "PRO key: a query answers"
assert_eq "X-RateLimit-Limit is the PRO minute limit" 60 "$(resp_header X-RateLimit-Limit)"
assert_eq "X-RateLimit-Remaining counts this request" 59 "$(resp_header X-RateLimit-Remaining)"
assert_match "X-RateLimit-Reset: seconds until the minute window resets" '^([1-9]|[1-5][0-9]|60)$' "$(resp_header X-RateLimit-Reset)"
assert_match "RateLimit-Policy names the minute and day windows" '^"minute";q=60;w=60, "day";q=10000;w=86400$' "$(resp_header RateLimit-Policy)"
assert_match "RateLimit gives remaining and reset per window" '^"minute";r=59;t=[0-9]+, "day";r=9999;t=[0-9]+$' "$(resp_header RateLimit)"
gql_post "$url" "$pro_key" '{"query": "{ nope }"}'
assert_status "a validation error still answers 200 (application/json)" 200
assert_eq "a validation error is counted too" 58 "$(resp_header X-RateLimit-Remaining)"
gql_post "$url" "$pro_key" '{"query": 5}'
assert_status "a body that is not a GraphQL request: 400" 400
assert_eq "and it is counted and carries the headers" 57 "$(resp_header X-RateLimit-Remaining)"

# --- 100 simultaneous requests, FREE key: exactly 10 through ----------------------
read -r _ free_key _ <<<"$(new_account free)"
wait_for_fresh_minute
burst=$IT_TMP/burst
mkdir -p "$burst"
printf '%s\n' "$PROVIDERS" >"$burst/body.json"
seq 1 100 | xargs -P 100 -I{} curl -s --max-time 30 -o "$burst/{}.body" -D "$burst/{}.head" \
	-H "Authorization: Bearer $free_key" -H 'Content-Type: application/json' \
	--data-binary "@$burst/body.json" "$url"
ok=0 limited=0 other=0 bad_headers=0
for i in $(seq 1 100); do
	status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$burst/$i.head")
	case $status in
	200) ok=$((ok + 1)) ;;
	429)
		limited=$((limited + 1))
		retry=$(tr -d '\r' <"$burst/$i.head" | sed -n 's/^[Rr]etry-[Aa]fter: *//p')
		remaining=$(tr -d '\r' <"$burst/$i.head" | sed -n 's/^[Xx]-[Rr]ate[Ll]imit-[Rr]emaining: *//p')
		code=$(jq -r '.errors[0].extensions | "\(.code) \(.scope)"' "$burst/$i.body" 2>/dev/null || echo none)
		if ! [[ $retry =~ ^[1-9][0-9]*$ && $remaining == 0 && $code == "RATE_LIMIT minute" ]]; then
			bad_headers=$((bad_headers + 1))
			note "429 #$i: Retry-After '$retry', remaining '$remaining', code '$code'"
		fi
		;;
	*) other=$((other + 1)) ;;
	esac
done
assert_eq "100 simultaneous FREE requests: exactly 10 succeed" 10 "$ok"
assert_eq "100 simultaneous FREE requests: 90 answered 429" 90 "$limited"
assert_eq "no other status" 0 "$other"
assert_eq "every 429 has Retry-After, X-RateLimit-Remaining 0 and RATE_LIMIT/minute" 0 "$bad_headers"

# --- the concurrency limit: a FREE key's second concurrent generation ---------------
read -r _ _ free_test <<<"$(new_account free)"
SLOW='{"query":"mutation G($i: GenerateInput!) { generate(input: $i) { id status } }","variables":{"i":{"type":"VIDEO","provider":"kling","input":{"text":"a long wait [slow]"}}}}'
gql_post "$url" "$free_test" "$SLOW"
assert_ok_data "FREE: the first generation is accepted"
first=$(jqr '.data.generate.id // empty')
gql_post "$url" "$free_test" "$SLOW"
assert_status "FREE: a second concurrent generation is refused with 429" 429
assert_jq "FREE: ... with RATE_LIMIT and scope concurrency" \
	'.errors[0].extensions | .code == "RATE_LIMIT" and .scope == "concurrency"'
assert_match "FREE: ... and Retry-After" '^[1-9][0-9]*$' "$(resp_header Retry-After)"
if [[ -n $first ]]; then
	gql_post "$url" "$free_test" "$(jq -cn --arg id "$first" '{query: "mutation C($id: ID!) { cancelGeneration(id: $id) }", variables: {id: $id}}')"
	assert_jq "FREE: cancelling the first frees the slot" '.data.cancelGeneration == true'
	gql_post "$url" "$free_test" "$SLOW"
	assert_ok_data "FREE: then a new generation is accepted"
	second=$(jqr '.data.generate.id // empty')
	[[ -n $second ]] && gql_post "$url" "$free_test" "$(jq -cn --arg id "$second" '{query: "mutation C($id: ID!) { cancelGeneration(id: $id) }", variables: {id: $id}}')"
fi

# --- idempotency: 20 simultaneous retries ----------------------------------------
read -r idem_id idem_key _ <<<"$(new_account enterprise --rpm 1000 --concurrent 50 --daily 100000)"
idem=$IT_TMP/idem
mkdir -p "$idem"
key="retry-$$-$RANDOM"
jq -cn '{query: "mutation Generate($input: GenerateInput!) { generate(input: $input) { id status creditCost } }",
	variables: {input: {type: "AUDIO", provider: "local", input: {text: "Charge me once."}}}}' >"$idem/body.json"
seq 1 20 | xargs -P 20 -I{} curl -s --max-time 30 -o "$idem/{}.body" -D "$idem/{}.head" \
	-H "Authorization: Bearer $idem_key" -H 'Content-Type: application/json' -H "Idempotency-Key: $key" \
	--data-binary "@$idem/body.json" "$url"
statuses=$(for i in $(seq 1 20); do sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$idem/$i.head"; done | sort | uniq -c | tr -s ' ')
assert_eq "20 retries: all HTTP 200" " 20 200" "$statuses"
bodies=$(cat "$idem"/[0-9]*.body | sort -u | wc -l)
assert_eq "20 retries: one and the same body" 1 "$bodies"
replayed=$(grep -il '^idempotent-replayed: true' "$idem"/*.head | wc -l)
assert_eq "20 retries: 19 marked Idempotent-Replayed: true" 19 "$replayed"
assert_eq "20 retries: one generation" 1 "$(sql "SELECT count(*) FROM internal.generations WHERE account_id = '$idem_id'")"
assert_eq "20 retries: one reservation in the ledger" 1 \
	"$(sql "SELECT count(*) FROM internal.credit_ledger WHERE account_id = '$idem_id' AND kind = 'reserve'")"
gql_post "$url" "$idem_key" '{"query":"mutation { generate(input: {type: AUDIO, provider: \"local\", input: {text: \"Another request\"}}) { id } }"}' \
	-H "Idempotency-Key: $key"
assert_error_code "the same key with another request: 422 IDEMPOTENCY_CONFLICT" 422 IDEMPOTENCY_CONFLICT
gql_post "$url" "$idem_key" "$PROVIDERS" -H "Idempotency-Key: $key"
assert_ok_data "the key is ignored on a query"
# (Control characters never get this far: the web server refuses such a header.)
gql_post "$url" "$idem_key" "$(cat "$idem/body.json")" -H "Idempotency-Key: two words"
assert_error_code "an Idempotency-Key with a space: 400 INVALID_INPUT" 400 INVALID_INPUT
gql_post "$url" "$idem_key" "$(cat "$idem/body.json")" -H "Idempotency-Key: $(printf 'k%.0s' $(seq 1 256))"
assert_error_code "an Idempotency-Key of 256 characters: 400 INVALID_INPUT" 400 INVALID_INPUT

# --- a failed generation refunds in full ---------------------------------------------
read -r fail_id _ fail_test <<<"$(new_account enterprise --rpm 1000 --concurrent 50 --daily 100000)"
before=$(sql "SELECT balance - reserved FROM internal.wallets WHERE account_id = '$fail_id' AND test_mode")
gql_post "$url" "$fail_test" '{"query":"mutation { generate(input: {type: IMAGE, provider: \"flux-pro\", input: {text: \"please [fail]\"}}) { id creditCost } }"}'
assert_ok_data "a generation that will fail is accepted"
fid=$(jqr '.data.generate.id // empty')
cost=$(jqr '.data.generate.creditCost // 0')
during=$(sql "SELECT balance - reserved FROM internal.wallets WHERE account_id = '$fail_id' AND test_mode")
assert_eq "its price is reserved at acceptance" "$((before - cost))" "$during"
if [[ -n $fid ]]; then
	poll_generation "$url" "$fail_test" "$fid" 30
	assert_eq "it fails" FAILED "$POLL_STATUS"
	assert_jq "with GENERATION_FAILED" '.data.generation.error.code == "GENERATION_FAILED"'
fi
after=$(sql "SELECT balance - reserved FROM internal.wallets WHERE account_id = '$fail_id' AND test_mode")
assert_eq "the reservation is refunded in full" "$before" "$after"

# --- soak: 50 accounts, generate / cancel / completion, then the invariants ------------
soak=$IT_TMP/soak
mkdir -p "$soak"
for _ in $(seq 1 50); do
	new_account enterprise --rpm 10000 --concurrent 100 --daily 1000000 >>"$soak/accounts"
done
cut -d' ' -f1 "$soak/accounts" | paste -sd, | sed "s/\([^,]*\)/'\1'/g" >"$soak/ids"
worker() { # ID LIVE TEST: six requests of each kind of fate
	local id=$1 tkey=$3 i text gid
	for i in 1 2 3 4 5 6; do
		case $((i % 3)) in
		0) text="soak $id $i" ;;
		1) text="soak $id $i [fail]" ;;
		2) text="soak $id $i [slow]" ;;
		esac
		gid=$(curl -s --max-time 30 -H "Authorization: Bearer $tkey" -H 'Content-Type: application/json' \
			--data-binary "$(jq -cn --arg t "$text" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }", variables: {i: {type: "AUDIO", provider: "elevenlabs", input: {text: $t}}}}')" \
			"$URL" | jq -r '.data.generate.id // empty')
		if [[ -n $gid && $((i % 2)) == 0 ]]; then
			curl -s --max-time 30 -o /dev/null -H "Authorization: Bearer $tkey" -H 'Content-Type: application/json' \
				--data-binary "{\"query\":\"mutation { cancelGeneration(id: \\\"$gid\\\") }\"}" "$URL"
		fi
	done
}
export -f worker
export URL=$url
xargs -P 25 -L 1 bash -c 'worker "$@"' _ <"$soak/accounts"
ids=$(cat "$soak/ids")
assert_eq "soak: 300 generations were accepted" 300 "$(sql "SELECT count(*) FROM internal.generations WHERE account_id IN ($ids)")"
deadline=$((SECONDS + 90))
while ((SECONDS < deadline)); do
	active=$(sql "SELECT count(*) FROM internal.generations WHERE account_id IN ($ids) AND status IN ('PENDING','PROCESSING')")
	((active == 0)) && break
	sleep 2
done
assert_eq "soak: every generation finished within 90 s" 0 "$active"
assert_eq "soak: every wallet equals its ledger" 0 "$(sql "
	SELECT count(*) FROM internal.wallets w,
	       LATERAL (SELECT coalesce(sum(l.balance_delta), 0) AS balance,
	                       coalesce(sum(l.reserved_delta), 0) AS reserved
	                  FROM internal.credit_ledger l
	                 WHERE l.account_id = w.account_id AND l.test_mode = w.test_mode) s
	 WHERE w.account_id IN ($ids) AND (w.balance <> s.balance OR w.reserved <> s.reserved)")"
assert_eq "soak: no reservation left once nothing runs" 0 "$(sql "SELECT coalesce(sum(reserved), 0) FROM internal.wallets WHERE account_id IN ($ids)")"
assert_eq "soak: every reservation belongs to a generation that finished with exactly one capture or release" 0 "$(sql "
	SELECT count(*) FROM internal.credit_ledger r
	  LEFT JOIN internal.generations g ON g.id = r.generation_id
	 WHERE r.account_id IN ($ids) AND r.kind = 'reserve'
	   AND (g.id IS NULL OR g.status NOT IN ('COMPLETED','FAILED','CANCELLED')
	        OR (SELECT count(*) FROM internal.credit_ledger s
	             WHERE s.generation_id = r.generation_id AND s.kind IN ('capture','release')) <> 1)")"
assert_eq "soak: completed ones were charged, failed and cancelled ones refunded" 0 "$(sql "
	SELECT count(*) FROM internal.generations g
	 WHERE g.account_id IN ($ids)
	   AND NOT EXISTS (SELECT 1 FROM internal.credit_ledger s WHERE s.generation_id = g.id
	                    AND s.kind = CASE g.status WHEN 'COMPLETED' THEN 'capture' ELSE 'release' END)")"
note "soak outcomes: $(sql "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM internal.generations WHERE account_id IN ($ids) GROUP BY status ORDER BY status) s")"
