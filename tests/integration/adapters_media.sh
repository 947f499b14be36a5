#!/usr/bin/env bash
# tests/integration/adapters_media.sh - the image, speech and avatar adapters
# end to end against the fake upstream (adapters_media.c), run as
# adapters_fake.sh runs the video ones.
exec bash "$(dirname "${BASH_SOURCE[0]}")/adapters_fake.sh" adapters_media
