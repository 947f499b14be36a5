#!/usr/bin/env bash
# tests/integration/scheduler.sh - the scheduler against a fake upstream that
# counts submissions (SPEC §8, issue #5), on the running stack's database:
#  1. a scheduler killed with SIGKILL while its submit is in flight: after
#     the lease another scheduler reconciles (finds the task upstream by its
#     external id) and the job completes once, submitted once;
#  2. two schedulers on 500 jobs: every job completes and is submitted
#     exactly once;
#  3. a provider answering 503 trips its circuit breaker: auto-selected jobs
#     fall back and complete on the next provider, providers shows it
#     unavailable, naming it gives PROVIDER_UNAVAILABLE, auto-selection skips
#     it; after the cool-down a successful (half-open) job closes it;
#  4. Veo routed through Google Vertex AI (route vertex; doctor checks the key
#     file): the scheduler signs
#     in with the fake's service-account key file (OAuth2 token), submits,
#     polls fetchPredictOperation and stores the inline video, probed;
#  5. every video provider in its own wire format, then wan through fal and
#     seedance through Replicate: one job each, submitted once, completed with
#     a probed file (Veo's Gemini download follows its redirect to storage
#     without the key).
# The stack's own scheduler is stopped meanwhile (these need to know who
# runs what) and the catalog rows touched are restored at exit.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init scheduler
command -v node >/dev/null 2>&1 || it_abort "missing command node"
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
it_suite_account scheduler
[[ -n $SUITE_ACCOUNT && -n $SUITE_KEY ]] || it_abort "no suite account"
url=$DOITONG_URL key=$SUITE_KEY
psql_q() { psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# --- the fake upstream -------------------------------------------------------------
PIDS=()
saved=it_scheduler_providers_$$
cleanup() {
	((${#PIDS[@]})) && kill -9 "${PIDS[@]}" 2>/dev/null
	psql_q "UPDATE internal.providers p SET enabled = s.enabled, base_url = s.base_url, route = s.route,
	          breaker_cooldown_s = s.breaker_cooldown_s, failure_streak = 0, breaker_open_until = NULL,
	          breaker_trips = 0
	          FROM public.$saved s WHERE s.id = p.id; DROP TABLE IF EXISTS public.$saved" >/dev/null 2>&1 || true
	bash "$DOITONG_SRC_DIR/scripts/stack" up >/dev/null 2>&1 || true
}
trap cleanup EXIT

it_fake_upstream --luma-key k-luma --runway-key k-runway --kling-access ak-test --kling-secret sk-test
PIDS+=("$FAKE_PID")
fake=$FAKE

psql_q "CREATE TABLE public.$saved AS SELECT id, enabled, base_url, route, breaker_cooldown_s FROM internal.providers;
        UPDATE internal.providers SET base_url = '$fake/dream-machine/v1' WHERE id = 'luma';
        UPDATE internal.providers SET base_url = '$fake' WHERE id IN ('runway', 'kling');
        UPDATE internal.providers SET failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0,
               enabled = true WHERE id IN ('luma', 'kling')"

# --- schedulers of our own ---------------------------------------------------------
bash "$DOITONG_SRC_DIR/scripts/stack" down scheduler 2>/dev/null
mapfile -t SCHED_ENV < <(bash "$DOITONG_SRC_DIR/scripts/stack" env)
SCHED_ENV+=(DOITONG_SCHEDULER_LEASE_SECONDS=4 DOITONG_LUMA_KEY=k-luma DOITONG_RUNWAY_KEY=k-runway
	DOITONG_KLING_KEY=ak-test:sk-test DOITONG_LOG_LEVEL=info)
# start_scheduler NAME: sets SCHED_PID.
start_scheduler() {
	env "${SCHED_ENV[@]}" "$DOITONG_BUILD_DIR/doitong-scheduler" --loop >"$IT_TMP/sched-$1.log" 2>&1 &
	SCHED_PID=$!
	PIDS+=("$SCHED_PID")
}

# wait_for SECONDS SQL: polls until the query answers t.
wait_for() {
	local deadline=$((SECONDS + $1))
	while [[ $(psql_q "$2") != t ]]; do
		((SECONDS < deadline)) || return 1
		sleep 0.5
	done
}

# generate JSON-INPUT: sets GEN_ID (live key: the real adapters run).
generate() {
	gql_post "$url" "$key" "$(jq -cn --argjson i "$1" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id provider } }", variables: {i: $i}}')"
	GEN_ID=$(jqr '.data.generate.id // empty')
	[[ -n $GEN_ID ]] || it_abort "generate failed: $RESP_BODY"
}

# --- 1. SIGKILL mid-submit -----------------------------------------------------------
fake_ctl POST script '{"provider":"kling","submit":"timeout-after-accept","pollsUntilDone":1}' >/dev/null
generate '{"type":"VIDEO","provider":"kling","input":{"text":"killed mid-submit"}}'
gid=$GEN_ID
start_scheduler a
a_pid=$SCHED_PID
deadline=$((SECONDS + 30))
until [[ $(fake_ctl GET stats | jq --arg id "$gid" '.byExternalId[$id] // 0') == 1 ]]; do
	((SECONDS < deadline)) || it_abort "the submit never reached the fake"
	sleep 0.2
done
kill -9 "$a_pid"
wait "$a_pid" 2>/dev/null || true
pass "scheduler A killed (SIGKILL) while its submit of $gid was unanswered"
fake_ctl POST script '{"provider":"kling","submit":"ok"}' >/dev/null
assert_eq "the job is left PENDING with its submit in flight" "PENDING|PENDING" \
	"$(psql_q "SELECT g.status || '|' || a.status FROM internal.generations g JOIN internal.generation_attempts a ON a.generation_id = g.id WHERE g.id = '$gid'")"
start_scheduler b
if wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$gid'"; then
	pass "after the lease, scheduler B completes it"
else
	fail "after the lease, scheduler B completes it ($(psql_q "SELECT status || ' ' || coalesce(error_message, '') FROM internal.generations WHERE id = '$gid'"))"
fi
assert_eq "submitted upstream exactly once" 1 "$(fake_ctl GET stats | jq --arg id "$gid" '.byExternalId[$id] // 0')"
assert_eq "one attempt, completed, with the task found upstream" "1|COMPLETED|true" \
	"$(psql_q "SELECT count(*) || '|' || min(status) || '|' || bool_and(upstream_task_id IS NOT NULL) FROM internal.generation_attempts WHERE generation_id = '$gid'")"
assert_eq "the result is stored with metadata read from the file" "320x180 mp4" \
	"$(psql_q "SELECT (metadata->>'width') || 'x' || (metadata->>'height') || ' ' || (metadata->>'format') FROM internal.generations WHERE id = '$gid'")"
media=$(psql_q "SELECT regexp_replace(url, '^.*/', '') FROM internal.generations WHERE id = '$gid'")
media_dir=$(printf '%s\n' "${SCHED_ENV[@]}" | sed -n 's/^DOITONG_MEDIA_DIR=//p')
if [[ -n $media && -s $media_dir/$media ]]; then
	pass "the file is in the media directory"
else
	fail "the file is in the media directory ($media)"
fi

# --- 2. two schedulers, 500 jobs --------------------------------------------------------
fake_ctl POST reset >/dev/null
start_scheduler c
psql_q "SELECT count(internal.generation_create('$SUITE_ACCOUNT', false,
          jsonb_build_object('type', 'VIDEO', 'provider', 'luma', 'input', jsonb_build_object('text', 'bulk $$ ' || i)),
          now())) FROM generate_series(1, 500) i" >/dev/null
if wait_for 150 "SELECT count(*) FILTER (WHERE status = 'COMPLETED') = 500 FROM internal.generations
                  WHERE account_id = '$SUITE_ACCOUNT' AND input->>'text' LIKE 'bulk $$ %'"; then
	pass "500 jobs completed by two schedulers"
else
	fail "500 jobs completed by two schedulers ($(psql_q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT' AND input->>'text' LIKE 'bulk $$ %' GROUP BY 1) s"))"
