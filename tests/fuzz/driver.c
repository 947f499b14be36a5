/*
 * driver.c - runs a libFuzzer-style target without libFuzzer, so the fuzz
 * targets run in every `make check` with gcc: each seed as it is, then
 * FUZZ_ITERATIONS (default 20000) deterministic mutations of the seeds
 * (FUZZ_SEED picks the sequence). Seeds are the built-in documents below
 * plus any files named on the command line. Prints one summary line.
 * With clang, the same targets link against -fsanitize=fuzzer instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const builtin_seeds[] = {
	"mutation Generate($input: GenerateInput!) { generate(input: $input) { id status type provider url metadata { duration resolution } creditCost estimatedTime } }",
	"mutation { generate(input: { type: VIDEO, input: { text: \"Epic dragon battle\" }, priority: QUALITY }) { id status provider creditCost } }",
	"query { generation(id: \"gen_abc123\") { status progress url error { code message } } }",
	"query GetGeneration($id: ID!) { generation(id: $id) { id status type provider url progress metadata { width height duration format } creditCost error errorCode createdAt completedAt } }",
	"mutation CancelGeneration($id: ID!) { cancelGeneration(id: $id) }",
	"query GetProviders($type: GenerationType!) { providers(type: $type) { id name description features limitations pricing { creditCost estimatedTime } options { name type required description allowedValues } } }",
	"mutation CreateVideo($input: VideoCreateInput!) { videoCreate(input: $input) { id status videoUrl } }",
	"query Q($w: Boolean = true) { a: generation(id: \"x\") { ...F ... on Generation { id @include(if: $w) } __typename } } fragment F on Generation { status }",
	"{ providers(type: AUDIO) { id options { default allowedValues } } } # comment\n",
	"query { s: generation(id: \"\"\"block\n  string\"\"\") { id } u: generation(id: \"\\u00e9\\uD83D\\uDE00\") { id } n: providers(type: null) { id } }",
};

static const char *const dictionary[] = {
	"{", "}", "(", ")", "[", "]", ":", "$", "!", "@", "...", "=", "|", "&", "\"", "\"\"\"", "\\u",
	"query", "mutation", "fragment F on Query", "on", "true", "null", "1e9", "-0", "12345678901",
	"@skip(if: true)", "@include(if: $x)", "__typename", "generation(id: \"x\")", "generate",
	"input: {", "type: VIDEO", "\xff", "\xc0\xaf", "\xed\xa0\x80", "#", "\n", "\r\n", ",",
	"$input: GenerateInput!", "...F", "extend type Query { a: Int }", "schema { query: Q }",
};

static uint64_t rng_state;

static uint64_t next_random(void)
{
	/* xorshift64*: deterministic for a given FUZZ_SEED */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t mutate(unsigned char *buf, size_t len, size_t cap)
{
	int rounds = 1 + (int)(next_random() % 4);
	for (int r = 0; r < rounds; r++) {
		size_t pos = len ? next_random() % (len + 1) : 0;
		switch (next_random() % 5) {
		case 0: /* flip a byte */
			if (len)
				buf[pos % len] ^= (unsigned char)(1u << (next_random() % 8));
			break;
		case 1: { /* insert a dictionary word */
			const char *w = dictionary[next_random() % (sizeof dictionary / sizeof dictionary[0])];
			size_t wl = strlen(w);
			if (len + wl <= cap) {
				memmove(buf + pos + wl, buf + pos, len - pos);
				memcpy(buf + pos, w, wl);
				len += wl;
			}
			break;
		}
		case 2: { /* delete a range */
			size_t n = len - pos ? next_random() % (len - pos + 1) : 0;
			if (n > 16)
				n = 16;
			memmove(buf + pos, buf + pos + n, len - pos - n);
			len -= n;
			break;
		}
		case 3: { /* duplicate a range (grows nesting) */
			size_t n = len - pos ? 1 + next_random() % (len - pos) : 0;
			if (n > 64)
				n = 64;
			if (len + n <= cap) {
				memmove(buf + pos + n, buf + pos, len - pos);
				len += n;
			}
			break;
		}
		default: /* random byte */
			if (len)
				buf[pos % len] = (unsigned char)next_random();
			break;
		}
	}
	return len;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *it = getenv("FUZZ_ITERATIONS");
	const char *seed = getenv("FUZZ_SEED");
	long iterations = it ? strtol(it, NULL, 10) : 20000;
	rng_state = seed ? strtoull(seed, NULL, 10) | 1 : 0x9E3779B97F4A7C15ULL;

	size_t nseeds = sizeof builtin_seeds / sizeof builtin_seeds[0] + (size_t)(argc - 1);
	unsigned char **seeds = calloc(nseeds, sizeof *seeds);
	size_t *lens = calloc(nseeds, sizeof *lens);
	size_t n = 0;
	for (size_t i = 0; i < sizeof builtin_seeds / sizeof builtin_seeds[0]; i++) {
		lens[n] = strlen(builtin_seeds[i]);
		seeds[n] = (unsigned char *)strdup(builtin_seeds[i]);
		n++;
	}
	for (int i = 1; i < argc; i++) {
		seeds[n] = read_file(argv[i], &lens[n]);
		if (seeds[n])
			n++;
	}
	for (size_t i = 0; i < n; i++)
		LLVMFuzzerTestOneInput(seeds[i], lens[i]);

	enum { CAP = 8192 };
	unsigned char *buf = malloc(CAP);
	for (long i = 0; i < iterations; i++) {
		size_t k = next_random() % n;
		size_t len = lens[k] < CAP ? lens[k] : CAP;
		memcpy(buf, seeds[k], len);
		len = mutate(buf, len, CAP);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%s: %zu seeds, %ld mutated inputs, no crash\n", argv[0], n, iterations);
	printf("%ld passed, 0 failed\n", (long)n + iterations);
	free(buf);
	for (size_t i = 0; i < n; i++)
		free(seeds[i]);
	free(seeds);
	free(lens);
	return 0;
}
