#!/usr/bin/env bash
# tests/faults/hostile_input.sh - hostile input against the running stack,
# through lighttpd and through Apache (issue 10, item 3): malformed and
# oversized bodies, invalid UTF-8, deep nesting, alias and fragment bombs,
# huge variables, header injection in Idempotency-Key and webhook URLs, and
# URL tricks for the address guard, at acceptance (webhookUrl, input.image)
# and at connect time (a host name resolving to loopback, a redirect).
# Each must get a JSON error with a machine code (or a plain success where
# the input is merely odd), never a 500; the responders must be the same
# processes afterwards (none crashed and was respawned). The hostile bodies
# also go, as CGI, through the ASan/UBSan build of tests/sanitize.sh.
# shellcheck source-path=SCRIPTDIR disable=SC2016 # (GraphQL $variables, node and bash -c programs)
set -euo pipefail
# shellcheck source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

it_init hostile_input
command -v node >/dev/null 2>&1 || it_abort "missing command node"
it_stack_up --apache
it_suite_account hostile
[[ -n $SUITE_ACCOUNT ]] || it_abort "no suite account"
RUN=${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}
LT_URL=http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}/graphql
AP_URL=$DOITONG_URL
key=$SUITE_TEST_KEY
INPUTS=0

# --- the responders' processes ------------------------------------------------------
# responders: "lighttpd|apache PID" per running doitong.fcgi of this build.
responders() {
	{
		fcgi_pids lighttpd | sed 's/^/lighttpd /'
		fcgi_pids apache | sed 's/^/apache /'
	} | sort
}
# Warm both pools so the snapshot holds the processes the requests will meet.
for u in "$LT_URL" "$AP_URL"; do
	for _ in 1 2 3 4; do gql_post "$u" "$key" '{"query":"{ __typename }"}'; done
done
BEFORE=$(responders)
lt_log=$RUN/lighttpd/logs/error.log
lt_log_size=$(stat -c %s "$lt_log" 2>/dev/null || echo 0)
note "responders before: $(grep -c . <<<"$BEFORE")"

# --- the refusal check ---------------------------------------------------------------
# refused DESC CODE: the last response is an error with errors[0].extensions.code
# CODE, labelled and parsed as JSON, with HTTP 200 or a 4xx (never 5xx).
refused() {
	INPUTS=$((INPUTS + 1))
	if [[ $RESP_STATUS =~ ^(200|4[0-9][0-9])$ ]] &&
		[[ $RESP_TYPE =~ ^application/(json|graphql-response\+json) ]] &&
		jq -e --arg c "$2" '.errors[0].extensions.code == $c and (.errors[0].message | length > 0)' \
			<<<"$RESP_BODY" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "expected HTTP 200/4xx, a JSON body, errors[0].extensions.code $2"
	fi
}
# post_file URL FILE [CURL-ARGS]: POST FILE as the body.
post_file() {
	local url=$1 file=$2
	shift 2
	_curl -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $key" \
		--data-binary "@$file" "$@" "$url"
}
# raw_http PORT REQUEST: sends REQUEST as is over a socket (what curl would
# refuse to send) and fills RESP_* from the answer.
raw_http() {
	local port=$1 req=$2 out=$IT_TMP/raw.out
	: >"$out"
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "%s" "$2" >&3; cat <&3' _ "$port" "$req" >"$out" 2>/dev/null || true
	RESP_STATUS=$(head -n 1 "$out" | awk '{ print $2 }')
	RESP_STATUS=${RESP_STATUS:-000}
	RESP_HEADERS=$(awk '{ sub(/\r$/, "") } /^$/ { exit } { print }' "$out")
	RESP_TYPE=$(resp_header Content-Type)
	RESP_BODY=$(awk 'body { print } { sub(/\r$/, "") } /^$/ && !body { body = 1 }' "$out")
}

