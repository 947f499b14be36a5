#!/usr/bin/env bash
# tests/faults/valgrind.sh - the responder under valgrind's memcheck over
# VALGRIND_REQUESTS (10,000) mixed requests (issue 10, item 5): one
# doitong.fcgi, started by spawn-fcgi under valgrind, behind a lighttpd of
# its own (fastcgi to that socket), on the stack's database. A Node driver
# sends the requests one after another over keep-alive connections: good
# queries, introspection, errors of every kind (syntax, validation, bad JSON,
# invalid UTF-8, no key, unknown key, limits), GET queries, persisted-query
# misses and test-mode generate mutations. Checks: every answer is the
# expected one (no 5xx), the process's memory is flat between the 1,000th
# and the last request, and at exit (SIGTERM: the accept loop ends and
# everything is freed) valgrind reports no definite or indirect leak and
# no memory error.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

it_init valgrind
for c in valgrind spawn-fcgi lighttpd node; do require "$c"; done
# shellcheck disable=SC2119 # (lighttpd only; the database is what matters)
it_stack_up
it_suite_account valgrind
[[ -n $SUITE_ACCOUNT ]] || it_abort "no suite account"
it_admin account set-plan "$SUITE_ACCOUNT" enterprise --rpm 1000000 --concurrent 100000 --daily 10000000 >/dev/null ||
	it_abort "account set-plan failed"
N=${VALGRIND_REQUESTS:-10000}
FIRST=$((N / 10)) # memory is compared from here (after the warm-up) to the end

