#!/usr/bin/env bash
# sanitize.sh - builds the tree again with AddressSanitizer and UBSan in
# $DOITONG_BUILD_DIR/_asan (a copy made with `make distdir`, since an in-tree
# configured source cannot host a second build) and runs the unit tests and
# the fuzz targets there
# (40,000 mutated inputs each), so every `make check` also runs them under
# the sanitizers. Leaks count as failures (LeakSanitizer).
set -euo pipefail
top=${DOITONG_BUILD_DIR:?run me from make check}
# The outer make passes its command-line variables (TEST_LOGS among them)
# through MAKEFLAGS; the sanitizer build must not inherit them.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
build=$top/_asan
rm -rf "$build"
make -s -C "$top" distdir distdir="$build" >/dev/null
cd "$build"
./configure -q --enable-asan >configure.out 2>&1 || { cat configure.out; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export FUZZ_ITERATIONS=${FUZZ_ITERATIONS:-40000}
if make -s -j2 check-unit >check.out 2>&1; then
	grep -E '^# (TOTAL|PASS|FAIL)' check.out | sed 's/^/sanitizers /'
	total=$(sed -n 's/^# TOTAL: *//p' check.out)
	echo "sanitizers: ${total:-0} passed, 0 failed"
else
	cat check.out
	grep -rlE 'FAIL|ERROR|Sanitizer' --include='*.log' tests | while IFS= read -r f; do tail -n 40 "$f"; done
	echo "sanitizers: 0 passed, 1 failed"
	exit 1
fi
