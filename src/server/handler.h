/*
 * handler.h - answers one HTTP request end to end: read, authenticate,
 * execute, respond, log. Shared by the FastCGI loop and the CGI path.
 */
#ifndef DOITONG_SERVER_HANDLER_H
#define DOITONG_SERVER_HANDLER_H

#include <stddef.h>

#include "common/arena.h"
#include "common/config.h"
#include "common/counters.h"
#include "db/db.h"
#include "http/request.h"
#include "webhooks/secret.h"

struct server {
	struct config cfg;
	struct db *db;
	struct counters *counters; /* this pool's request counters (never NULL) */
	struct secret_key webhook_key; /* cfg.webhook_secret_key, parsed */
};

/* Answers the request from src; writes the serialized response with
 * write(ctx, bytes, len). Everything request-scoped comes from a. */
void handle_request(struct server *srv, struct arena *a, const struct http_source *src,
		    void (*write)(void *ctx, const char *bytes, size_t len), void *write_ctx);

#endif
