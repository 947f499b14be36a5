#!/usr/bin/env bash
# tests/fuzz/libfuzzer.sh - the coverage-guided run of issue #3: builds the
# two fuzz targets (fuzz_parser: lexer + parser; fuzz_exec: the whole engine,
# parse, validate, coerce, execute, with a fake database) with clang's
# libFuzzer, AddressSanitizer and UBSan, and runs each for FUZZ_SECONDS
# (default 30) from the seed corpus in tests/fuzz/corpus. A crash, a
# sanitizer report, a leak or a time-out fails the suite and leaves the
# input under $DOITONG_BUILD_DIR/_libfuzzer.
set -euo pipefail
src=${DOITONG_SRC_DIR:?run me from make check}
build=${DOITONG_BUILD_DIR:?run me from make check}
out=$build/_libfuzzer
seconds=${FUZZ_SECONDS:-30}
command -v clang >/dev/null || { echo "libfuzzer: clang is missing (Debian: clang)"; echo "libfuzzer: 0 passed, 1 failed"; exit 1; }
mkdir -p "$out"
cflags=(-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I"$src/src" -I"$build/src" -DSRCDIR="\"$src\"")
# shellcheck disable=SC2207 # (pkg-config's flags are words)
deps=($(pkg-config --cflags --libs jansson libpq libcrypto nettle libcurl))
# The engine's sources, plus the generated embedded-schema files (which sit
# among the sources in an in-tree build: count each file once).
declare -A seen=()
engine=()
for f in "$src"/src/graphql/*.c "$src"/src/common/*.c "$src"/src/db/*.c "$src"/src/outbound/*.c \
	"$src"/src/webhooks/secret.c \
	"$build"/src/graphql/*_sdl.c; do
	real=$(realpath "$f")
	[[ -n ${seen[$real]:-} ]] && continue
	seen[$real]=1
	engine+=("$real")
done
passed=0 failed=0
for target in fuzz_parser fuzz_exec; do
	wrap=()
	[[ $target == fuzz_exec ]] && wrap=(-Wl,--wrap=db_call)
	if ! clang "${cflags[@]}" -o "$out/$target" "$src/tests/fuzz/$target.c" "${engine[@]}" "${wrap[@]}" "${deps[@]}" -lm \
		>"$out/$target.build.log" 2>&1; then
		cat "$out/$target.build.log"
		failed=$((failed + 1))
		continue
	fi
	corpus=$out/$target.corpus
	mkdir -p "$corpus"
	cp "$src"/tests/fuzz/corpus/* "$corpus/"
	# A fixed seed makes each run of the suite explore the same way: a finding
	# is reproducible, and CI does not turn red by luck (FUZZ_SEED=0: random).
	if (cd "$out" && ASAN_OPTIONS=detect_leaks=1 timeout $((seconds + 60)) "./$target" -max_total_time="$seconds" \
		-seed="${FUZZ_SEED:-1}" \
		-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$target.log" 2>&1); then
		echo "ok - $target: $(grep -m1 -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/$target.log" || echo ran)"
		passed=$((passed + 1))
	else
		tail -n 40 "$out/$target.log"
		echo "not ok - $target: crash or report; inputs in $out"
		failed=$((failed + 1))
	fi
done
echo "libfuzzer: $passed passed, $failed failed"
((failed == 0))
