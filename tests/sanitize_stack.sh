#!/usr/bin/env bash
# sanitize_stack.sh - the integration and fault suites once more, on a second
# stack whose binaries are built with AddressSanitizer, UBSan and
# LeakSanitizer: tests/sanitize.sh (earlier in make check) leaves that build
# in $DOITONG_BUILD_DIR/_asan (a distdir copy configured --enable-asan). Its
# own `make check` runs the suites there against its own PostgreSQL,
# lighttpd, Apache and scheduler on other ports; then every log of that stack
# (the web servers' error logs carry the responders' stderr, the scheduler
# logs its own) is searched for a sanitizer report, and the stack is stopped.
# Left out: valgrind.sh (valgrind cannot run ASan binaries) and upgrade.sh
# (it builds the previous release's SQL with git, and _asan is no checkout;
# its only binary is doitong-admin migrate, which the stack runs anyway).
set -euo pipefail
top=${DOITONG_BUILD_DIR:?run me from make check}
# The outer make's command-line variables (TEST_LOGS...) must not leak in.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
build=$top/_asan
echo "1..3"
if [[ ! -x $build/doitong.fcgi || ! -f $build/Makefile ]]; then
	echo "Bail out! no ASan build in $build (tests/sanitize.sh makes it)"
	exit 1
fi
missing=''
for b in doitong.fcgi doitong-scheduler doitong-admin doitong; do
	[[ $(nm "$build/$b" 2>/dev/null | grep -c ' __asan_init') -gt 0 ]] || missing+=" $b"
done
if [[ -n $missing ]]; then
	echo "not ok 1 - the _asan binaries are instrumented (not:$missing)"
	exit 1
fi
echo "ok 1 - the _asan binaries are built with AddressSanitizer"

# Everything below (scripts/stack included) is the _asan tree's, not ours.
export DOITONG_SRC_DIR=$build DOITONG_BUILD_DIR=$build
export DOITONG_PG_PORT=55532 DOITONG_HTTP_PORT=8580 DOITONG_APACHE_PORT=8581 DOITONG_INSTALL_PORT=8595
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
# A stack left in _asan/.run by an earlier run (on whatever ports) goes first.
bash scripts/stack down >/dev/null 2>&1 || true
trap 'bash scripts/stack down >/dev/null 2>&1 || true' EXIT
suites=$(make -s -f Makefile -f - print-suites <<<'print-suites: ; @echo $(integration_tests) $(faults_tests)' | tr ' ' '\n' |
	grep -vxE 'tests/(faults/valgrind|integration/upgrade)\.sh' | xargs)
start=$SECONDS failed=0
if make -s check TESTS="$suites" >check-stack.out 2>&1; then
	echo "ok 2 - $(wc -w <<<"$suites") suites pass on the sanitized stack ($((SECONDS - start)) s)"
else
	grep -E '^(FAIL|ERROR):' check-stack.out | sed 's/^/#   /'
	for f in $(grep -E '^(FAIL|ERROR):' check-stack.out | sed 's/^[A-Z]*: //'); do
		grep -E '^not ok|Bail out' -A3 "${f%.sh}.log" 2>/dev/null | head -20 | sed 's/^/#   /' || true
	done
	echo "not ok 2 - the suites pass on the sanitized stack"
	failed=$((failed + 1))
fi
# Stopped first, so the responders exit and LeakSanitizer reports at exit.
bash scripts/stack down >/dev/null 2>&1 || true
reports=$(grep -rlE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' .run 2>/dev/null || true)
if [[ -z $reports ]]; then
	echo "ok 3 - no sanitizer report in the stack's logs ($(find .run -name '*.log' | wc -l) logs read)"
else
	for f in $reports; do
		echo "#   $f:"
		grep -E -m3 -A12 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" | sed 's/^/#     /'
	done
	echo "not ok 3 - no sanitizer report in the stack's logs"
	failed=$((failed + 1))
fi
echo "sanitize_stack: $((3 - failed)) passed, $failed failed"
exit "$((failed > 0))"
