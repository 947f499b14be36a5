/*
 * retry.h - when the client tries a request again, and how long it waits
 * first. Pure: the unit tests drive it with made-up outcomes.
 *
 * Network failures (refused, reset, timed out, nothing received) and HTTP
 * 502/503/504 back off 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s ... for at most
 * RETRY_MAX_TRIES tries; HTTP 429 (and 409 or 503 with Retry-After: an
 * idempotent request still running, a server asking for patience) waits the
 * server's Retry-After, bounded by RETRY_AFTER_MAX seconds.
 */
#ifndef DOITONG_CLIENT_RETRY_H
#define DOITONG_CLIENT_RETRY_H

#include <stdbool.h>

#define RETRY_MAX_TRIES 6        /* network failures and 5xx */
#define RETRY_MAX_WAITS 8        /* Retry-After waits (429, 409) */
#define RETRY_AFTER_MAX 120      /* seconds */
#define RETRY_AFTER_DEFAULT 1    /* seconds, when the header is absent or unreadable */

enum retry_kind {
	RETRY_NO,         /* a final answer, good or bad */
	RETRY_BACKOFF,    /* try again after retry_backoff_ms(attempt) */
	RETRY_AFTER       /* try again after the server's Retry-After */
};

/*
 * Classifies one attempt: curl_rc is the CURLcode of the transfer (0 when a
 * response arrived), http_status its status, has_retry_after whether the
 * response carried Retry-After.
 */
enum retry_kind retry_classify(int curl_rc, long http_status, bool has_retry_after);

/* The wait before try attempt + 1 (attempt counts from 0): 500 ms doubling,
 * at most 8000 ms. */
long retry_backoff_ms(int attempt);

/* The seconds of a Retry-After value (delta-seconds), clamped to
 * 1..RETRY_AFTER_MAX; RETRY_AFTER_DEFAULT when value is NULL or not a number
 * (an HTTP-date is not worth a clock comparison here). */
long retry_after_seconds(const char *value);

#endif
