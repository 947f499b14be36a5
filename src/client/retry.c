/*
 * retry.c - the client's retry policy (see retry.h).
 */
#include "client/retry.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>

enum retry_kind retry_classify(int curl_rc, long http_status, bool has_retry_after)
{
	switch (curl_rc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return RETRY_BACKOFF;
	default:
		return RETRY_NO;
	}
	switch (http_status) {
	case 429:
		return RETRY_AFTER;
	case 409:
		return has_retry_after ? RETRY_AFTER : RETRY_NO;
	case 503:
		return has_retry_after ? RETRY_AFTER : RETRY_BACKOFF;
	case 502:
	case 504:
		return RETRY_BACKOFF;
	default:
		return RETRY_NO;
	}
}

long retry_backoff_ms(int attempt)
{
	long ms = 500;
	for (int i = 0; i < attempt && ms < 8000; i++)
		ms *= 2;
	return ms > 8000 ? 8000 : ms;
}

long retry_after_seconds(const char *value)
{
	if (!value)
		return RETRY_AFTER_DEFAULT;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!isdigit((unsigned char)*value))
		return RETRY_AFTER_DEFAULT;
	char *end;
	errno = 0;
	long s = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (errno || *end)
		return RETRY_AFTER_DEFAULT;
	if (s < 1)
		return 1;
	return s > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s;
}
