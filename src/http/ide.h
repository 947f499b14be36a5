/*
 * ide.h - the in-browser IDE page: what a browser gets for GET /graphql with
 * Accept: text/html and no query. The page loads GraphiQL from this server's
 * /graphiql/ (static files installed by scripts/fetch-graphiql), never from
 * a CDN.
 */
#ifndef DOITONG_HTTP_IDE_H
#define DOITONG_HTTP_IDE_H

#include <stdbool.h>
#include <stddef.h>

/* True when a GET with this Accept header and query string should get the
 * page: text/html is acceptable and no `query` parameter was sent. */
bool ide_wanted(const char *method, const char *accept, const char *query_string);

/* The page (static, NUL-terminated). */
const char *ide_page(size_t *len);

/* The page's Content-Security-Policy: its own scripts and styles only, the
 * inline script allowed by its SHA-256, requests to this server only, no
 * framing. Computed once; static. */
const char *ide_csp(void);

#endif
