#!/usr/bin/env bash
# tests/integration/seed_lighttpd.sh - the developer page's examples and the
# error contract through lighttpd + mod_fastcgi (scripts/stack up).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=seed_checks.sh
. "$IT_LIB_DIR/seed_checks.sh"

it_init seed_lighttpd
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
[[ $DOITONG_URL == */graphql ]] || it_abort "unexpected DOITONG_URL $DOITONG_URL"
run_seed_checks