fi
stats=$(fake_ctl GET stats)
assert_eq "the fake saw 500 submissions" 500 "$(jq '.submissions.luma' <<<"$stats")"
assert_eq "each prompt was submitted exactly once" '[1]' "$(jq -c '[.byPrompt | to_entries[] | select(.key | startswith("bulk")) | .value] | unique' <<<"$stats")"
assert_eq "each job has one attempt" 500 \
	"$(psql_q "SELECT count(*) FROM (SELECT g.id FROM internal.generations g JOIN internal.generation_attempts a ON a.generation_id = g.id
	           WHERE g.account_id = '$SUITE_ACCOUNT' AND g.input->>'text' LIKE 'bulk $$ %' GROUP BY g.id HAVING count(*) = 1) s")"
b_jobs=$(grep -c -- '-> submitted' "$IT_TMP/sched-b.log" || true)
c_jobs=$(grep -c -- '-> submitted' "$IT_TMP/sched-c.log" || true)
note "scheduler B submitted $b_jobs, scheduler C $c_jobs"
if ((b_jobs > 0 && c_jobs > 0)); then pass "both schedulers shared the work"; else fail "both schedulers shared the work (B $b_jobs, C $c_jobs)"; fi
assert_eq "the account's wallet equals its ledger" t \
	"$(psql_q "SELECT bool_and(w.balance = coalesce(l.b, 0) AND w.reserved = coalesce(l.r, 0)) FROM internal.wallets w
	           LEFT JOIN (SELECT account_id, test_mode, sum(balance_delta) b, sum(reserved_delta) r FROM internal.credit_ledger GROUP BY 1, 2) l
	           USING (account_id, test_mode) WHERE w.account_id = '$SUITE_ACCOUNT'")"
