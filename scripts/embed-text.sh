#!/bin/sh
# embed-text.sh NAME FILE - prints a C file defining `const char NAME[]` with
# FILE's bytes and `const unsigned long NAME_len`. Used for schema.graphql.
set -eu
name=$1
file=$2
printf '/* Generated from %s by scripts/embed-text.sh; do not edit. */\n' "$(basename "$file")"
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
printf ';\nconst unsigned long %s_len = sizeof %s - 1;\n' "$name" "$name"
