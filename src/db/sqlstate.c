/*
 * sqlstate.c - SQLSTATE to api_err (see sqlstate.h).
 */
#include "db/sqlstate.h"

#include <string.h>

static const struct {
	const char *state;
	enum api_err err;
} ours[] = {
	{ "QA400", API_ERR_INVALID_INPUT },
	{ "QA401", API_ERR_UNAUTHENTICATED },
	{ "QA402", API_ERR_INSUFFICIENT_CREDITS },
	{ "QA403", API_ERR_FORBIDDEN },
	{ "QA404", API_ERR_NOT_FOUND },
	{ "QA409", API_ERR_INTERNAL },
	{ "QA422", API_ERR_IDEMPOTENCY_CONFLICT },
	{ "QA423", API_ERR_IDEMPOTENCY_IN_FLIGHT },
	{ "QA429", API_ERR_RATE_LIMIT },
	{ "QA503", API_ERR_PROVIDER_UNAVAILABLE },
};

enum api_err sqlstate_to_api_err(const char *state)
{
	if (!state)
		return API_ERR_INTERNAL;
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (!strcmp(ours[i].state, state))
			return ours[i].err;
	if (sqlstate_is_connection_loss(state))
		return API_ERR_UNAVAILABLE;
	return API_ERR_INTERNAL;
}

bool sqlstate_is_ours(const char *state)
{
	return state && state[0] == 'Q' && state[1] == 'A';
}

bool sqlstate_is_retryable(const char *state)
{
	return state && (!strcmp(state, "40001") || !strcmp(state, "40P01"));
}

bool sqlstate_is_connection_loss(const char *state)
{
	if (!state)
		return false;
	return !strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
	       !strcmp(state, "57P02") || !strcmp(state, "57P03");
}
