# shellcheck shell=bash disable=SC2016
# (SC2016: the GraphQL documents hold $variables that are not shell ones.)
# tests/integration/seed_checks.sh - the checks shared by seed_lighttpd.sh and
# seed_apache.sh: the public developer page's example requests
# (/work/shared/seed/developer-page.txt) and the error contract (SPEC sections
# 2-4), run against one front end.
#
# Sourced after lib.sh, it_init and it_stack_up; run_seed_checks uses
# DOITONG_URL (the endpoint under test) and creates its own account.

run_seed_checks() {
	local url=$DOITONG_URL origin key req id idem audio_id media_url

	origin=${url%/graphql}
	it_suite_account "$IT_SUITE"
	key=$SUITE_KEY
	note "endpoint $url"

	# --- 1. The page's first curl example, byte for byte but the key. ------
	idem=$(unique_key)
	req='{
"query": "mutation Generate($input: GenerateInput!) { generate(input: $input) { id status type provider url metadata { duration resolution } creditCost estimatedTime } }",
"variables": {
"input": {
"type": "VIDEO",
"provider": "minimax",
"input": {
"text": "A serene mountain landscape at sunset"
},
"options": {
"duration": 10,
"resolution": "1080p",
"style": "cinematic"
}
}
}
}'
	gql_post "$url" "$key" "$req" -H "Idempotency-Key: $idem"
	assert_ok_data "seed generate (VIDEO minimax): HTTP 200, data, no errors"
	assert_json_type "seed generate: JSON response"
	id=$(jqr '.data.generate.id // empty')
	assert_match "seed generate: id starts with gen_" '^gen_' "$id"
	assert_jq "seed generate: status PENDING, type VIDEO, provider minimax" \
		'.data.generate | .status == "PENDING" and .type == "VIDEO" and .provider == "minimax"'
	assert_jq "seed generate: creditCost a positive integer" \
		'.data.generate.creditCost | type == "number" and . > 0 and . == floor'
	assert_jq "seed generate: estimatedTime positive" '.data.generate.estimatedTime | type == "number" and . > 0'
	# Rate-limit headers and idempotent replay are the money-and-limits
	# issue's (#4); their checks land with it.

	# --- 2. The page's status query with that id. ---------------------------
	if [[ -n $id ]]; then
		req=$(jq -cn --arg id "$id" '{query: ("query { generation(id: \"" + $id + "\") { status progress url error { code message } } }")}')
		gql_post "$url" "$key" "$req"
		assert_ok_data "seed status query: HTTP 200, no errors"
		assert_jq "seed status query: a known status" \
			'.data.generation.status | IN("PENDING","PROCESSING","COMPLETED","FAILED","CANCELLED")'
	else
		fail "seed status query: skipped, no generation id from step 1"
	fi

	# --- 3. Auto-selection with inline literals. ---------------------------------
	req='{"query": "mutation { generate(input: { type: VIDEO, input: { text: \"Epic dragon battle\" }, priority: QUALITY }) { id status provider creditCost } }"}'
	gql_post "$url" "$key" "$req"
	assert_ok_data "auto-select (priority QUALITY): HTTP 200, no errors"
	assert_jq "auto-select: a generation with a provider" \
		'.data.generate | (.id | startswith("gen_")) and (.provider | type == "string" and length > 0) and .creditCost > 0'

	# --- 4. The page's status example with its made-up id. -------------------------
	req='{"query": "query { generation(id: \"gen_abc123\") { status progress url error { code message } } }"}'
	gql_post "$url" "$key" "$req"
	assert_status "unknown generation: HTTP 200" 200
	assert_jq "unknown generation: data.generation is null" '.data.generation == null'
	assert_error_code "unknown generation: NOT_FOUND" 200 NOT_FOUND

	# --- 5. The Apollo Client example (lower-case authorization header). -------------
	req=$(json_request 'mutation CreateVideo($input: VideoCreateInput!) {
  videoCreate(input: $input) {
    id
    status
    videoUrl
  }
}' '{"input":{"prompt":"Beautiful sunset over ocean","model":"luma","duration":9}}' CreateVideo)
	_curl -X POST -H 'content-type: application/json' \
		-H 'accept: application/graphql-response+json,application/json;q=0.9' \
		-H "authorization: Bearer $key" --data-binary "$req" "$url"
	assert_ok_data "Apollo videoCreate: HTTP 200, no errors"
	assert_jq "Apollo videoCreate: id and status" \
		'.data.videoCreate | (.id | startswith("gen_")) and (.status | type == "string")'

	# --- 6. GetProviders for AUDIO. ----------------------------------------------------
	req=$(json_request 'query GetProviders($type: GenerationType!) {
  providers(type: $type) {
    id
    name
    description
    features
    limitations
    pricing {
      creditCost
      estimatedTime
    }
    options {
      name
      type
      required
      description
      allowedValues
    }
  }
}' '{"type":"AUDIO"}')
	gql_post "$url" "$key" "$req"
	assert_ok_data "GetProviders(AUDIO): HTTP 200, no errors"
	assert_jq "GetProviders(AUDIO): lists local with options and pricing" \
		'.data.providers | any(.id == "local" and (.options | type == "array" and length > 0)
			and (.pricing.creditCost | type == "number") and (.pricing.estimatedTime | type == "number"))'

	# --- 7. CancelGeneration: true on a running generation, then false. ---------------------
	# A long text, spoken at half speed and encoded as MP3, keeps the local
	# speech job busy for seconds (14 minutes of audio: espeak-ng 0.6 s and
	# ffmpeg 2.8 s on a 2-core VM), so the cancel surely arrives while it is
	# PENDING or PROCESSING. The text alone took 0.4 s, and a cancel on the
	# sanitized stack once came after that.
	local cid long_text
	long_text=$(printf 'This sentence is here to keep the speech engine busy for a while. %.0s' $(seq 1 120))
	req=$(jq -cn --arg t "$long_text" '{query: "mutation Generate($input: GenerateInput!) { generate(input: $input) { id status creditCost } }",
		variables: {input: {type: "AUDIO", provider: "local", input: {text: $t}, options: {speed: 0.5, format: "mp3"}}}}')
	gql_post "$url" "$key" "$req"
	cid=$(jqr '.data.generate.id // empty')
	assert_match "cancel: a fresh generation" '^gen_' "$cid"
	req=$(json_request 'mutation CancelGeneration($id: ID!) { cancelGeneration(id: $id) }' "$(jq -cn --arg id "$cid" '{id: $id}')")
	gql_post "$url" "$key" "$req"
	assert_ok_data "cancel: HTTP 200, no errors"
	assert_jq "cancel: first call returns true" '.data.cancelGeneration == true'
	gql_post "$url" "$key" "$req"
	assert_jq "cancel: second call returns false" '.data.cancelGeneration == false'
	req=$(jq -cn --arg id "$cid" '{query: ("query { generation(id: \"" + $id + "\") { status url } }")}')
	gql_post "$url" "$key" "$req"
	assert_jq "cancel: the generation is CANCELLED with no url" '.data.generation | .status == "CANCELLED" and .url == null'

	# --- 8. A real AUDIO generation with the local provider, to a playable file. -----------
	req=$(json_request 'mutation Generate($input: GenerateInput!) { generate(input: $input) { id status provider creditCost } }' \
		'{"input":{"type":"AUDIO","provider":"local","input":{"text":"Integration test speaking."},"options":{"voice":"en"}}}')
	gql_post "$url" "$key" "$req" -H "Idempotency-Key: $(unique_key)"
	assert_ok_data "local AUDIO generate: HTTP 200, no errors"
	audio_id=$(jqr '.data.generate.id // empty')
	assert_match "local AUDIO generate: id" '^gen_' "$audio_id"
	if [[ -n $audio_id ]]; then
		poll_generation "$url" "$key" "$audio_id" 60
		assert_eq "local AUDIO: COMPLETED within 60 s" COMPLETED "$POLL_STATUS"
		media_url=$(jqr '.data.generation.url // empty')
		assert_jq "local AUDIO: metadata.format and metadata.duration present" \
			'.data.generation.metadata | (.format | type == "string" and length > 0) and (.duration | type == "number" and . > 0)'
		check_media_file "local AUDIO (scheduler's URL)" "$media_url"
		# The same file through this front end's own /media/ (Apache serves it too).
		if [[ $media_url =~ ^https?://[^/]+(/media/.*)$ ]]; then
			check_media_file "local AUDIO (via $origin/media)" "$origin${BASH_REMATCH[1]}"
		else
			fail "local AUDIO: url '$media_url' is not under /media/"
		fi

		# The python client's check_status shape: object fields without sub-selections.
		req=$(json_request 'query GetGeneration($id: ID!) {
            generation(id: $id) {
                id
                status
                type
                url
                progress
                error
                errorCode
                metadata
            }
        }' "$(jq -cn --arg id "$audio_id" '{id: $id}')")
		gql_post "$url" "$key" "$req"
		assert_ok_data "python client query shape: HTTP 200, no errors"
		assert_jq "python client query shape: metadata is an object or null" \
			'.data.generation.metadata | type == "object" or type == "null"'
	fi

	# --- 9. Errors: clear message and code, never a 500. ----------------------------------
	gql_post "$url" "$key" '{"query": "{ providers { id } "'
	assert_status "malformed JSON: HTTP 400" 400
	assert_json_type "malformed JSON: JSON error body"
	assert_jq "malformed JSON: errors list (code INVALID_INPUT when given)" \
		'(.errors | type == "array" and length > 0) and ((.errors[0].extensions.code // "INVALID_INPUT") == "INVALID_INPUT")'

	gql_post "$url" "$key" '{"query": "{ generation(id: \"x\" { id } }"}' -H 'Accept: application/json'
	assert_error_code "syntax error: HTTP 200 (application/json), INVALID_INPUT" 200 INVALID_INPUT
	assert_jq "syntax error: locations [{line, column}]" \
		'.errors[0].locations[0] | (.line | type == "number") and (.column | type == "number")'

	gql_post "$url" "$key" '{"query": "{ generation(id:\"x\") { nope } }"}' -H 'Accept: application/json'
	assert_error_code "unknown field: INVALID_INPUT" 200 INVALID_INPUT

	gql_post "$url" "" '{"query": "{ providers { id } }"}'
	assert_error_code "missing Authorization: 401 UNAUTHENTICATED" 401 UNAUTHENTICATED

	gql_post "$url" dt_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx '{"query": "{ providers { id } }"}'
	assert_error_code "unknown key: 401 UNAUTHENTICATED" 401 UNAUTHENTICATED

	http_get "$url" "$key" -G --data-urlencode 'query=mutation { cancelGeneration(id: "gen_abc123") }'
	assert_status "mutation over GET: HTTP 405" 405
	assert_match "mutation over GET: Allow header names POST" 'POST' "$(resp_header Allow)"

	http_get "$url" "$key" -G --data-urlencode 'query={providers(type:AUDIO){id}}'
	assert_ok_data "GET query: HTTP 200, no errors"
	assert_jq "GET query: providers listed" '.data.providers | type == "array" and any(.id == "local")'

	# A body over 1 MiB: 413 from the web server or the responder, never 500.
	local big=$IT_TMP/big.json
	{
		printf '{"query":"{ providers { id } }","variables":{"pad":"'
		head -c 1100000 /dev/zero | tr '\0' a
		printf '"}}'
	} >"$big"
	_curl -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $key" \
		--data-binary "@$big" "$url"
	assert_status "body over 1 MiB: HTTP 413" 413
	rm -f "$big"
}

# check_media_file DESC URL: downloads URL, expects 200, audio/*, a non-empty
# body, and a positive duration from ffprobe.
check_media_file() {
	local desc=$1 murl=$2 f code ctype dur
	f=$IT_TMP/media.$$
	if [[ -z $murl ]]; then
		fail "$desc: no url"
		return 0
	fi
	code=$(curl -sS --max-time 30 -o "$f" -w '%{http_code} %{content_type}' "$murl" 2>/dev/null) || code='000 none'
	ctype=${code#* }
	code=${code%% *}
	assert_eq "$desc: download HTTP 200" 200 "$code"
	assert_match "$desc: Content-Type audio/*" '^audio/' "$ctype"
	if [[ -s $f ]]; then pass "$desc: non-empty file"; else fail "$desc: non-empty file"; fi
	if command -v ffprobe >/dev/null; then
		dur=$(timeout 30 ffprobe -v error -show_entries format=duration -of csv=p=0 "$f" 2>/dev/null) || dur=''
		if [[ $dur =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v d="$dur" 'BEGIN { exit !(d > 0) }'; then
			pass "$desc: ffprobe duration $dur s"
		else
			fail "$desc: ffprobe reads a positive duration" "ffprobe said '$dur'"
		fi
	else
		fail "$desc: ffprobe not installed (package ffmpeg)"
	fi
	rm -f "$f"
}
