#!/usr/bin/env bash
# tests/integration/local_providers.sh - the offline local (speech),
# local-image, local-video and local-avatar providers through the running stack with a LIVE key (the
# stack's scheduler runs them, no test mode): each generation completes, its
# media URL downloads, and ffprobe finds the width, height, duration and
# format the API reports; a picture given inline (a data: URI through the
# API, a file through the client's --image) is what the video and the
# avatar show; a bad option value is INVALID_INPUT at acceptance.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init local_providers
it_stack_up
it_suite_account local
command -v ffprobe >/dev/null || it_abort "missing ffprobe (Debian: ffmpeg)"
url=$DOITONG_URL key=$SUITE_KEY
[[ $key == dt_live_* ]] || it_abort "no live key"

# shellcheck disable=SC2016 # (GraphQL variables)
GEN='mutation G($input: GenerateInput!) { generate(input: $input) { id status provider } }'
# shellcheck disable=SC2016
GET='query Q($id: ID!) { generation(id: $id) { status url error { code message } metadata { width height duration fps format resolution sizeBytes } } }'

# probe FILE: "width height duration format_name" of the first video stream.
probe() {
	ffprobe -v error -select_streams v:0 -show_entries stream=width,height:format=duration,format_name \
		-of json "$1" | jq -r '[.streams[0].width, .streams[0].height, (.format.duration // "0"), .format.format_name] | @tsv'
}

# run NAME INPUT_JSON: generate, wait, download, compare with ffprobe.
run() {
	local name=$1 input=$2 gid meta f w h d fmt pw ph pd pf
	gql_post "$url" "$key" "$(json_request "$GEN" "{\"input\":$input}")"
	gid=$(jqr '.data.generate.id // empty')
	if [[ -z $gid ]]; then
		fail "$name: generate accepted" "$RESP_BODY"
		return
	fi
	pass "$name: generate accepted ($(jqr '.data.generate.provider'))"
	poll_generation "$url" "$key" "$gid" 90
	gql_post "$url" "$key" "$(json_request "$GET" "$(jq -cn --arg id "$gid" '{id: $id}')")"
	if [[ $(jqr '.data.generation.status') != COMPLETED ]]; then
		fail "$name: COMPLETED" "$POLL_STATUS $(jqr '.data.generation.error')"
		return
	fi
	pass "$name: COMPLETED"
	meta=$(jqr '.data.generation.metadata')
	f=$IT_TMP/$name
	if ! curl -sS --max-time 30 -f -o "$f" "$(jqr '.data.generation.url')"; then
		fail "$name: the media URL downloads" "$(jqr '.data.generation.url')"
		return
	fi
	assert_eq "$name: sizeBytes is the downloaded size" "$(stat -c %s "$f")" "$(jq -r .sizeBytes <<<"$meta")"
	IFS=$'\t' read -r pw ph pd pf < <(probe "$f")
	w=$(jq -r .width <<<"$meta") h=$(jq -r .height <<<"$meta") d=$(jq -r '.duration // 0' <<<"$meta")
	fmt=$(jq -r .format <<<"$meta")
	assert_eq "$name: ffprobe width = metadata width" "$w" "$pw"
	assert_eq "$name: ffprobe height = metadata height" "$h" "$ph"
	case $fmt in
	png) assert_match "$name: ffprobe reads a PNG" 'png' "$pf" ;;
	mp4)
		assert_match "$name: ffprobe reads an MP4" 'mp4' "$pf"
		if awk -v a="$d" -v b="$pd" 'BEGIN { e = a - b; if (e < 0) e = -e; exit !(e < 0.1 && a > 0) }'; then
			pass "$name: ffprobe duration $pd = metadata duration $d"
		else
			fail "$name: ffprobe duration = metadata duration" "api $d, ffprobe $pd"
		fi
		;;
	*) fail "$name: a known format" "$fmt" ;;
	esac
	LAST_META=$meta
}
LAST_META=''

run image '{"type":"IMAGE","provider":"local-image","input":{"text":"A lighthouse at dusk"},"options":{"aspectRatio":"16:9"}}'
assert_eq "image: 16:9 is 1024x576" '1024x576' "$(jq -r '"\(.width)x\(.height)"' <<<"$LAST_META")"
run video '{"type":"VIDEO","provider":"local-video","input":{"text":"Waves on a beach"},"options":{"duration":3,"cameraMove":"pan-right"}}'
assert_eq "video: 3 s at 360p 16:9" '640x360 3' "$(jq -r '"\(.width)x\(.height) \(.duration | round)"' <<<"$LAST_META")"
run avatar '{"type":"AVATAR","provider":"local-avatar","input":{"text":"Hello, I am an offline avatar."}}'