# A free port for the lighttpd of this suite.
port=''
for ((i = 0; i < 50; i++)); do
	p=$((20000 + RANDOM % 30000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[[ -n $port ]] || it_abort "no free port"

sock=$IT_TMP/vg.sock vglog=$IT_TMP/valgrind.log
mapfile -t env < <(bash "$DOITONG_SRC_DIR/scripts/stack" env | grep -v '^DOITONG_DSN=')
env "${env[@]}" DOITONG_DSN="postgresql://doitong_web@127.0.0.1:${DOITONG_PG_PORT:-55432}/doitong" \
	DOITONG_LOG_LEVEL=warn DOITONG_LOG_FILE="$IT_TMP/responder.log" \
	spawn-fcgi -n -s "$sock" -- /usr/bin/valgrind --quiet --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=42 --log-file="$vglog" "$DOITONG_BUILD_DIR/doitong.fcgi" >"$IT_TMP/spawn.out" 2>&1 &
vg_pid=$!
it_bg_pid "$vg_pid"
for ((i = 0; i < 100; i++)); do
	[[ -S $sock ]] && break
	sleep 0.1
done
[[ -S $sock ]] || it_abort "spawn-fcgi did not create $sock: $(head -c 300 "$IT_TMP/spawn.out")"

cat >"$IT_TMP/lighttpd.conf" <<EOF
server.modules = ( "mod_fastcgi" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$IT_TMP"
server.errorlog = "$IT_TMP/lighttpd.error.log"
server.max-request-size = 1024
fastcgi.server = ( "/graphql" => (( "socket" => "$sock", "check-local" => "disable" )) )
EOF
lighttpd -D -f "$IT_TMP/lighttpd.conf" >"$IT_TMP/lighttpd.out" 2>&1 &
it_bg_pid $!
url=http://127.0.0.1:$port/graphql
deadline=$((SECONDS + 30))
until gql_post "$url" "$SUITE_TEST_KEY" '{"query":"{ __typename }"}' && [[ $RESP_STATUS == 200 ]]; do
	((SECONDS < deadline)) || it_abort "the responder under valgrind does not answer: $(head -c 300 "$vglog" "$IT_TMP/lighttpd.error.log" 2>/dev/null)"
	sleep 0.5
done
note "doitong.fcgi under valgrind (pid $vg_pid) behind lighttpd on port $port"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$vg_pid/status"; }

# drive FROM TO: requests FROM..TO-1 of the mix; prints "ok N" or the failures.
drive() {
	node - "$url" "$SUITE_TEST_KEY" "$1" "$2" <<'EOF'
const http = require('node:http');
const [url, key, from, to] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const gen = (i) => JSON.stringify({ query: 'mutation G($i: GenerateInput!) { generate(input: $i) { id status } }',
	variables: { i: { type: 'AUDIO', provider: 'local', input: { text: `valgrind ${i}` } } } });
// [method, path suffix, headers, body, expected status, expected error code or null]
const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const mix = [
	(i) => ['POST', '', auth, '{"query":"{ providers(type: VIDEO) { id name models features pricing { creditCost estimatedTime } } }"}', 200, null],
	(i) => ['POST', '', auth, '{"query":"{ __schema { types { name kind fields { name type { name kind ofType { name } } } } } }"}', 200, null],
	(i) => ['POST', '', auth, '{"query":"{ providers(type: VIDEO) { id "}', 200, 'INVALID_INPUT'],
	(i) => ['POST', '', auth, '{"query":"{ nope }"}', 200, 'INVALID_INPUT'],
	(i) => ['POST', '', auth, '{"query": ', 400, 'INVALID_INPUT'],
	(i) => ['POST', '', auth, Buffer.from('{"query":"{ __typename \xff }"}', 'latin1'), 400, 'INVALID_INPUT'],
	(i) => ['POST', '', { 'content-type': 'application/json' }, '{"query":"{ __typename }"}', 401, 'UNAUTHENTICATED'],
	(i) => ['POST', '', { ...auth, authorization: 'Bearer dt_live_unknownunknownunknownunknown00' }, '{"query":"{ __typename }"}', 401, 'UNAUTHENTICATED'],
	(i) => ['GET', `?query=${encodeURIComponent('{ generation(id: "gen_000000000000000000000000") { id } }')}`, auth, null, 200, 'NOT_FOUND'],
	(i) => ['POST', '', auth, JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }), 200, 'INVALID_INPUT'],
	(i) => ['POST', '', auth, `{"query":"{ ${Array.from({ length: 120 }, (_, k) => `a${k}: __typename`).join(' ')} }"}`, 200, 'INVALID_INPUT'],
	(i) => ['POST', '', auth, '{"query":"query($t: GenerationType!) { providers(type: $t) { id } }","variables":{"t":"AUDIO"}}', 200, null],
	(i) => ['POST', '', auth, '{"query":"mutation { estimate: __typename }"}', 200, null],
	(i) => ['POST', '', auth, gen(i), 200, null],
];
const one = (i) => new Promise((resolve) => {
	const [method, suffix, headers, body, status, code] = mix[i % mix.length](i);
	const req = http.request(url + suffix, { method, headers, agent, timeout: 60000 }, (res) => {
		const chunks = [];
		res.on('data', (c) => chunks.push(c));
		res.on('end', () => {
			let why = null;
			const text = Buffer.concat(chunks).toString();
			let json = null;
			try { json = JSON.parse(text); } catch { why = 'not JSON'; }
			if (res.statusCode !== status) why = `HTTP ${res.statusCode}, expected ${status}`;
			else if (json && code && !(json.errors ?? []).some((e) => e.extensions?.code === code)) why = `no ${code}`;
			else if (json && !code && json.errors) why = `unexpected errors ${JSON.stringify(json.errors).slice(0, 200)}`;
			resolve(why ? `request ${i} (mix ${i % mix.length}): ${why}: ${text.slice(0, 200)}` : null);
		});
	});
	req.on('error', (e) => resolve(`request ${i}: ${e.message}`));
	req.on('timeout', () => req.destroy(new Error('timed out')));
	if (body !== null) req.write(body);
	req.end();
});
(async () => {
	const bad = [];
	for (let i = Number(from); i < Number(to); i++) {
		const why = await one(i);
		if (why && bad.length < 5) bad.push(why);
		else if (why) bad.push('');
	}
	agent.destroy();
	console.log(bad.length ? `failed ${bad.length}\n${bad.filter(Boolean).join('\n')}` : `ok ${to - from}`);
})();
EOF
}

start=$SECONDS
out=$(drive 0 "$FIRST")
assert_eq "requests 1-$FIRST answered as expected" "ok $FIRST" "$out"
rss_first=$(rss_kb)
out=$(drive "$FIRST" "$N")
assert_eq "requests $((FIRST + 1))-$N answered as expected" "ok $((N - FIRST))" "$out"
rss_last=$(rss_kb)
took=$((SECONDS - start))
note "RSS (valgrind + doitong.fcgi) after $FIRST requests: $rss_first kB, after $N: $rss_last kB; $N requests in $took s"
growth=$((rss_last - rss_first))
if ((growth <= rss_first / 20 + 2048)); then
	pass "memory is flat: +$growth kB from request $FIRST to $N (at most 5% + 2 MiB)"
else
	fail "memory is flat: +$growth kB from request $FIRST to $N (at most 5% + 2 MiB)"
fi

# SIGTERM: the responder finishes, frees everything and exits; valgrind's
# verdict is its exit status (42 on any error or definite/indirect leak).
kill -TERM "$vg_pid"
rc=0
for ((i = 0; i < 600; i++)); do
	kill -0 "$vg_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$vg_pid" 2>/dev/null; then
	fail "the responder exits on SIGTERM within 60 s"
else
	wait "$vg_pid" 2>/dev/null || rc=$?
	assert_eq "the responder exits on SIGTERM with valgrind's status 0 (no error, no leak)" 0 "$rc"
fi
summary=$(grep -E 'definitely lost|indirectly lost|ERROR SUMMARY|Invalid|uninitialised' "$vglog" || true)
assert_eq "valgrind reported nothing (no leak, no invalid access)" "" "$summary"
[[ -s $vglog ]] && sed 's/^/#   /' "$vglog" | head -n 40
note "valgrind: $N requests; exit status $rc"
