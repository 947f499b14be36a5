#!/usr/bin/env bash
# tests/integration/media_seed.sh - the seed page's image, audio and avatar
# requests (developer-page.txt: flux-ultra with aspectRatio/quality/seed,
# elevenlabs with voice/emotion/speed, heygen with avatarId/background/
# gesture and input.voice) plus Imagen, Seedream, Hedra, every other FLUX model
# and the fal and Replicate routes, sent as GraphQL with a
# live key, carried by a real scheduler to the fake upstream
# (tests/fakes/upstream.mjs) and COMPLETED with the file stored in the media
# directory and its metadata read from the file; a moderated FLUX job ends
# FAILED with GENERATION_FAILED and nothing stored. The stack's own scheduler
# is stopped meanwhile (it has no keys) and the catalog rows touched are
# restored at exit.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init media_seed
command -v node >/dev/null 2>&1 || it_abort "missing command node"
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
it_suite_account media_seed
[[ -n $SUITE_ACCOUNT && -n $SUITE_KEY ]] || it_abort "no suite account"
url=$DOITONG_URL key=$SUITE_KEY
psql_q() { psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

PIDS=()
saved=it_media_seed_providers_$$
touched="'flux-ultra','flux-dev','flux-pro','flux-pro-1.1','flux-kontext','flux-krea','elevenlabs','heygen','imagen','seedream','hedra'"
cleanup() {
	((${#PIDS[@]})) && kill -9 "${PIDS[@]}" 2>/dev/null
	psql_q "UPDATE internal.providers p SET enabled = s.enabled, base_url = s.base_url, route = s.route,
	          failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0
	          FROM public.$saved s WHERE s.id = p.id; DROP TABLE IF EXISTS public.$saved" >/dev/null 2>&1 || true
	bash "$DOITONG_SRC_DIR/scripts/stack" up >/dev/null 2>&1 || true
}
trap cleanup EXIT

it_fake_upstream --bfl-key k-bfl --elevenlabs-key k-eleven --heygen-key k-heygen --imagen-key k-imagen \
	--seedream-key k-seedream --hedra-key k-hedra
PIDS+=("$FAKE_PID")
fake=$FAKE

psql_q "CREATE TABLE public.$saved AS SELECT id, enabled, base_url, route FROM internal.providers WHERE id IN ($touched);
        UPDATE internal.providers SET base_url = '$fake', route = 'direct', enabled = true, failure_streak = 0,
               breaker_open_until = NULL
         WHERE id IN ('flux-ultra', 'flux-dev', 'flux-pro', 'flux-pro-1.1', 'flux-kontext', 'elevenlabs', 'heygen');
        UPDATE internal.providers SET route = 'fal', enabled = true WHERE id = 'flux-krea';
        UPDATE internal.providers SET base_url = '$fake/v1beta', route = 'direct', enabled = true WHERE id = 'imagen';
        UPDATE internal.providers SET base_url = '$fake/api/v3', route = 'direct', enabled = true WHERE id = 'seedream';
        UPDATE internal.providers SET base_url = '$fake/web-app/public', route = 'direct', enabled = true WHERE id = 'hedra'"

bash "$DOITONG_SRC_DIR/scripts/stack" down scheduler 2>/dev/null
mapfile -t SCHED_ENV < <(bash "$DOITONG_SRC_DIR/scripts/stack" env)
SCHED_ENV+=(DOITONG_FLUX_ULTRA_KEY=k-bfl DOITONG_FLUX_DEV_KEY=k-bfl DOITONG_FLUX_PRO_KEY=k-bfl
	DOITONG_FLUX_PRO_1_1_KEY=k-bfl DOITONG_FLUX_KONTEXT_KEY=k-bfl DOITONG_ELEVENLABS_KEY=k-eleven
	DOITONG_HEYGEN_KEY=k-heygen DOITONG_IMAGEN_KEY=k-imagen DOITONG_SEEDREAM_KEY=k-seedream DOITONG_HEDRA_KEY=k-hedra
	DOITONG_FAL_KEY=fal-test-key DOITONG_FAL_URL="$fake" DOITONG_REPLICATE_KEY=replicate-test-key
	DOITONG_REPLICATE_URL="$fake/v1" DOITONG_LOG_LEVEL=info)
env "${SCHED_ENV[@]}" "$DOITONG_BUILD_DIR/doitong-scheduler" --loop >"$IT_TMP/sched.log" 2>&1 &
PIDS+=($!)
media_dir=$(printf '%s\n' "${SCHED_ENV[@]}" | sed -n 's/^DOITONG_MEDIA_DIR=//p')

GEN='mutation G($input: GenerateInput!) { generate(input: $input) { id status type provider creditCost } }'
# seed_case NAME INPUT-JSON FORMAT WIDTH HEIGHT SAMPLE EXT: generates, waits, checks.
seed_case() {
	local name=$1 input=$2 format=$3 width=$4 height=$5 sample=$6 ext=$7 id file
	gql_post "$url" "$key" "$(json_request "$GEN" "$(jq -cn --argjson i "$input" '{input: $i}')")"
	id=$(jqr '.data.generate.id // empty')
	[[ -n $id ]] || { fail "$name: generate accepted ($RESP_BODY)"; return; }
	poll_generation "$url" "$key" "$id" 30
	if [[ $POLL_STATUS != COMPLETED ]]; then
		fail "$name: COMPLETED ($POLL_STATUS: $(jqr -c '.data.generation.error // empty'))"
		return
	fi
	pass "$name: COMPLETED through the scheduler"
	assert_jq "$name: the URL names the stored .$ext file" ".data.generation.url | endswith(\"/$id.$ext\")"
	assert_eq "$name: metadata read from the file" "$format $width $height $(stat -c %s "$sample")" \
		"$(psql_q "SELECT concat_ws(' ', metadata->>'format', coalesce(metadata->>'width', '-'),
		             coalesce(metadata->>'height', '-'), metadata->>'sizeBytes') FROM internal.generations WHERE id = '$id'")"
	file=$media_dir/$id.$ext
	if cmp -s "$file" "$sample"; then pass "$name: the file in the media directory is the upstream's"; else fail "$name: $file"; fi
}

samples=$DOITONG_SRC_DIR/share/samples fakes=$DOITONG_SRC_DIR/tests/fakes/media
# The seed page's three requests, verbatim.
seed_case "flux-ultra (seed)" '{"type":"IMAGE","provider":"flux-ultra","input":{"text":"Photorealistic portrait in Rembrandt style"},"options":{"aspectRatio":"16:9","quality":"ultra","seed":42}}' \
	jpeg 320 240 "$fakes/sample-image.jpg" jpg
seed_case "elevenlabs (seed)" '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Welcome to the future of artificial intelligence"},"options":{"voice":"rachel","emotion":"excited","speed":1.0}}' \
	mp3 - - "$fakes/sample-speech.mp3" mp3
seed_case "heygen (seed)" '{"type":"AVATAR","provider":"heygen","input":{"text":"Hello, I'"'"'m your AI assistant","voice":"professional_female"},"options":{"avatarId":"kate","background":"modern_office","gesture":"friendly"}}' \
	mp4 320 180 "$samples/sample-video.mp4" mp4
seed_case "imagen" '{"type":"IMAGE","provider":"imagen","input":{"text":"A lighthouse at dawn"},"options":{"aspectRatio":"16:9"}}' \
	png 256 144 "$samples/sample-image.png" png
seed_case "seedream" '{"type":"IMAGE","provider":"seedream","input":{"text":"A temple in the mist"},"options":{"style":"ink_wash","size":"2K"}}' \
	jpeg 320 240 "$fakes/sample-image.jpg" jpg
# Hedra fetches the portrait and the speech, uploads them, then generates.
seed_case "hedra" "{\"type\":\"AVATAR\",\"provider\":\"hedra\",\"input\":{\"text\":\"a calm portrait\",\"image\":\"$fake/files/sample-image.png\",\"audio\":\"$fake/files/sample-speech.mp3\"}}" \
	mp4 320 180 "$samples/sample-video.mp4" mp4

stats=$(fake_ctl GET stats)
seed_total=$(jq '[.submissions[]] | add' <<<"$stats")
assert_eq "one submission each upstream (Hedra after two uploads)" '1 1 1 1 1 1 2' \
	"$(jq -r '[.submissions.bfl, .submissions.elevenlabs, .submissions.heygen, .submissions.imagen, .submissions.seedream, .submissions.hedra, .uploads] | map(tostring) | join(" ")' <<<"$stats")"
assert_eq "the seed's options as the upstreams saw them" '16:9 false 42 21m00Tcm4TlvDq8ikWAM kate Friendly' \
	"$(jq -r '[(.requests[] | select(.provider == "bfl" and .method == "POST") | .body | .aspect_ratio, .raw, .seed),
	           (.requests[] | select(.provider == "elevenlabs") | .path | capture("speech/(?<v>[A-Za-z0-9]+)").v),
	           (.requests[] | select(.provider == "heygen" and .method == "POST") | .body.video_inputs[0] | .character.avatar_id, .voice.emotion)]
	          | map(tostring) | join(" ")' <<<"$stats")"

# Every other image provider on its vendor, and the aggregator routes (each
# provider that has the aggregator's model id, flux-krea's default is fal),
# through the same scheduler to a stored file read back.
seed_case "flux-dev" '{"type":"IMAGE","provider":"flux-dev","input":{"text":"a fox"},"options":{"aspectRatio":"4:3","outputFormat":"jpeg"}}' \
	jpeg 320 240 "$fakes/sample-image.jpg" jpg
seed_case "flux-pro" '{"type":"IMAGE","provider":"flux-pro","input":{"text":"a heron"},"options":{"aspectRatio":"1:1"}}' \
	jpeg 320 240 "$fakes/sample-image.jpg" jpg
seed_case "flux-pro-1.1" '{"type":"IMAGE","provider":"flux-pro-1.1","input":{"text":"a harbour"}}' \
	jpeg 320 240 "$fakes/sample-image.jpg" jpg
seed_case "flux-kontext (edit)" '{"type":"IMAGE","provider":"flux-kontext","input":{"text":"make it snow","image":"https://img.example/a.jpg"},"options":{"outputFormat":"png"}}' \
	png 256 144 "$samples/sample-image.png" png
seed_case "flux-krea (fal, its default route)" '{"type":"IMAGE","provider":"flux-krea","input":{"text":"a cat"},"options":{"aspectRatio":"1:1"}}' \
	png 256 144 "$samples/sample-image.png" png
it_admin providers route imagen fal >/dev/null || it_abort "providers route imagen fal failed"
seed_case "imagen on fal" '{"type":"IMAGE","provider":"imagen","input":{"text":"a lighthouse"}}' \
	png 256 144 "$samples/sample-image.png" png
it_admin providers route elevenlabs fal >/dev/null || it_abort "providers route elevenlabs fal failed"
seed_case "elevenlabs on fal" '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"hello"},"options":{"voice":"rachel"}}' \
	mp3 - - "$fakes/sample-speech.mp3" mp3
for p in flux-ultra seedream; do
	it_admin providers route "$p" replicate >/dev/null || it_abort "providers route $p replicate failed"
	seed_case "$p on Replicate" "{\"type\":\"IMAGE\",\"provider\":\"$p\",\"input\":{\"text\":\"a portrait\"}}" \
		png 256 144 "$samples/sample-image.png" png
done
stats=$(fake_ctl GET stats)
assert_eq "the routed jobs reached fal (3) and Replicate (2), not their vendors" '3 2' \
	"$(jq -r '[.submissions.fal, .submissions.replicate] | map(tostring) | join(" ")' <<<"$stats")"
assert_eq "the vendors saw only the jobs routed to them" "$((seed_total + 4 + 5))" \
	"$(jq '[.submissions[]] | add' <<<"$stats")"

it_admin providers route flux-ultra direct >/dev/null || it_abort "providers route flux-ultra direct failed"

# A moderated result: FAILED, GENERATION_FAILED, nothing stored, credits back.
fake_ctl POST script '{"provider":"bfl","final":"moderation"}' >/dev/null
gql_post "$url" "$key" "$(json_request "$GEN" "$(jq -cn '{input: {type: "IMAGE", provider: "flux-ultra", input: {text: "moderated"}}}')")"
id=$(jqr '.data.generate.id // empty')
poll_generation "$url" "$key" "$id" 30
assert_eq "a moderated FLUX job fails" FAILED "$POLL_STATUS"
assert_jq "with GENERATION_FAILED naming moderation" '.data.generation.error.code == "GENERATION_FAILED" and (.data.generation.error.message | test("moderation"))'
if compgen -G "$media_dir/$id.*" >/dev/null; then fail "nothing stored for it"; else pass "nothing stored for it"; fi

it_finish