# Speech (espeak-ng): the same sentence at speed 1 and 2 in German, as WAV
# and MP3; ffprobe's duration and format agree with the API's metadata and
# the faster one is shorter.
# speech NAME OPTIONS_JSON: generate, wait, download; sets SPEECH_SECONDS.
speech() {
	local name=$1 gid meta f pd pf
	gql_post "$url" "$key" "$(json_request "$GEN" "{\"input\":{\"type\":\"AUDIO\",\"provider\":\"local\",\"input\":{\"text\":\"Guten Tag, wie geht es Ihnen heute?\"},\"options\":$2}}")"
	gid=$(jqr '.data.generate.id // empty')
	[[ -n $gid ]] || { fail "$name: generate accepted" "$RESP_BODY"; return; }
	poll_generation "$url" "$key" "$gid" 60
	gql_post "$url" "$key" "$(json_request "$GET" "$(jq -cn --arg id "$gid" '{id: $id}')")"
	[[ $(jqr '.data.generation.status') == COMPLETED ]] || { fail "$name: COMPLETED" "$RESP_BODY"; return; }
	meta=$(jqr '.data.generation.metadata') f=$IT_TMP/$name
	curl -sS --max-time 30 -f -o "$f" "$(jqr '.data.generation.url')" || { fail "$name: downloads"; return; }
	IFS=$'\t' read -r pd pf < <(ffprobe -v error -show_entries format=duration,format_name -of json "$f" |
		jq -r '[.format.duration, .format.format_name] | @tsv')
	assert_match "$name: ffprobe reads the format the API reports ($(jq -r .format <<<"$meta"))" \
		"$(jq -r .format <<<"$meta")" "$pf"
	if awk -v a="$(jq -r .duration <<<"$meta")" -v b="$pd" 'BEGIN { e = a - b; if (e < 0) e = -e; exit !(e < 0.15 && a > 0) }'; then
		pass "$name: ffprobe duration $pd = metadata duration $(jq -r .duration <<<"$meta")"
	else
		fail "$name: ffprobe duration = metadata duration" "api $(jq -r .duration <<<"$meta"), ffprobe $pd"
	fi
	assert_eq "$name: sizeBytes is the downloaded size" "$(stat -c %s "$f")" "$(jq -r .sizeBytes <<<"$meta")"
	SPEECH_SECONDS=$pd
}
SPEECH_SECONDS=0
speech speech-slow '{"voice":"de","speed":1,"format":"wav"}'
slow=$SPEECH_SECONDS
speech speech-fast '{"voice":"de","speed":2,"format":"mp3"}'
if awk -v s="$slow" -v f="$SPEECH_SECONDS" 'BEGIN { exit !(f > 0 && f < s * 0.8) }'; then
	pass "speech: speed 2 is shorter than speed 1 ($SPEECH_SECONDS s < $slow s)"
else
	fail "speech: speed 2 is shorter than speed 1" "speed 2: $SPEECH_SECONDS s, speed 1: $slow s"
fi

# From a picture: a red 320x240 PNG, sent inline as a data: URI through the
# API (video) and as a file through the client's --image (avatar portrait);
# the centre of the first frame is the picture's red.
command -v ffmpeg >/dev/null || it_abort "missing ffmpeg"
RED=$IT_TMP/red.png
ffmpeg -v error -y -f lavfi -i color=c=red:s=320x240 -frames:v 1 "$RED" || it_abort "ffmpeg could not make a PNG"
# centre_rgb FILE: "R G B" of the first frame's centre.
centre_rgb() {
	ffmpeg -v error -i "$1" -vf 'crop=2:2:iw/2:ih/2,scale=1:1' -frames:v 1 -f rawvideo -pix_fmt rgb24 - |
		od -An -tu1 | xargs
}
is_red() { awk -v c="$1" 'BEGIN { split(c, v, " "); exit !(v[1] > 200 && v[2] < 60 && v[3] < 60) }'; }
run i2v "{\"type\":\"VIDEO\",\"provider\":\"local-video\",\"input\":{\"text\":\"The red card\",\"image\":\"data:image/png;base64,$(base64 -w0 "$RED")\"},\"options\":{\"duration\":2}}"
rgb=$(centre_rgb "$IT_TMP/i2v")
if is_red "$rgb"; then pass "i2v: the video shows the inline picture (centre $rgb)"; else fail "i2v: the video shows the inline picture" "centre $rgb"; fi

out=$(DOITONG_URL=$url DOITONG_API_KEY=$key timeout 120 "$DOITONG_BUILD_DIR/doitong" generate --type avatar \
	--provider local-avatar --image "$RED" -o "$IT_TMP/portrait.mp4" "Hello from a picture file." 2>&1) && rc=0 || rc=$?
assert_eq "client: generate --image FILE (a portrait) exits 0" 0 "$rc"
rgb=$(centre_rgb "$IT_TMP/portrait.mp4" 2>/dev/null || true)
if is_red "$rgb"; then pass "client --image FILE: the avatar shows the portrait (centre $rgb)"; else fail "client --image FILE: the avatar shows the portrait" "centre '$rgb'; $out"; fi
assert_eq "client --image FILE: the avatar has a video and an audio stream" 'audio video' \
	"$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$IT_TMP/portrait.mp4" 2>/dev/null | sort | xargs)"
printf 'not a picture' >"$IT_TMP/notes.txt"
out=$(DOITONG_URL=$url DOITONG_API_KEY=$key timeout 30 "$DOITONG_BUILD_DIR/doitong" generate --type avatar \
	--provider local-avatar --image "$IT_TMP/notes.txt" "x" 2>&1) && rc=0 || rc=$?
assert_eq "client: --image with a file that is no picture exits 2" 2 "$rc"
assert_match "client: ... and says why" 'not a PNG, JPEG, GIF or WebP picture' "$out"

# A value outside allowedValues is refused at acceptance.
gql_post "$url" "$key" "$(json_request "$GEN" '{"input":{"type":"VIDEO","provider":"local-video","input":{"text":"x"},"options":{"cameraMove":"spin"}}}')"
assert_error_code "a bad cameraMove is INVALID_INPUT" 200 INVALID_INPUT
gql_post "$url" "$key" "$(json_request "$GEN" '{"input":{"type":"VIDEO","provider":"local-video","input":{"text":"x"},"options":{"duration":11}}}')"
assert_error_code "duration 11 is INVALID_INPUT" 200 INVALID_INPUT