# Bodies, made once.
big=$IT_TMP/big.json
{ printf '{"query":"{ __typename }","variables":{"pad":"'; head -c 2000000 /dev/zero | tr '\0' a; printf '"}}'; } >"$big"
deep_vars=$IT_TMP/deep_vars.json
{ printf '{"query":"query($v: JSON) { __typename }","variables":{"v":'; head -c 20000 /dev/zero | tr '\0' '['; head -c 20000 /dev/zero | tr '\0' ']'; printf '}}'; } >"$deep_vars"
huge_vars=$IT_TMP/huge_vars.json
jq -cn '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
	variables: {i: {type: "AUDIO", provider: "local", input: {text: ("x" * 900000)}},
	            extra: [range(0; 3000) | {k: ., v: "filler"}]}}' >"$huge_vars"
many_keys=$IT_TMP/many_keys.json
jq -cn '{query: "{ __typename }", variables: ([range(0; 30000) | {key: "k\(.)", value: .}] | from_entries)}' >"$many_keys"
deep_sel=$(printf '{ __schema { types { %s name %s } } }' "$(printf 'ofType { %.0s' {1..30})" "$(printf '} %.0s' {1..30})")
deep_braces=$(printf '{%.0s' {1..5000})$(printf '}%.0s' {1..5000})
deep_list="{ providers(type: $(printf '[%.0s' {1..3000})AUDIO$(printf ']%.0s' {1..3000})) { id } }"
aliases="{ $(for i in {1..500}; do printf 'a%d: __typename ' "$i"; done)}"
frag_bomb="query { ...F0 } $(for i in {0..59}; do printf 'fragment F%d on Query { ...F%d ...F%d } ' "$i" $((i + 1)) $((i + 1)); done)fragment F60 on Query { __typename }"
gen='mutation G($i: GenerateInput!) { generate(input: $i) { id } }'
gen_input() { # TEXT -> a generate request body
	jq -cn --arg q "$gen" --arg t "$1" '{query: $q, variables: {i: {type: "AUDIO", provider: "local", input: {text: $t}}}}'
}