kill "$SCHED_PID" 2>/dev/null || true

# --- 3. circuit breaker and fallback ---------------------------------------------------
fake_ctl POST reset >/dev/null
fake_ctl POST script '{"provider":"kling","submit":"503"}' >/dev/null
psql_q "UPDATE internal.providers SET enabled = (id IN ('kling', 'luma')) WHERE 'VIDEO' = ANY (types);
        UPDATE internal.providers SET breaker_cooldown_s = 15 WHERE id = 'kling'" >/dev/null
threshold=$(psql_q "SELECT breaker_threshold FROM internal.providers WHERE id = 'kling'")
auto='{"type":"VIDEO","priority":"QUALITY","input":{"text":"breaker"}}'
ids=()
for ((i = 0; i < threshold; i++)); do
	generate "$auto"
	ids+=("$GEN_ID")
done
id_list=$(printf "'%s'," "${ids[@]}")
id_list=${id_list%,}
if wait_for 90 "SELECT bool_and(status = 'COMPLETED') FROM internal.generations WHERE id IN ($id_list)"; then
	pass "$threshold auto-selected jobs complete despite kling's 503s"
else
	fail "$threshold auto-selected jobs complete despite kling's 503s ($(psql_q "SELECT string_agg(status, ',') FROM internal.generations WHERE id IN ($id_list)"))"
fi
assert_eq "each shows kling failed with 503, then luma completed" "$threshold" \
	"$(psql_q "SELECT count(*) FROM (SELECT generation_id FROM internal.generation_attempts WHERE generation_id IN ($id_list)
	           GROUP BY 1 HAVING array_agg(provider || '/' || status || '/' || split_part(coalesce(upstream_status, ''), ' ', 1) ORDER BY attempt_no)
	                              = ARRAY['kling/FAILED/503', 'luma/COMPLETED/']) s")"
assert_eq "the fake saw the kling submissions" "$threshold" "$(fake_ctl GET stats | jq '.submissions.kling')"
# Through the API: the attempts when selected (directly, through a fragment
# or under an alias), and the rest of the object the same without them (the
# responder tells SQL which fields were selected, sql/README.md "select").
gql_post "$url" "$key" "{\"query\":\"{ a: generation(id: \\\"${ids[0]}\\\") { status attempts { provider status } } b: generation(id: \\\"${ids[0]}\\\") { ...F } c: generation(id: \\\"${ids[0]}\\\") { status tries: attempts { provider } } d: generation(id: \\\"${ids[0]}\\\") { status } } fragment F on Generation { attempts { provider status } }\"}"
assert_jq "generation(id) { attempts } through HTTP: kling FAILED, then luma COMPLETED" \
	'.data.a.attempts == [{"provider":"kling","status":"FAILED"},{"provider":"luma","status":"COMPLETED"}] and .data.b.attempts == .data.a.attempts and (.data.c.tries | map(.provider)) == ["kling","luma"] and .data.d == {"status":"COMPLETED"}'
gql_post "$url" "$key" '{"query":"{ providers(type: VIDEO) { id available } }"}'
assert_jq "providers shows kling unavailable" '[.data.providers[] | select(.id == "kling")][0].available == false'
gql_post "$url" "$key" '{"query":"mutation { generate(input: {type: VIDEO, provider: \"kling\", input: {text: \"named\"}}) { id } }"}'
assert_jq "naming kling: PROVIDER_UNAVAILABLE" '.errors[0].extensions.code == "PROVIDER_UNAVAILABLE"'
generate "$auto"
skip_id=$GEN_ID
assert_eq "auto-selection skips it" luma "$(jqr '.data.generate.provider')"
wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$skip_id'" || true
assert_eq "and that job needs one attempt" 1 "$(psql_q "SELECT count(*) FROM internal.generation_attempts WHERE generation_id = '$skip_id'")"

