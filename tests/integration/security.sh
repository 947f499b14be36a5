#!/usr/bin/env bash
# shellcheck disable=SC2016
# (SC2016: GraphQL $variables in single quotes are not shell ones.)
# tests/integration/security.sh - secrets and access (issue 10 item 4), on
# the running stack through lighttpd and Apache:
#  1. one account can never read, list, cancel, replay or be charged for
#     another's generation: generation, generations, cancelGeneration,
#     generate under the other's Idempotency-Key, rotateWebhookSecret, each
#     tried by account B on account A's generation, and A's wallet unchanged;
#  2. API keys are stored only as their SHA-256 (a full database dump holds
#     no raw key) and never logged (every log of the stack grepped, after
#     requests with good and bad keys);
#  3. webhook secrets are sealed at rest: a dump holds no plaintext secret
#     (the rotated one included), doitong-admin shows the secret, a wrong key
#     cannot open it, and a secret left in plaintext (an upgrade) is reported
#     by doctor and sealed by migrate;
#  4. no internal detail in errors: a database error (a function broken on
#     purpose, then restored) answers a generic INTERNAL_ERROR with a
#     requestId, never the database's text;
#  5. security headers on every answer of the responder (success, errors,
#     the IDE page with a CSP whose hash matches its inline script, /healthz)
#     and nosniff on static files, through both front ends.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init security
command -v pg_dump >/dev/null 2>&1 || PATH=/usr/lib/postgresql/15/bin:$PATH
command -v pg_dump >/dev/null 2>&1 || it_abort "missing command pg_dump"
command -v openssl >/dev/null 2>&1 || it_abort "missing command openssl"
it_stack_up --apache
lt_url=http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}/graphql
ap_url=http://127.0.0.1:${DOITONG_APACHE_PORT:-8481}/graphql
run_dir=${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}

psql_q() { psql "$DOITONG_DSN" -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }

it_suite_account security-a
A=$SUITE_ACCOUNT A_KEY=$SUITE_KEY A_TEST=$SUITE_TEST_KEY
it_suite_account security-b
B=$SUITE_ACCOUNT B_KEY=$SUITE_KEY B_TEST=$SUITE_TEST_KEY
[[ -n $A && -n $B && $A != "$B" ]] || it_abort "two suite accounts are needed"

# --- 1. one account against another's generation ------------------------------
GEN='mutation G($i: GenerateInput!) { generate(input: $i) { id status creditCost } }'
gen_body=$(json_request "$GEN" '{"i":{"type":"VIDEO","provider":"kling","input":{"text":"security probe [slow]"}}}')
credits() { # KEY -> "credits reserved" of the key's wallet
	gql_post "$lt_url" "$1" '{"query":"{ account { id credits reservedCredits } }"}'
	jqr '"\(.data.account.credits) \(.data.account.reservedCredits)"'
}
idem=$(unique_key)
gql_post "$lt_url" "$A_TEST" "$gen_body" -H "Idempotency-Key: $idem"
gen_a=$(jqr '.data.generate.id // empty')
cost=$(jqr '.data.generate.creditCost // empty')
[[ $gen_a == gen_* && -n $cost ]] || it_abort "account A could not generate: $RESP_BODY"
a_before=$(credits "$A_TEST")
b_before=$(credits "$B_TEST")

for front in lighttpd apache; do
	url=$lt_url
	[[ $front == apache ]] && url=$ap_url
	gql_post "$url" "$B_TEST" "$(json_request "$GET_GENERATION" "$(jq -cn --arg id "$gen_a" '{id: $id}')")"
	if [[ $(jqr '.data.generation') == null && $(jqr '.errors[0].extensions.code') == NOT_FOUND ]] &&
		[[ $RESP_BODY != *"$A"* && $RESP_BODY != *"security probe"* ]]; then
		pass "$front: generation(id) of another account's generation is NOT_FOUND, nothing of it shown"
	else
		fail "$front: generation(id) of another account's generation"
	fi
	gql_post "$url" "$B_TEST" '{"query":"{ generations(first: 100) { edges { node { id } } } }"}'
	assert_jq "$front: generations lists none of another account's generations" \
		"(.data.generations.edges | map(.node.id) | index(\"$gen_a\")) == null"
	gql_post "$url" "$B_TEST" "$(json_request 'mutation C($id: ID!) { cancelGeneration(id: $id) }' \
		"$(jq -cn --arg id "$gen_a" '{id: $id}')")"
	assert_eq "$front: cancelGeneration of another account's generation is NOT_FOUND" NOT_FOUND \
		"$(jqr '.errors[0].extensions.code')"
	# The same mutation with B's live key (the other mode) changes nothing either.
	gql_post "$url" "$B_KEY" "$(json_request 'mutation C($id: ID!) { cancelGeneration(id: $id) }' \
		"$(jq -cn --arg id "$gen_a" '{id: $id}')")"
	assert_eq "$front: cancelGeneration with the other account's live key is NOT_FOUND" NOT_FOUND \
		"$(jqr '.errors[0].extensions.code')"