# --- bodies, encodings, nesting: through both servers ----------------------------------
for server in lighttpd apache; do
	if [[ $server == lighttpd ]]; then url=$LT_URL port=${DOITONG_HTTP_PORT:-8480}; else url=$AP_URL port=${DOITONG_APACHE_PORT:-8481}; fi
	s="$server:"

	gql_post "$url" "$key" '{"query":'
	refused "$s truncated JSON" INVALID_INPUT
	gql_post "$url" "$key" '{"query": "{ __typename }",}'
	refused "$s trailing comma" INVALID_INPUT
	gql_post "$url" "$key" '[{"query":"{ __typename }"}]'
	refused "$s a batch (JSON array)" INVALID_INPUT
	gql_post "$url" "$key" '"{ __typename }"'
	refused "$s a JSON string" INVALID_INPUT
	gql_post "$url" "$key" ''
	refused "$s an empty body" INVALID_INPUT
	gql_post "$url" "$key" '{"query":5}'
	refused "$s query is a number" INVALID_INPUT
	gql_post "$url" "$key" '{"query":"{ __typename }","variables":[1]}'
	refused "$s variables is a list" INVALID_INPUT
	post_file "$url" "$big"
	assert_status "$s 2 MB body: 413" 413
	refused "$s 2 MB body: JSON error" INVALID_INPUT
	# A declared length over the cap with the body never sent.
	raw_http "$port" $'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000000000\r\nConnection: close\r\n\r\n{}'
	assert_status "$s Content-Length 5 GB: 413" 413
	refused "$s Content-Length 5 GB: JSON error" INVALID_INPUT

	gql_post "$url" "$key" $'{"query":"{ __typename \xff }"}'
	refused "$s invalid UTF-8 byte in the query" INVALID_INPUT
	gql_post "$url" "$key" $'{"query":"{ __typename }","variables":{"v":"\xc0\xaf"}}'
	refused "$s overlong UTF-8 in a variable" INVALID_INPUT
	gql_post "$url" "$key" $'{"query":"{ __typename }","variables":{"v":"\xed\xa0\x80"}}'
	refused "$s UTF-8-encoded surrogate in a variable" INVALID_INPUT
	gql_post "$url" "$key" '{"query":"{ __typename }","variables":{"v":"\udc00"}}'
	refused "$s lone surrogate escape in a variable" INVALID_INPUT
	gql_post "$url" "$key" "$(gen_input caf_ | LC_ALL=C sed $'s/caf_/caf\xe9/')"
	refused "$s Latin-1 byte in a prompt" INVALID_INPUT
	http_get "$url?query=%7B%20__typename%20%FF%20%7D" "$key"
	refused "$s invalid UTF-8 in a GET query string" INVALID_INPUT

	gql_post "$url" "$key" "$(json_request "$deep_sel")"
	refused "$s selection nested 33 deep" INVALID_INPUT
	gql_post "$url" "$key" "$(json_request "$deep_braces")"
	refused "$s 5,000 nested braces" INVALID_INPUT
	gql_post "$url" "$key" "$(json_request "$deep_list")"
	refused "$s list literal nested 3,000 deep" INVALID_INPUT
	post_file "$url" "$deep_vars"
	refused "$s variables nested 20,000 deep" INVALID_INPUT
	gql_post "$url" "$key" "$(json_request "$aliases")"
	refused "$s 500 aliases" INVALID_INPUT
	gql_post "$url" "$key" "$(json_request 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }')"
	refused "$s fragment cycle" INVALID_INPUT
	gql_post "$url" "$key" "$(json_request "$frag_bomb")"
	refused "$s fragment bomb (2^60 fields)" INVALID_INPUT
	post_file "$url" "$huge_vars"
	refused "$s 900,000-character prompt among 3,000 unused variables" INVALID_INPUT
	post_file "$url" "$many_keys"
	INPUTS=$((INPUTS + 1))
	assert_ok_data "$s 30,000 unused variables: answered"

	# Idempotency-Key: too long, control characters, non-ASCII, a bare CR.
	long_key=$(head -c 300 /dev/zero | tr '\0' k)
	gql_post "$url" "$key" "$(gen_input idem)" -H "Idempotency-Key: $long_key"
	refused "$s Idempotency-Key of 300 characters" INVALID_INPUT
	gql_post "$url" "$key" "$(gen_input idem)" -H $'Idempotency-Key: a\x01b'
	refused "$s Idempotency-Key with a control character" INVALID_INPUT
	gql_post "$url" "$key" "$(gen_input idem)" -H $'Idempotency-Key: a\x7fb'
	refused "$s Idempotency-Key with DEL" INVALID_INPUT
	gql_post "$url" "$key" "$(gen_input idem)" -H 'Idempotency-Key: ключ'
	refused "$s Idempotency-Key not ASCII" INVALID_INPUT
	gql_post "$url" "$key" "$(gen_input idem)" -H 'Idempotency-Key: a b'
	refused "$s Idempotency-Key with a space" INVALID_INPUT
	body=$(gen_input idem)
	raw_http "$port" "POST /graphql HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Authorization: Bearer $key"$'\r\n'"Content-Type: application/json"$'\r\n'"Idempotency-Key: abc"$'\r'"Set-Cookie: x=1"$'\r\n'"Content-Length: ${#body}"$'\r\n'"Connection: close"$'\r\n\r\n'"$body"
	refused "$s Idempotency-Key with a bare CR (header injection)" INVALID_INPUT
	if [[ $RESP_HEADERS != *Set-Cookie* ]]; then
		pass "$s ... and nothing of it is echoed as a header"
	else
		fail "$s ... and nothing of it is echoed as a header"
	fi
done

