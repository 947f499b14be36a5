#!/usr/bin/env bash
# tests/integration/adapters_fake.sh [PROGRAM] - every video adapter and
# route (luma, runway, kling, minimax, wan, veo on the Gemini API and on
# Vertex AI, seedance, vidu, fal, replicate) end to end against
# tests/fakes/upstream.mjs: adapters_fake.c (or PROGRAM, e.g. adapters_media
# for the image, speech and avatar adapters) starts the fake on 127.0.0.1
# port 0 and stops it; the same through the scheduler is
# tests/integration/scheduler.sh. Needs node 20 and nothing else: no
# PostgreSQL, no web server. A missing node is a failure, not a skip.
set -euo pipefail
src=${DOITONG_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}
build=${DOITONG_BUILD_DIR:-$src}
if ! command -v "${NODE:-node}" >/dev/null; then
	echo "${1:-adapters_fake}: node (20 or later) is required" >&2
	exit 1
fi
exec timeout 120 "$build/tests/integration/${1:-adapters_fake}"
