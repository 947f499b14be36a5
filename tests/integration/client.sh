#!/usr/bin/env bash
# tests/integration/client.sh - the `doitong` command-line client against the
# running stack (issue #8, item 1), with the suite's test key (simulated
# generations): generate of each type waits and downloads a real file (-o);
# --json prints parseable JSON only; a [fail] prompt exits 1 with
# GENERATION_FAILED; providers prints a table, account the credits; status
# and cancel on a [slow] generation; usage errors exit 2 and an unreachable
# endpoint exits 3 after its retries; a rate-limited client waits out
# Retry-After and succeeds; a generate whose answer is lost (a proxy resets
# the connection after the server executed it) is retried under the same
# Idempotency-Key and makes exactly one generation; and under a
# pseudo-terminal the progress bar is one line redrawn with '\r'.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init client
it_stack_up
it_suite_account client
[[ -n $SUITE_TEST_KEY ]] || it_abort "no test key"
CLIENT=$DOITONG_BUILD_DIR/doitong
[[ -x $CLIENT ]] || it_abort "$CLIENT is not built (make)"
command -v python3 >/dev/null || it_abort "missing python3"
command -v ffprobe >/dev/null || it_abort "missing ffprobe (Debian: ffmpeg)"
command -v file >/dev/null || it_abort "missing file"
command -v script >/dev/null || it_abort "missing script (Debian: util-linux)"

sql() { psql "$DOITONG_DSN" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# dt [ARGS...]: the client with the suite's test key; stdout in $OUT, stderr
# in $ERR, exit code in $RC; never more than 150 s.
OUT='' ERR='' RC=0
dt() {
	RC=0
	DOITONG_URL=$DOITONG_URL DOITONG_API_KEY=${DT_KEY:-$SUITE_TEST_KEY} \
		timeout 150 "$CLIENT" "$@" >"$IT_TMP/out" 2>"$IT_TMP/err" || RC=$?
	OUT=$(<"$IT_TMP/out")
	ERR=$(<"$IT_TMP/err")
}

# show: the last client run, for a failure's detail.
show() { printf 'exit %s; stdout: %s; stderr: %s' "$RC" "${OUT:0:400}" "${ERR:0:600}"; }

# --- generate: each type waits and downloads ------------------------------------
for type in audio image video avatar; do
	f=$IT_TMP/result-$type
	dt generate --type "$type" -o "$f" "the client test: $type"
	if ((RC == 0)) && [[ -s $f && $OUT == http*://*/media/gen_* ]]; then
		pass "generate --type $type: exit 0, prints the URL, -o saves a non-empty file"
	else
		fail "generate --type $type: exit 0, prints the URL, -o saves a non-empty file" "$(show)"
		continue
	fi
	if [[ $ERR == *"status COMPLETED 100%"* ]]; then
		pass "generate --type $type: plain progress lines on a non-terminal"
	else
		fail "generate --type $type: plain progress lines on a non-terminal" "$(show)"
	fi
	case $type in
	audio) assert_match "the audio result is a WAV file" 'WAVE audio' "$(file -b "$f")" ;;
	image) assert_match "the image result is a PNG file" 'PNG image data' "$(file -b "$f")" ;;
	*)
		probe=$(ffprobe -v error -show_entries format=format_name:stream=codec_type -of csv=p=0 "$f" 2>&1 | tr '\n' ' ')
		assert_match "the $type result is an MP4 with a video stream (ffprobe)" 'video.*mp4|mp4.*video' "$probe"
		;;
	esac
done
assert_eq "no .part file is left behind" '' "$(find "$IT_TMP" -name '*.part')"

# --- --json ------------------------------------------------------------------------
dt --json generate --type image "json output [instant]"
if ((RC == 0)) && jq -e '.status == "COMPLETED" and (.id | startswith("gen_")) and (.url | type == "string")' \
	<<<"$OUT" >/dev/null 2>&1 && [[ -z $ERR ]]; then
	pass "--json generate: exit 0, stdout is the completed generation as JSON, stderr empty"
else
	fail "--json generate: exit 0, stdout is the completed generation as JSON, stderr empty" "$(show)"