done
gql_post "$lt_url" "$A_TEST" "$(json_request "$GET_GENERATION" "$(jq -cn --arg id "$gen_a" '{id: $id}')")"
assert_match "A's generation is still live after B's cancels" '^(PENDING|PROCESSING)$' "$(jqr '.data.generation.status')"

# B reuses A's Idempotency-Key with the same body: B's own new generation,
# charged to B; never A's stored answer, never a charge to A.
gql_post "$lt_url" "$B_TEST" "$gen_body" -H "Idempotency-Key: $idem"
gen_b=$(jqr '.data.generate.id // empty')
if [[ $gen_b == gen_* && $gen_b != "$gen_a" && -z $(resp_header Idempotent-Replayed) ]]; then
	pass "generate under another account's Idempotency-Key makes B's own generation, no replay"
else
	fail "generate under another account's Idempotency-Key" "A's $gen_a, B got '$gen_b'"
fi
b_after=$(credits "$B_TEST")
read -r b_c0 b_r0 <<<"$b_before"
read -r b_c1 b_r1 <<<"$b_after"
assert_eq "B is charged for its generation (reserved $cost)" "$((b_c0 - cost)) $((b_r0 + cost))" "$b_c1 $b_r1"
assert_eq "A's wallet is untouched by everything B did" "$a_before" "$(credits "$A_TEST")"
a_secret=$(psql_q "SELECT webhook_secret FROM internal.accounts WHERE id = '$A'")
gql_post "$lt_url" "$B_TEST" '{"query":"mutation { rotateWebhookSecret }"}'
b_rotated=$(jqr '.data.rotateWebhookSecret // empty')
assert_match "B rotates its own webhook secret" '^whsec_' "$b_rotated"
assert_eq "B's rotation leaves A's webhook secret alone" "$a_secret" \
	"$(psql_q "SELECT webhook_secret FROM internal.accounts WHERE id = '$A'")"
for g in "$gen_a" "$gen_b"; do # clean up: owners cancel their own
	k=$A_TEST
	[[ $g == "$gen_b" ]] && k=$B_TEST
	gql_post "$lt_url" "$k" "$(json_request 'mutation C($id: ID!) { cancelGeneration(id: $id) }' \
		"$(jq -cn --arg id "$g" '{id: $id}')")"
done
assert_eq "the owner can cancel its own generation" true "$(jqr '.data.cancelGeneration')"

# --- 2. keys: only hashed, never logged ----------------------------------------
bogus=dt_live_$(openssl rand -hex 20)
gql_post "$lt_url" "$bogus" '{"query":"{ account { id } }"}'
assert_error_code "a bad key is refused" 401 UNAUTHENTICATED
gql_post "$ap_url" "$bogus" '{"query":"{ account { id } }"}'
dump=$IT_TMP/dump.sql
pg_dump "$DOITONG_DSN" --no-owner >"$dump" 2>"$IT_TMP/pg_dump.err" || it_abort "pg_dump failed: $(head -c 300 "$IT_TMP/pg_dump.err")"
leaked=0
for k in "$A_KEY" "$A_TEST" "$B_KEY" "$B_TEST" "$DOITONG_API_KEY"; do
	grep -qF "$k" "$dump" && leaked=$((leaked + 1))
done
assert_eq "a full database dump holds none of 5 raw API keys" 0 "$leaked"
hash_a=$(printf '%s' "$A_KEY" | openssl dgst -sha256 -r | cut -d' ' -f1)
assert_eq "the database holds the key's SHA-256" 1 \
	"$(psql_q "SELECT count(*) FROM internal.api_keys WHERE key_hash = '$hash_a' AND account_id = '$A'")"