# Half-open: the upstream is back; after the cool-down a job closes the breaker.
fake_ctl POST script '{"provider":"kling","submit":"ok"}' >/dev/null
wait_for 30 "SELECT breaker_open_until <= now() FROM internal.providers WHERE id = 'kling'" || true
gql_post "$url" "$key" '{"query":"{ provider(id: \"kling\") { available } }"}'
assert_jq "after the cool-down kling is offered again (half-open)" '.data.provider.available == true'
generate '{"type":"VIDEO","provider":"kling","input":{"text":"probe"}}'
probe=$GEN_ID
if wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$probe'"; then
	pass "the probe job completes on kling"
else
	fail "the probe job completes on kling ($(psql_q "SELECT status FROM internal.generations WHERE id = '$probe'"))"
fi
assert_eq "and the breaker is closed again" "0|" \
	"$(psql_q "SELECT failure_streak || '|' || coalesce(breaker_open_until::text, '') FROM internal.providers WHERE id = 'kling'")"

# --- 4. Veo through Vertex AI ------------------------------------------------------------
# Only a scheduler with the Vertex AI settings may claim the job: stop the others
# (PIDS[0] is the fake).
for p in "${PIDS[@]:1}"; do
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
done
fake_ctl POST reset >/dev/null
fake_ctl POST script '{"provider":"vertex","pollsUntilDone":2}' >/dev/null
vertex_key=$IT_TMP/vertex-key.json
fake_ctl GET vertex-key >"$vertex_key"
it_admin providers route veo vertex >/dev/null || it_abort "providers route veo vertex failed"
assert_eq "doitong-admin providers list shows veo routed through vertex" vertex \
	"$(it_admin providers list | awk '$1 == "veo" { print $5 }')"
psql_q "UPDATE internal.providers SET enabled = true, failure_streak = 0, breaker_open_until = NULL WHERE id = 'veo'" >/dev/null
assert_eq "doitong-admin doctor checks veo's Vertex AI key file" \
	"ok route vertex: service account doitong-test@fake-project.iam.gserviceaccount.com" \
	"$(DOITONG_VERTEX_CREDENTIALS=$vertex_key it_admin doctor 2>/dev/null | awk '$1 == "key" && $2 == "veo" { $1 = $2 = ""; print substr($0, 3) }')"
SCHED_ENV+=(DOITONG_VERTEX_CREDENTIALS="$vertex_key" DOITONG_VERTEX_URL="$fake/vertex/v1"
	DOITONG_VERTEX_LOCATION=us-central1 DOITONG_VEO_KEY=)
start_scheduler v
generate '{"type":"VIDEO","provider":"veo","input":{"text":"a fox on vertex"},"options":{"duration":"6"}}'
vid=$GEN_ID
if wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$vid'"; then
	pass "a veo job routed through Vertex AI completes"
else
	fail "a veo job routed through Vertex AI completes ($(psql_q "SELECT status || ' ' || coalesce(error_message, '') FROM internal.generations WHERE id = '$vid'"))"
fi
stats=$(fake_ctl GET stats)
assert_eq "one token, one Vertex submit, no Gemini call" "1|1|0" \
	"$(jq -r '"\(.tokens)|\(.submissions.vertex)|\(.submissions.veo)"' <<<"$stats")"
assert_eq "the submit went to predictLongRunning with the token" \
	"/vertex/v1/projects/fake-project/locations/us-central1/publishers/google/models/veo-3.0-generate-001:predictLongRunning Bearer <redacted> 6" \
	"$(jq -r '[.requests[] | select(.path | endswith(":predictLongRunning"))][0] | "\(.path) \(.headers.authorization) \(.body.parameters.durationSeconds)"' <<<"$stats")"
assert_eq "the result is stored with metadata read from the file" "320x180 mp4" \
	"$(psql_q "SELECT (metadata->>'width') || 'x' || (metadata->>'height') || ' ' || (metadata->>'format') FROM internal.generations WHERE id = '$vid'")"
