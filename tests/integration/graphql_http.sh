#!/usr/bin/env bash
# shellcheck disable=SC2016
# (SC2016: GraphQL $variables in single quotes are not shell ones.)
# tests/integration/graphql_http.sh - GraphQL over HTTP as issue #3 and SPEC
# §2 describe it, through lighttpd: media types and status codes per Accept,
# refusals of malformed requests, the in-browser IDE page and its static
# files, and automatic persisted queries (Apollo's round trip).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init graphql_http
it_stack_up
url=$DOITONG_URL
origin=${url%/graphql}
it_suite_account graphql_http
key=$SUITE_KEY

# --- media types and statuses ------------------------------------------------
q='{"query":"{ providers(type: AUDIO) { id } }"}'
gql_post "$url" "$key" "$q" -H 'Accept: application/graphql-response+json'
assert_status "Accept graphql-response+json: 200" 200
assert_match "... answered as application/graphql-response+json" '^application/graphql-response\+json' "$RESP_TYPE"
gql_post "$url" "$key" "$q" -H 'Accept: application/graphql-response+json, application/json;q=0.9'
assert_match "the preferred type wins" '^application/graphql-response\+json' "$RESP_TYPE"
gql_post "$url" "$key" "$q" -H 'Accept: */*'
assert_match "*/* gets application/json" '^application/json' "$RESP_TYPE"
gql_post "$url" "$key" "$q" -H 'Accept: text/plain'
assert_status "nothing acceptable: 406" 406
gql_post "$url" "$key" '{"query":"{ providers(type: AUDIO) { id } "}' -H 'Accept: application/graphql-response+json'
assert_status "syntax error under graphql-response+json: 400" 400
assert_jq "... with no data key" 'has("data") | not'
gql_post "$url" "$key" '{"query":"{ providers(type: AUDIO) { id } "}' -H 'Accept: application/json'
assert_status "syntax error under application/json: 200" 200
gql_post "$url" "$key" '{"query":"{ nope }"}' -H 'Accept: application/graphql-response+json'
assert_status "validation error under graphql-response+json: 400" 400
gql_post "$url" "$key" '{"query":"{ generation(id: \"gen_abc123\") { id } }"}' -H 'Accept: application/graphql-response+json'
assert_status "a field error with data under graphql-response+json: 200" 200

# --- malformed requests ------------------------------------------------------
gql_post "$url" "$key" '[{"query":"{ providers { id } }"}]'
assert_error_code "a JSON array (batch): 400" 400 INVALID_INPUT
gql_post "$url" "$key" '{"query": ["{ providers { id } }"]}'
assert_error_code "query not a string: 400" 400 INVALID_INPUT
gql_post "$url" "$key" '{"query":"{ providers { id } }","variables":[1]}'
assert_error_code "variables not an object: 400" 400 INVALID_INPUT
gql_post "$url" "$key" '{"variables":{}}'
assert_error_code "no query: 400" 400 INVALID_INPUT
_curl -X POST -H 'Content-Type: text/plain' -H "Authorization: Bearer $key" --data-binary "$q" "$url"
assert_status "Content-Type text/plain: 415" 415
_curl -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $key" \
	--data-binary $'{"query":"{ providers(type: AUDIO) { id } }","operationName":"\xff"}' "$url"
assert_error_code "invalid UTF-8: 400" 400 INVALID_INPUT
_curl -X PUT -H 'Content-Type: application/json' -H "Authorization: Bearer $key" --data-binary "$q" "$url"
assert_status "PUT: 405" 405

# --- the IDE page --------------------------------------------------------------
_curl -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8' "$url"
assert_status "a browser GET without a query: 200" 200
assert_match "... an HTML page" '^text/html' "$RESP_TYPE"
assert_match "... loading GraphiQL from this server" 'src="graphiql/graphiql.min.js"' "$RESP_BODY"
for f in graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js; do
	code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code} %{content_type}' "$origin/graphiql/$f")
	assert_match "the IDE's $f is served by the web server" '^200 (text/javascript|text/css)' "$code"