# --- the address guard at acceptance (webhookUrl and input.image) ----------------------
# url_request FIELD URL: a generate body with URL as webhookUrl or input.image.
url_request() {
	jq -cn --arg q "$gen" --arg f "$1" --arg u "$2" '{query: $q, variables: {i:
		({type: "VIDEO", provider: "luma", input: {text: "guard"}}
		 | if $f == "webhookUrl" then .webhookUrl = $u else .input.image = $u end)}}'
}
# Refused whatever the loopback exception: private, link-local, unspecified,
# credentials, zone ids, schemes, ports and injected line breaks.
refused_urls=(
	'http://10.0.0.1/' 'http://167772161/' 'http://012.0.0.1/' 'http://0xa.0.0.1/' 'http://10.1/'
	'http://192.168.1.1/' 'http://172.16.0.1/' 'http://100.64.0.1/' 'http://169.254.169.254/latest/meta-data/'
	'http://0xa9fea9fe/' 'http://0.0.0.0/' 'http://[::]/' 'http://[::ffff:10.0.0.1]/' 'http://[::ffff:a00:1]/'
	'http://[::ffff:169.254.169.254]/' 'http://[fd00::1]/' 'http://[fe80::1]/' 'http://[fe80::1%25eth0]/'
	'http://[::1%25lo]/' 'http://[64:ff9b::a00:1]/' 'http://224.0.0.1/' 'http://user:pw@example.com/'
	'http://example.com@10.0.0.1/' 'http://example.com:80@10.0.0.1/' 'ftp://example.com/' 'file:///etc/passwd'
	'gopher://example.com/' 'http://example.com:0/' 'http://example.com:99999/' $'http://example.com/\r\nX-Evil: 1'
	$'http://example.com/\nHost: 10.0.0.1' 'http://exa mple.com/' 'http:///x' 'http://' 'http://[::1/'
	"http://example.com/$(head -c 2100 /dev/zero | tr '\0' a)"
)
for field in webhookUrl image; do
	for u in "${refused_urls[@]}"; do
		gql_post "$AP_URL" "$key" "$(url_request "$field" "$u")"
		refused "guard: $field $(printf '%q' "${u:0:60}")" INVALID_INPUT
	done
done

gql_post "$AP_URL" "$key" "$(url_request webhookUrl 'http://0.0.0.0/')"
assert_jq "the refusal names the kind of address, in English" \
	'.errors[0].message == "input.webhookUrl is not acceptable: the host is an unspecified address."'

# The loopback spellings, with the guard fully on (as in production): the
# stack's responders let 127.0.0.1 through for the tests' receivers, so these
# run doitong.fcgi as CGI without DOITONG_OUTBOUND_ALLOW_LOOPBACK.
loopback_urls=(
	'http://127.0.0.1/' 'http://2130706433/' 'http://0177.0.0.1/' 'http://0x7f.0.0.1/' 'http://0x7f000001/'
	'http://127.1/' 'http://017700000001/' 'http://[::1]/' 'http://[::ffff:127.0.0.1]/' 'http://[::ffff:7f00:1]/'
	'http://[0:0:0:0:0:ffff:127.0.0.1]/' 'http://localhost/' 'http://LOCALHOST./' 'http://foo.localhost/'
)
for u in "${loopback_urls[@]}"; do
	for field in webhookUrl image; do
		cgi_run POST "$(url_request "$field" "$u")" HTTP_AUTHORIZATION="Bearer $key"
		refused "guard on (CGI): $field $u" INVALID_INPUT
	done
done
cgi_run POST "$(url_request webhookUrl https://example.com/hook)" HTTP_AUTHORIZATION="Bearer $key"
INPUTS=$((INPUTS + 1))
assert_ok_data "guard on (CGI): a public https webhookUrl is accepted"