media=$(psql_q "SELECT regexp_replace(url, '^.*/', '') FROM internal.generations WHERE id = '$vid'")
if [[ -n $media ]] && cmp -s "$media_dir/$media" "$DOITONG_SRC_DIR/share/samples/sample-video.mp4"; then
	pass "the inline video was decoded byte for byte into the media directory"
else
	fail "the inline video was decoded byte for byte into the media directory ($media)"
fi
assert_eq "the attempt records the operation name" t \
	"$(psql_q "SELECT bool_and(upstream_task_id LIKE 'projects/fake-project/locations/us-central1/publishers/google/models/veo-3.0-generate-001/operations/%') FROM internal.generation_attempts WHERE generation_id = '$vid'")"
kill "$SCHED_PID" 2>/dev/null || true

# --- 5. every video provider and route ---------------------------------------------------
fake_ctl POST reset >/dev/null
psql_q "UPDATE internal.providers SET base_url = CASE id WHEN 'minimax' THEN '$fake' WHEN 'wan' THEN '$fake/api/v1'
          WHEN 'veo' THEN '$fake/v1beta' WHEN 'seedance' THEN '$fake/api/v3' WHEN 'vidu' THEN '$fake/ent/v2'
          ELSE base_url END, route = 'direct', enabled = true, failure_streak = 0, breaker_open_until = NULL
        WHERE id IN ('luma', 'runway', 'kling', 'minimax', 'wan', 'veo', 'seedance', 'vidu')" >/dev/null
SCHED_ENV+=(DOITONG_MINIMAX_KEY=minimax-test-key DOITONG_WAN_KEY=wan-test-key DOITONG_VEO_KEY=veo-test-key
	DOITONG_SEEDANCE_KEY=seedance-test-key DOITONG_VIDU_KEY=vidu-test-key DOITONG_FAL_KEY=fal-test-key
	DOITONG_FAL_URL="$fake" DOITONG_REPLICATE_KEY=replicate-test-key DOITONG_REPLICATE_URL="$fake/v1")
start_scheduler w
image="$fake/files/sample-image.png"
# every_provider LABEL PROVIDER...: one job per provider; all complete with a probed file.
every_provider() {
	local label=$1 p ids=()
	shift
	for p in "$@"; do
		generate "$(jq -cn --arg p "$p" --arg t "$label $p" --arg img "$image" \
			'{type: "VIDEO", provider: $p, input: ({text: $t} + (if $p == "runway" then {image: $img} else {} end))}')"
		ids+=("'$GEN_ID'")
	done
	local list
	list=$(IFS=,; echo "${ids[*]}")
	if wait_for 150 "SELECT bool_and(status = 'COMPLETED') FROM internal.generations WHERE id IN ($list)"; then
		pass "$label: $* complete through the scheduler"
	else
		fail "$label: $* complete through the scheduler ($(psql_q "SELECT string_agg(provider || ' ' || status || ' ' || coalesce(error_message, ''), '; ') FROM internal.generations WHERE id IN ($list)"))"
	fi
	assert_eq "$label: each result stored with metadata read from the file" "$#" \
		"$(psql_q "SELECT count(*) FROM internal.generations WHERE id IN ($list) AND metadata->>'width' = '320' AND metadata->>'format' = 'mp4' AND url LIKE '%/' || id || '.mp4'")"
}
every_provider direct luma runway kling minimax wan veo seedance vidu
stats=$(fake_ctl GET stats)
assert_eq "each vendor saw one submission" "1 1 1 1 1 1 1 1" \
	"$(jq -r '[.submissions | .luma, .runway, .kling, .minimax, .wan, .veo, .seedance, .vidu] | join(" ")' <<<"$stats")"
assert_eq "Veo's file download was redirected to storage, which got no key" "1 absent" \
	"$(jq -r '[.requests[] | select(.path | startswith("/blob/"))] | "\(length) \(.[0].headers["x-goog-api-key"] // "absent")"' <<<"$stats")"
fake_ctl POST reset >/dev/null
it_admin providers route wan fal >/dev/null || it_abort "providers route wan fal failed"
it_admin providers route seedance replicate >/dev/null || it_abort "providers route seedance replicate failed"
every_provider routed wan seedance
stats=$(fake_ctl GET stats)
assert_eq "wan ran on fal and seedance on Replicate, not on their vendors" "1 1 0 0" \
	"$(jq -r '[.submissions | .fal, .replicate, .wan, .seedance] | join(" ")' <<<"$stats")"
kill "$SCHED_PID" 2>/dev/null || true

it_finish
