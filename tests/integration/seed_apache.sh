#!/usr/bin/env bash
# tests/integration/seed_apache.sh - the developer page's examples and the
# error contract through Apache (scripts/stack up --apache: mod_fcgid;
# DOITONG_APACHE_FCGI=proxy runs it through mod_proxy_fcgi to a spawn-fcgi pool).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=seed_checks.sh
. "$IT_LIB_DIR/seed_checks.sh"

it_init seed_apache
it_stack_up --apache
apache_port=${DOITONG_APACHE_PORT:-8481}
[[ $DOITONG_URL == "http://127.0.0.1:$apache_port/graphql" ]] ||
	it_abort "scripts/stack up --apache printed DOITONG_URL=$DOITONG_URL, expected port $apache_port"
run_seed_checks