# --- the request path under AddressSanitizer, UBSan and LeakSanitizer ------------------
# tests/sanitize.sh (earlier in make check) leaves an --enable-asan build in
# _asan: its doitong.fcgi, run as CGI, gets the hostile bodies too; any
# sanitizer report (a leak at exit included) fails.
asan_bin=$DOITONG_BUILD_DIR/_asan/doitong.fcgi
if [[ -x $asan_bin ]]; then
	asan_bodies=(
		'{"query":' '[{"query":"{ __typename }"}]' $'{"query":"{ __typename \xff }"}'
		'{"query":"{ __typename }","variables":{"v":"\udc00"}}'
		"$(json_request "$deep_sel")" "$(json_request "$deep_braces")" "$(json_request "$deep_list")"
		"$(<"$deep_vars")" "$(json_request "$aliases")" "$(json_request "$frag_bomb")"
		"$(json_request 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }')"
		"$(<"$huge_vars")" "$(<"$many_keys")" "$(gen_input 'under ASan')"
		"$(url_request webhookUrl 'http://0x7f.0.0.1/')" "$(url_request image 'http://[fe80::1%25eth0]/')"
		"$(url_request webhookUrl $'http://example.com/\r\nX: 1')"
	)
	asan_bad=0
	for b in "${asan_bodies[@]}"; do
		CGI_BIN=$asan_bin cgi_run POST "$b" HTTP_AUTHORIZATION="Bearer $key" HTTP_IDEMPOTENCY_KEY="asan-$RANDOM-$RANDOM" \
			ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		INPUTS=$((INPUTS + 1))
		if ((CGI_RC != 0)) || grep -qE 'Sanitizer|runtime error' "$IT_TMP/cgi.err" || [[ ! $CGI_STATUS =~ ^(200|4[0-9][0-9])$ ]]; then
			asan_bad=$((asan_bad + 1))
			note "under ASan: exit $CGI_RC, status $CGI_STATUS for ${b:0:80}"
			sed 's/^/#   /' "$IT_TMP/cgi.err" | head -n 20
		fi
	done
	assert_eq "under ASan/UBSan/LSan: ${#asan_bodies[@]} hostile bodies, no report, each answered 200/4xx" 0 "$asan_bad"
else
	note "no ASan build at $asan_bin (tests/sanitize.sh makes it): the request path was not run under the sanitizers"
fi

# --- many aliases of generate: all or nothing, money consistent ------------------------
# aliases_of N TAG: a mutation with N aliases of generate.
aliases_of() {
	printf 'mutation { '
	for ((i = 1; i <= $1; i++)); do
		printf 'g%d: generate(input: {type: AUDIO, provider: "local", input: {text: "%s %d"}}) { id } ' "$i" "$2" "$i"
	done
	printf '}'
}
# 90 generations at once are over the account's 50 concurrent: the whole
# request is refused and none is created; 40 are all created.
gql_post "$AP_URL" "$key" "$(json_request "$(aliases_of 90 alias90)")"
refused "90 aliases of generate: over the concurrency limit, refused" RATE_LIMIT
assert_eq "... and none of the 90 was created" 0 \
	"$(psql_q "SELECT count(*) FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT' AND input->>'text' LIKE 'alias90 %'")"
gql_post "$AP_URL" "$key" "$(json_request "$(aliases_of 40 alias40)")"
INPUTS=$((INPUTS + 1))
assert_jq "40 aliases of generate: 40 generations" '[.data[] | select(.id | startswith("gen_"))] | length == 40'
assert_eq "after the alias bomb the wallets equal the ledger" t "$(ledger_consistent "$SUITE_ACCOUNT")"
assert_eq "... and no generation without its reservation" 0 \
	"$(psql_q "SELECT count(*) FROM internal.generations g WHERE g.account_id = '$SUITE_ACCOUNT' AND g.input->>'text' LIKE 'alias %'
	           AND NOT EXISTS (SELECT FROM internal.credit_ledger l WHERE l.generation_id = g.id)")"