done
http_get "$url" "$key" -G --data-urlencode 'query={providers(type:AUDIO){id}}' -H 'Accept: text/html,*/*;q=0.8'
assert_ok_data "a browser GET with a query gets the JSON answer"

# --- automatic persisted queries ------------------------------------------------
doc="{ providers(type: AUDIO) { id name } } # apq $$-$RANDOM"
sha=$(printf '%s' "$doc" | sha256sum | cut -d' ' -f1)
ext=$(jq -cn --arg h "$sha" '{persistedQuery: {version: 1, sha256Hash: $h}}')
gql_post "$url" "$key" "$(jq -cn --argjson e "$ext" '{extensions: $e}')"
assert_status "APQ: an unknown hash answers 200" 200
assert_jq "APQ: ... with PersistedQueryNotFound" '.errors[0].message == "PersistedQueryNotFound"'
gql_post "$url" "$key" "$(jq -cn --arg q "$doc" --argjson e "$ext" '{query: $q, extensions: $e}')"
assert_ok_data "APQ: the hash with its query runs"
gql_post "$url" "$key" "$(jq -cn --argjson e "$ext" '{extensions: $e}')"
assert_ok_data "APQ: then the hash alone runs"
assert_jq "APQ: ... the stored query" '.data.providers | any(.id == "local" and (.name | type == "string"))'
http_get "$url" "$key" -G --data-urlencode "extensions=$ext"
assert_ok_data "APQ: the hash alone over GET (Apollo's GET mode)"
gql_post "$url" "$key" "$(jq -cn --arg q '{ providers { id } }' --argjson e "$ext" '{query: $q, extensions: $e}')"
assert_error_code "APQ: a hash that does not match its query: 400" 400 INVALID_INPUT
gql_post "$url" "$key" '{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"00"}}}'
assert_error_code "APQ: an unsupported version: 400" 400 INVALID_INPUT

# --- every root field answers real data --------------------------------------------
gql_post "$url" "$key" '{"query":"{ account { id plan credits reservedCredits rateLimit { requestsPerMinute remainingThisMinute resetIn activeGenerations } } }"}'
assert_ok_data "account: answers"
assert_jq "account: the suite's account with its credits and live limits" \
	'.data.account | (.id | startswith("acc_")) and .plan == "ENTERPRISE" and (.credits | type == "number") and .rateLimit.requestsPerMinute == 1000 and (.rateLimit.remainingThisMinute < 1000)'
for i in 1 2 3; do
	gql_post "$url" "$key" "{\"query\":\"mutation { generate(input: {type: AUDIO, provider: \\\"local\\\", input: {text: \\\"page $i\\\"}}) { id } }\"}"
done
gql_post "$url" "$key" '{"query":"{ generations(first: 2, type: AUDIO) { totalCount pageInfo { hasNextPage endCursor } nodes { id type } edges { cursor node { id } } } }"}'
assert_ok_data "generations: answers"
assert_jq "generations: a page of 2 of at least 3, newest first, with a cursor" \
	'.data.generations | .totalCount >= 3 and (.nodes | length) == 2 and .pageInfo.hasNextPage and (.edges[1].cursor == .pageInfo.endCursor) and all(.nodes[]; .type == "AUDIO")'
