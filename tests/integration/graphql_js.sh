#!/usr/bin/env bash
# tests/integration/graphql_js.sh - the server as graphql-js sees it (issue
# #3, introspection): getIntrospectionQuery with every option, run through
# lighttpd, must give a client schema (buildClientSchema) with no breaking or
# dangerous change against our SDL; the developer page's documents must
# validate against that client schema and run without errors.
#
# graphql (the exact version in graphql_js/package.json) is installed with
# npm under the build tree, once; the checks are graphql_js/check.js, whose
# `ok -` / `not ok -` lines are counted here.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init graphql_js
command -v node >/dev/null 2>&1 || it_abort "missing command node"
command -v npm >/dev/null 2>&1 || it_abort "missing command npm"
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
it_suite_account graphql_js
[[ -n $SUITE_TEST_KEY ]] || it_abort "no test-mode key for the suite"

here=$(dirname "${BASH_SOURCE[0]}")/graphql_js
it_npm_install "$here" graphql_js graphql
node_dir=$NODE_DIR
cp "$here/check.js" "$node_dir/"

sdl=$DOITONG_SRC_DIR/../shared/schema.graphql
[[ -f $sdl ]] || sdl=$DOITONG_SRC_DIR/src/graphql/schema.graphql
note "SDL $sdl"

out=$IT_TMP/check.txt
rc=0
(cd "$node_dir" && timeout 180 node check.js "$DOITONG_URL" "$SUITE_KEY" "$SUITE_TEST_KEY" "$sdl") >"$out" 2>&1 || rc=$?
while IFS= read -r line; do
	case $line in
	'ok - '*) pass "${line#ok - }" ;;
	'not ok - '*) fail "${line#not ok - }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$out"
((rc == 0 || rc == 1)) || fail "check.js stopped early (exit $rc)"