fi
# The file -o saved is what the reported metadata says (ffprobe), per type.
for type in audio image video avatar; do
	f=$IT_TMP/meta-$type
	dt --json generate --type "$type" -o "$f" "metadata check: $type [instant]"
	reported=$(jq -c '.metadata | {format, width, height, duration: (.duration // 0 | round), sizeBytes}' <<<"$OUT" 2>/dev/null)
	probed=$(ffprobe -v error -show_entries stream=width,height:format=duration,format_name,size -of json "$f" 2>/dev/null |
		jq -c --arg fmt "$(jq -r .metadata.format <<<"$OUT" 2>/dev/null)" '
			([.streams[] | select(.width)][0]) as $v |
			{format: (if (.format.format_name | split(",") | index($fmt)) or
			             (.format.format_name | test($fmt + "_pipe|^" + $fmt)) then $fmt else .format.format_name end),
			 width: $v.width, height: $v.height,
			 duration: (if $v.width and (.format.duration // null) == null then 0
			            else (.format.duration // "0" | tonumber | round) end),
			 sizeBytes: (.format.size | tonumber)}')
	assert_eq "$type: the downloaded file matches the reported metadata (ffprobe)" "$reported" "$probed"
done

dt --json account
if jq -e '.credits | type == "number"' <<<"$OUT" >/dev/null 2>&1; then
	pass "--json account parses"
else
	fail "--json account parses" "$(show)"
fi

# --- a failed generation --------------------------------------------------------------
dt generate --type image "this one breaks [fail]"
assert_eq "a [fail] prompt exits 1" 1 "$RC"
assert_match "... and stderr names GENERATION_FAILED with the message" 'doitong: GENERATION_FAILED: gen_[0-9a-f]+ FAILED: Simulated failure' "$ERR"

# --- providers, account, list ---------------------------------------------------------
dt providers
assert_eq "providers exits 0" 0 "$RC"
assert_match "providers prints a header" '^ID +TYPE +MODELS +PRICE +TIME_S +AVAILABLE' "$OUT"
assert_match "... and a kling row with its price, time and availability" $'(^|\n)kling +VIDEO +[^ ]+ +[0-9]+ +[0-9]+ +(yes|no)' "$OUT"
dt providers --type audio
if ((RC == 0)) && ! grep -q ' VIDEO ' <<<"$OUT" && grep -q ' AUDIO ' <<<"$OUT"; then
	pass "providers --type audio lists audio providers only"
else
	fail "providers --type audio lists audio providers only" "$(show)"
fi
dt account
assert_match "account shows the credits" $'(^|\n)credits +[0-9]+' "$OUT"
assert_match "account shows the plan and the minute limit" $'plan +ENTERPRISE.*rateLimit.requestsPerMinute +1000' "$(tr '\n' ' ' <<<"$OUT")"
dt list --limit 2 --status completed
if ((RC == 0)) && (($(wc -l <<<"$OUT") == 3)) && ! grep -qE 'FAILED|PROCESSING' <<<"$OUT"; then
	pass "list --limit 2 --status completed: a header and two completed rows"
else
	fail "list --limit 2 --status completed: a header and two completed rows" "$(show)"
fi

# --- status and cancel ------------------------------------------------------------------
dt generate --type video --no-wait "wait for me [slow]"
slow=$OUT
assert_match "generate --no-wait prints the id at once" '^gen_[0-9a-f]{24}$' "$slow"
dt status "$slow"
assert_match "status shows a running generation" $'status +(PENDING|PROCESSING)' "$OUT"
dt cancel "$slow"
assert_eq "cancel: exit 0 and says so" "0 cancelled $slow" "$RC $OUT"
dt --json status "$slow"
assert_eq "status --json: the generation is CANCELLED" CANCELLED "$(jq -r .status <<<"$OUT" 2>/dev/null)"
dt cancel "$slow"
assert_eq "cancelling it again: exit 0, already ended" "0 $slow had already ended" "$RC $OUT"
dt status gen_000000000000000000000000
assert_eq "status of an unknown id exits 1" 1 "$RC"
assert_match "... with NOT_FOUND" '^doitong: NOT_FOUND' "$ERR"

# --- usage, authentication and network errors ------------------------------------------
dt generate --type sound "x"
assert_eq "a bad --type exits 2" 2 "$RC"
dt generate --help
assert_match "generate --help documents the flags" '--idempotency-key' "$OUT"
dt help cancel
assert_match "help cancel shows its synopsis" 'doitong cancel ID' "$OUT"
DT_KEY=dt_test_not_a_key dt account
assert_eq "a bad key exits 1" 1 "$RC"
assert_match "... with UNAUTHENTICATED" '^doitong: UNAUTHENTICATED' "$ERR"
# A closed port: refused six times (0.5+1+2+4+8 s of backoff), then exit 3.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t0=$SECONDS
dt --url "http://127.0.0.1:$closed/graphql" account
assert_eq "an unreachable endpoint exits 3 after the retries" 3 "$RC"
assert_match "... with NETWORK_ERROR after 6 tries" 'NETWORK_ERROR: .* after 6 tries' "$ERR"
assert_match "... having backed off about 15 s" '^(1[4-9]|2[0-9])$' "$((SECONDS - t0))"

# --- a rate-limited client waits for Retry-After ------------------------------------------
if rl_id=$(it_admin account create "it-client-rl-$$-$RANDOM" --plan enterprise --credits 100000) &&
	it_admin account set-plan "$rl_id" enterprise --rpm 2 --concurrent 10 --daily 1000 >/dev/null &&
	rl_key=$(it_admin key create "$rl_id" --test); then
	# Not in the last seconds of a minute: the three must share one window.
	s=$(date +%S) && s=${s#0}
	((s < 55)) || sleep $((61 - s))
	codes='' t0=$SECONDS
	for i in 1 2 3; do
		DT_KEY=$rl_key dt generate --type audio --no-wait "rate limited $i [instant]"
		codes+="$RC "
	done
	waited=$((SECONDS - t0))
	assert_eq "rpm 2: three generates in a row all succeed" "0 0 0 " "$codes"
	assert_match "... the third after waiting out the 429's Retry-After" 'HTTP 429; retrying in [0-9.]+ s' "$ERR"
	note "the three took ${waited} s"
	assert_eq "... and the account has exactly three generations" 3 \
		"$(sql "SELECT count(*) FROM internal.generations WHERE account_id = '$rl_id'")"
else
	fail "could not create the rate-limited account"
fi

# --- a lost answer is retried under the same Idempotency-Key -----------------------------
hostport=${DOITONG_URL#http://}
hostport=${hostport%%/*}
path=/${DOITONG_URL#http://*/}
portfile=$IT_TMP/proxy.port proxylog=$IT_TMP/proxy.log
: >"$proxylog"
timeout 130 python3 "$DOITONG_SRC_DIR/tests/integration/client/drop_first_post.py" \
	"${hostport%:*}" "${hostport##*:}" "$portfile" "$proxylog" &
proxy_pid=$!
for _ in $(seq 1 50); do [[ -s $portfile ]] && break; sleep 0.1; done
[[ -s $portfile ]] || it_abort "the proxy did not start"
before=$(sql "SELECT count(*) FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT'")
dt --url "http://127.0.0.1:$(<"$portfile")$path" generate --type image --no-wait "retried once [instant]"
after=$(sql "SELECT count(*) FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT'")
kill "$proxy_pid" 2>/dev/null || true
wait "$proxy_pid" 2>/dev/null || true
assert_eq "through a proxy that resets the first POST: exit 0 with an id" "0 gen" "$RC ${OUT:0:3}"
assert_match "... after a retry note" 'retrying in 0.5 s' "$ERR"
mapfile -t posts < <(grep '^POST ' "$proxylog" || true)
if ((${#posts[@]} == 2)) && [[ ${posts[0]} == *" dropped 200" && ${posts[1]} == *" forwarded 200" ]] &&
	[[ $(cut -d' ' -f2 <<<"${posts[0]}") == "$(cut -d' ' -f2 <<<"${posts[1]}")" ]] &&
	[[ $(cut -d' ' -f2 <<<"${posts[0]}") =~ ^[0-9a-f]{32}$ ]]; then
	pass "... the server answered the first POST, the client never saw it, the retry re-sent the same key"
else
	fail "... the server answered the first POST, the client never saw it, the retry re-sent the same key" \
		"proxy log: $(tr '\n' '|' <"$proxylog")"
fi
assert_eq "... and the account has exactly one new generation" 1 "$((after - before))"
[[ -n $OUT ]] && assert_eq "... the one the client printed" 1 \
	"$(sql "SELECT count(*) FROM internal.generations WHERE id = '$OUT' AND account_id = '$SUITE_ACCOUNT'")"

# --- the progress bar under a pseudo-terminal --------------------------------------------
cmd=$(printf '%q ' env "DOITONG_URL=$DOITONG_URL" "DOITONG_API_KEY=$SUITE_TEST_KEY" \
	"$CLIENT" generate --type image "progress on a terminal")
RC=0
timeout 60 script -qec "$cmd" /dev/null >"$IT_TMP/pty" 2>&1 || RC=$?
assert_eq "under script(1): exit 0" 0 "$RC"
if grep -q $'\r\\[#' "$IT_TMP/pty" && grep -qE '\] +[0-9]+% PROCESSING' "$IT_TMP/pty" &&
	grep -qE '\[#+\] 100% COMPLETED' "$IT_TMP/pty"; then
	pass "... the bar is redrawn in place with '\\r' (percentage, status) up to 100% COMPLETED"
else
	fail "... the bar is redrawn in place with '\\r' (percentage, status) up to 100% COMPLETED" \
		"$(head -c 600 "$IT_TMP/pty" | od -c | head -12)"
fi
if ! grep -q 'status PROCESSING' "$IT_TMP/pty"; then
	pass "... and no plain progress lines on a terminal"
else
	fail "... and no plain progress lines on a terminal"
fi