after=$(jqr '.data.generations.pageInfo.endCursor')
gql_post "$url" "$key" "$(jq -cn --arg a "$after" '{query: "query ($a: String) { generations(first: 2, after: $a) { nodes { id } } }", variables: {a: $a}}')"
assert_ok_data "generations: the next page after the cursor"
gql_post "$url" "$key" '{"query":"{ generations(first: 101) { totalCount } }"}'
assert_jq "generations: first over 100 is INVALID_INPUT" '.errors[0].extensions.code == "INVALID_INPUT"'
gql_post "$url" "$key" '{"query":"{ provider(id: \"kling\") { id name vendor models available pricing { creditCost } } none: provider(id: \"nope\") { id } }"}'
assert_ok_data "provider(id): answers"
assert_jq "provider(id): kling with models, an unknown id is null" '.data.provider.id == "kling" and (.data.provider.models | length > 0) and .data.none == null'
gql_post "$url" "$key" '{"query":"{ estimate(input: {type: IMAGE, input: {text: \"a cat\"}, priority: COST}) { provider creditCost estimatedTime alternatives { provider creditCost } } }"}'
assert_ok_data "estimate: answers"
assert_jq "estimate: a provider, a price and ranked alternatives" '.data.estimate | (.provider | length > 0) and .creditCost > 0 and (.alternatives | type == "array")'
gql_post "$url" "$key" '{"query":"mutation { rotateWebhookSecret }"}'
assert_ok_data "rotateWebhookSecret: answers"
assert_match "rotateWebhookSecret: a new whsec_ secret" '^whsec_[A-Za-z0-9+/]{43}=$' "$(jqr '.data.rotateWebhookSecret')"

# --- the address guard at acceptance (SPEC §9; the stack allows 127.0.0.1) ------
guard() { # DESC URL EXPECT(ok|refused)
	gql_post "$url" "$key" "$(jq -cn --arg u "$2" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
		variables: {i: {type: "AUDIO", provider: "local", input: {text: "guard"}, webhookUrl: $u}}}')"
	if [[ $3 == ok ]]; then assert_ok_data "$1"; else
		assert_jq "$1" '.errors[0].extensions | .code == "INVALID_INPUT" and .field == "input.webhookUrl"'
	fi
}
guard "webhookUrl http://127.0.0.1 is accepted where the operator allows it" "http://127.0.0.1:9/hook" ok
guard "webhookUrl with credentials is refused" "https://user:pw@example.com/hook" refused
guard "webhookUrl with another scheme is refused" "gopher://example.com/hook" refused
guard "webhookUrl to a multicast address is refused even so" "http://224.0.0.1/hook" refused
guard "webhookUrl to a private address is refused (only loopback is let through)" "http://10.0.0.1/hook" refused
guard "webhookUrl to link-local (cloud metadata) is refused" "http://169.254.169.254/latest" refused
guard "webhookUrl with an IPv6 zone id is refused" "http://[fe80::1%25eth0]/hook" refused

# --- graphql-http's audit suite (the spec's reference audits) -------------------
# Every MUST and SHOULD passes; MAY items are only reported.
node_dir=$DOITONG_BUILD_DIR/_node/audits
if [[ ! -f $node_dir/node_modules/graphql-http/package.json ]]; then
	mkdir -p "$node_dir"
	(cd "$node_dir" && timeout 300 npm install --no-audit --no-fund --silent --prefix "$node_dir" \
		graphql-http@1.23.1 graphql@16.9.0) >/dev/null 2>&1 || it_abort "npm install graphql-http failed"
fi
cp "$(dirname "${BASH_SOURCE[0]}")/graphql_http/audits.mjs" "$node_dir/"
audits=$IT_TMP/audits.txt
(cd "$node_dir" && timeout 120 node audits.mjs "$url" "$key") >"$audits" 2>&1 || it_abort "the audit run failed: $(tail -n 3 "$audits")"
total=$(grep -cE '^(ok|warn|error|notice) ' "$audits" || true)
assert_match "graphql-http ran its audits" '^[0-9]{2,}$' "$total"
while IFS= read -r line; do
	status=${line%% *}
	rest=${line#* }
	case $rest in
	*" MUST "* | *" SHOULD "*)
		if [[ $status == ok ]]; then pass "audit $rest"; else fail "audit $rest"; fi ;;
	*) [[ $status == ok ]] || note "audit (MAY, not required): $rest" ;;
	esac
done < <(grep -E '^(ok|warn|error|notice) ' "$audits")