mapfile -t logs < <(find "$run_dir" -name '*.log' -type f)
((${#logs[@]} >= 3)) || it_abort "expected the stack's logs under $run_dir"
in_logs=0
for k in "$A_KEY" "$A_TEST" "$B_KEY" "$B_TEST" "$bogus"; do
	grep -qF "$k" "${logs[@]}" && in_logs=$((in_logs + 1))
done
assert_eq "no raw API key (good or bad) in any of ${#logs[@]} stack logs" 0 "$in_logs"

# --- 3. webhook secrets sealed at rest ---------------------------------------
gql_post "$lt_url" "$A_TEST" '{"query":"mutation { rotateWebhookSecret }"}'
rotated=$(jqr '.data.rotateWebhookSecret // empty')
assert_match "rotateWebhookSecret shows the owner a whsec_ secret" '^whsec_[A-Za-z0-9+/]{43}=$' "$rotated"
stored=$(psql_q "SELECT webhook_secret || ' ' || coalesce(webhook_secret_prev, '-') FROM internal.accounts WHERE id = '$A'")
assert_match "the database holds it sealed (and the previous one)" '^whenc1:[^ ]+ whenc1:' "$stored"
assert_eq "doitong-admin account webhook-secret opens it" "$rotated" "$(it_admin account webhook-secret "$A")"
rot_key=$(unique_key)
gql_post "$lt_url" "$A_TEST" '{"query":"mutation { rotateWebhookSecret }"}' -H "Idempotency-Key: $rot_key"
first_rot=$(jqr '.data.rotateWebhookSecret // empty')
gql_post "$ap_url" "$A_TEST" '{"query":"mutation { rotateWebhookSecret }"}' -H "Idempotency-Key: $rot_key"
if [[ $first_rot == whsec_* && $(jqr '.data.rotateWebhookSecret') == "$first_rot" &&
	$(resp_header Idempotent-Replayed) == true ]]; then
	pass "a replayed rotation (stored sealed) shows the same secret, opened"
else
	fail "a replayed rotation shows the same secret" "first '$first_rot'"
fi
assert_eq "the replay rotated nothing" "$first_rot" "$(it_admin account webhook-secret "$A")"
assert_eq "the stored answer of that rotation holds it sealed, no plaintext" "1 0" \
	"$(psql_q "SELECT count(*) FILTER (WHERE results::text LIKE '%whenc1:%') || ' ' || count(*) FILTER (WHERE results::text LIKE '%whsec_%')
	             FROM internal.idempotency_keys WHERE account_id = '$A' AND idem_key = '$rot_key'")"
rotated=$first_rot
pg_dump "$DOITONG_DSN" --no-owner >"$dump" 2>/dev/null
plain_in_dump=0
for s in "$rotated" "$b_rotated" "$DOITONG_WEBHOOK_SECRET"; do
	grep -qF "${s#whsec_}" "$dump" && plain_in_dump=$((plain_in_dump + 1))
done
assert_eq "a full database dump holds none of 3 plaintext webhook secrets" 0 "$plain_in_dump"
other_key=$(openssl rand -hex 32)
if out=$(DOITONG_WEBHOOK_SECRET_KEY=$other_key it_admin account webhook-secret "$A" 2>&1); then
	fail "another webhook_secret_key opens the secret" "$out"
else
	assert_match "another webhook_secret_key cannot open it" 'does not open' "$out"
fi
bad_key=$(openssl rand -hex 31)zz
if out=$(DOITONG_WEBHOOK_SECRET_KEY=$bad_key it_admin account webhook-secret "$A" 2>&1); then
	fail "a malformed webhook_secret_key is refused" "$out"
elif [[ $out == *webhook_secret_key* && $out != *"$bad_key"* ]]; then
	pass "a malformed webhook_secret_key stops start-up naming the setting, not echoing it"
else
	fail "a malformed webhook_secret_key is refused without echoing it" "$out"
fi
# A secret still in plaintext (stored before a key was configured).
legacy=whsec_$(openssl rand -base64 32)
psql_q "UPDATE internal.accounts SET webhook_secret = '$legacy', webhook_secret_prev = NULL WHERE id = '$A'"
out=$(it_admin doctor 2>&1 || true)
assert_match "doctor warns of a plaintext webhook secret" 'secret_key +warn .*[0-9]+ account' "$out"
out=$(it_admin migrate 2>&1)
assert_match "migrate seals it" '[0-9]+ account\(s\).* sealed' "$out"
assert_match "now stored sealed" '^whenc1:' "$(psql_q "SELECT webhook_secret FROM internal.accounts WHERE id = '$A'")"
assert_eq "and it is still the same secret" "$legacy" "$(it_admin account webhook-secret "$A")"
out=$(it_admin doctor 2>&1 || true)
assert_match "doctor: every webhook secret sealed" 'secret_key +ok' "$out"

# --- 4. no internal detail in error messages ----------------------------------
# Account A's `account` field alone is broken (a missing table): the real
# function is wrapped in one transaction, so other accounts (and suites
# running alongside) are unaffected; migrate puts the real one back.
restore() {
	{ it_admin migrate && psql_q "DROP FUNCTION IF EXISTS internal.field_account_security_probe(internal.principal, timestamptz)"; } \
		>/dev/null 2>&1 || printf '# could not restore internal.field_account: run doitong-admin migrate\n'
}
trap 'rc=$?; restore; (exit $rc); it_finish' EXIT
psql "$DOITONG_DSN" -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN;
ALTER FUNCTION internal.field_account(internal.principal, timestamptz) RENAME TO field_account_security_probe;
CREATE FUNCTION internal.field_account(p_who internal.principal, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN
  IF p_who.account_id = '$A' THEN
    PERFORM 1 FROM internal.security_probe_missing_table;
  END IF;
  RETURN internal.field_account_security_probe(p_who, p_now);
END \$\$;
COMMIT;
SQL
for front in lighttpd apache; do
	url=$lt_url
	[[ $front == apache ]] && url=$ap_url
	gql_post "$url" "$A_TEST" '{"query":"{ account { id } }"}'
	if [[ $RESP_STATUS == 500 && $(jqr '.errors[0].extensions.code') == INTERNAL_ERROR &&
		-n $(jqr '.errors[0].extensions.requestId // empty') ]] &&
		! grep -qiE 'security_probe|relation|does not exist|SQLSTATE|internal\.|plpgsql|ERROR:' <<<"$RESP_BODY"; then
		pass "$front: a database error answers INTERNAL_ERROR with a requestId and no database text"
	else
		fail "$front: a database error must not show the database's text"
	fi
done
restore
gql_post "$lt_url" "$A_TEST" '{"query":"{ account { id } }"}'
assert_eq "restored: account answers again" "$A" "$(jqr '.data.account.id')"

# --- 5. security headers ------------------------------------------------------
check_headers() { # DESC: the responder's headers on the last answer
	local missing=() h
	for h in 'X-Content-Type-Options:nosniff' 'Cache-Control:no-store' 'Referrer-Policy:no-referrer' \
		'X-Frame-Options:DENY'; do
		[[ $(resp_header "${h%%:*}") == "${h#*:}" ]] || missing+=("${h%%:*}")
	done
	[[ -n $(resp_header Content-Security-Policy) ]] || missing+=(Content-Security-Policy)
	local dup
	dup=$(printf '%s\n' "$RESP_HEADERS" | sed -n 's/^\([A-Za-z-]*\):.*/\L\1/p' | sort | uniq -d |
		grep -E 'x-content-type-options|cache-control|content-security-policy' || true)
	if ((${#missing[@]} == 0)) && [[ -z $dup ]]; then
		pass "$1"
	else
		fail "$1" "missing: ${missing[*]:-none}; duplicated: ${dup:-none}"
	fi
}
for front in lighttpd apache; do
	url=$lt_url
	[[ $front == apache ]] && url=$ap_url
	base=${url%/graphql}
	gql_post "$url" "$A_TEST" '{"query":"{ account { id } }"}'
	check_headers "$front: headers on a 200 answer"
	assert_match "$front: an API answer may load nothing (CSP)" "default-src 'none'" "$(resp_header Content-Security-Policy)"
	gql_post "$url" "" '{"query":"{ account { id } }"}'
	check_headers "$front: headers on a 401"
	gql_post "$url" "$A_TEST" '{"query": "{ account { id }'
	check_headers "$front: headers on a 400 (malformed JSON)"
	_curl -X PUT "$url"
	check_headers "$front: headers on a 405"
	http_get "$base/healthz" ""
	check_headers "$front: headers on /healthz"
	http_get "$url" "" -H 'Accept: text/html'
	check_headers "$front: headers on the IDE page"
	csp=$(resp_header Content-Security-Policy)
	# The inline script's exact text (from the newline after <script> to the
	# one before </script>), hashed as a browser does.
	want=$(printf '%s' "$RESP_BODY" | awk '/<script>$/ {on = 1; printf "\n"; next} /^<\/script>/ {on = 0} on {print}' |
		openssl dgst -sha256 -binary | openssl base64 -A)
	if [[ $csp == *"script-src 'self' 'sha256-$want'"* && $csp == *"frame-ancestors 'none'"* &&
		$csp != *unsafe-eval* ]]; then
		pass "$front: the IDE's CSP allows its own files and exactly its inline script (sha256-$want)"
	else
		fail "$front: the IDE's CSP" "$csp / expected sha256-$want"
	fi
	http_get "$base/graphiql/graphiql.min.css" ""
	if [[ $RESP_STATUS == 404 ]]; then
		note "$front: no GraphiQL files installed (scripts/fetch-graphiql); static check skipped"
	else
		assert_eq "$front: static IDE files are sent with nosniff" nosniff "$(resp_header X-Content-Type-Options)"
	fi
done