# --- the guard at delivery time: redirects, names resolving to loopback ----------------
recv_out=$IT_TMP/recv.out
# A receiver that counts hits per path; /redirect answers 302 to /landing.
node -e '
const http = require("node:http");
const hits = {};
const srv = http.createServer((req, res) => {
	hits[req.url] = (hits[req.url] || 0) + 1;
	req.resume();
	if (req.url === "/hits") { res.writeHead(200, {"content-type": "application/json"}); return res.end(JSON.stringify(hits)); }
	if (req.url === "/redirect") { res.writeHead(302, {location: `http://127.0.0.1:${srv.address().port}/landing`}); return res.end(); }
	res.writeHead(204); res.end();
});
srv.listen(0, "127.0.0.1", () => console.log(`listening ${srv.address().port}`));
setTimeout(() => process.exit(0), 300000);
' >"$recv_out" 2>&1 &
it_bg_pid $!
recv_port=$(wait_listening "$recv_out")
hits() { curl -sS --max-time 5 "http://127.0.0.1:$recv_port/hits" | jq -r --arg p "$1" '.[$p] // 0'; }
# deliver_to URL: a test-mode generation with webhookUrl URL; sets GEN_ID.
deliver_to() {
	gql_post "$AP_URL" "$key" "$(jq -cn --arg q "$gen" --arg u "$1" '{query: $q, variables: {i: {type: "AUDIO", provider: "local", input: {text: "webhook guard"}, webhookUrl: $u}}}')"
	GEN_ID=$(jqr '.data.generate.id // empty')
	[[ -n $GEN_ID ]] || it_abort "generate with webhookUrl $1 failed: $RESP_BODY"
}
# attempts_of GEN SECONDS N: waits until N delivery attempts are recorded; prints
# them as "status|error" lines.
attempts_of() {
	local deadline=$((SECONDS + $2)) sql="SELECT coalesce(a.http_status::text, '') || '|' || coalesce(a.error, '')
	    FROM internal.webhook_attempts a JOIN internal.webhook_deliveries d ON d.id = a.delivery_id
	    WHERE d.generation_id = '$1' ORDER BY a.attempt_no"
	while (($(psql_q "$sql" | grep -c .) < $3)) && ((SECONDS < deadline)); do sleep 0.5; done
	psql_q "$sql"
}

# A redirect (to an allowed host, even) is never followed.
deliver_to "http://127.0.0.1:$recv_port/redirect"
redirect_gen=$GEN_ID
att=$(attempts_of "$redirect_gen" 30 2)
assert_match "a webhook answered with 302 is recorded as a failed attempt" '^302\|' "$(head -n 1 <<<"$att")"
assert_eq "... and the redirect is not followed" 0 "$(hits /landing)"
assert_eq "... and the delivery is retried, not DELIVERED" PENDING \
	"$(psql_q "SELECT status FROM internal.webhook_deliveries WHERE generation_id = '$redirect_gen'")"

# A host name resolving to loopback or a private address (this machine's name
# from /etc/hosts: 127.0.1.1 on Debian, the container's address under Docker),
# with a scheduler whose guard is fully on (https only, then): refused at
# connect time, the receiver never hears of it.
name=''
for n in "$(hostname)" ip6-localhost ip6-loopback; do
	if [[ $n != localhost && $n != *.localhost ]] && getent ahosts "$n" >/dev/null 2>&1; then
		name=$n
		break
	fi
done
[[ -n $name ]] || it_abort "no host name of this machine resolves (hostname, ip6-localhost)"
note "host name $name resolves to $(getent ahosts "$name" | awk '{ print $1 }' | sort -u | tr '\n' ' ')"
sched_own
sched_start guarded DOITONG_OUTBOUND_ALLOW_LOOPBACK=0
deliver_to "https://$name:$recv_port/by-name"
att=$(attempts_of "$GEN_ID" 30 1)
assert_match "a webhook to $name (a name resolving to loopback/private) is refused at connect time" \
	'outbound guard' "$(head -n 1 <<<"$att")"
assert_eq "... and the receiver never got a connection" 0 "$(hits /by-name)"
INPUTS=$((INPUTS + 2))

# --- the processes lived -----------------------------------------------------------------
gql_post "$LT_URL" "$key" '{"query":"{ __typename }"}'
assert_ok_data "lighttpd still answers"
gql_post "$AP_URL" "$key" '{"query":"{ __typename }"}'
assert_ok_data "Apache still answers"
AFTER=$(responders)
gone=$(comm -23 <(printf '%s\n' "$BEFORE") <(printf '%s\n' "$AFTER"))
assert_eq "every responder of before still runs (none crashed or was respawned)" "" "$gone"
crashes=$(tail -c +"$((lt_log_size + 1))" "$lt_log" 2>/dev/null | grep -ciE 'died|signal|segfault|abort' || true)
assert_eq "lighttpd logged no dying responder" 0 "$crashes"
note "hostile inputs tried: $INPUTS"
