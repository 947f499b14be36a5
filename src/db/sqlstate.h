/*
 * sqlstate.h - the only place that reads SQLSTATEs: maps them to api_err.
 * Our functions raise class QA (implementation-defined, unused by
 * PostgreSQL): QA400 invalid input, QA401 unauthenticated, QA402 insufficient
 * credits, QA404 not found, QA409 illegal transition or lost lease, QA422
 * idempotency conflict, QA423 idempotency in flight, QA429 rate limit,
 * QA503 provider unavailable.
 */
#ifndef DOITONG_SQLSTATE_H
#define DOITONG_SQLSTATE_H

#include <stdbool.h>

#include "common/err.h"

/* The API error for a SQLSTATE (5 characters). Unknown states are internal. */
enum api_err sqlstate_to_api_err(const char *state);

/* True when the function raised it on purpose and its message is client-safe. */
bool sqlstate_is_ours(const char *state);

/* True for states worth one retry: serialization failure, deadlock. */
bool sqlstate_is_retryable(const char *state);

/* True when the connection is gone (class 08, admin shutdown, crash). */
bool sqlstate_is_connection_loss(const char *state);

#endif
