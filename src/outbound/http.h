/*
 * http.h - the one outbound HTTP client: webhook deliveries and upstream
 * provider calls both go through here, so the address guard, the time-outs,
 * the size caps and the no-redirect rule hold for every byte we send out.
 *
 * A client wraps one libcurl easy handle and is reused for many requests so
 * connections to the same host are kept alive. Every connection is checked
 * with addr_allowed() (plus the loopback exception) on the address actually
 * connected to, in CURLOPT_OPENSOCKETFUNCTION; proxies from the environment
 * are ignored (a proxy would hide the real address); only http and https are
 * spoken; redirects are followed only when the request asks for it
 * (max_redirects: result downloads), each hop checked like the first, and
 * the caller's headers (API keys) are sent only to the first URL's origin.
 * Nothing here logs; error texts name no secret and no URL query.
 */
#ifndef DOITONG_OUTBOUND_HTTP_H
#define DOITONG_OUTBOUND_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"

/* Where outbound requests may go (SPEC §9). The default (all false) is the
 * production guard: https only, globally reachable addresses only. */
struct outbound_policy {
	bool allow_http;      /* plain http URLs */
	bool allow_loopback;  /* 127.0.0.0/8 and ::1 (the test stack, for 127.0.0.1 only) */
	bool allow_private;   /* loopback, private and link-local: the operator's switch */
};

/* The policy the operator's two settings give (webhook_allow_private,
 * outbound_allow_loopback): the one rule for webhooks, upstream calls,
 * downloads and URLs checked at acceptance. */
struct outbound_policy outbound_policy_of(bool allow_private, bool allow_loopback);

enum http_fail {
	HTTP_FAIL_NONE = 0,   /* a response arrived: see status */
	HTTP_FAIL_URL,        /* malformed URL, scheme refused, userinfo, ...; also a
	                         bad method or a header with a line break */
	HTTP_FAIL_BLOCKED,    /* the address guard refused every address of the host */
	HTTP_FAIL_DNS,        /* the name did not resolve */
	HTTP_FAIL_CONNECT,    /* refused or unreachable: nothing was sent */
	HTTP_FAIL_TIMEOUT,    /* connect or transfer time-out */
	HTTP_FAIL_TOO_LARGE,  /* the response body exceeded max_response_bytes */
	HTTP_FAIL_NETWORK,    /* reset, TLS failure, malformed HTTP after connecting */
	HTTP_FAIL_WRITE,      /* writing save_fd failed (disk full, ...) */
};

struct http_request {
	const char *method;              /* "GET", "POST", "DELETE", ...; NULL = GET */
	const char *url;
	const char *const *headers;      /* "Name: value" strings, NULL-terminated, or NULL */
	const char *body;                /* sent as is; NULL with body_len 0 for none */
	size_t body_len;
	long timeout_ms;                 /* whole exchange; 0 = 10000 */
	long connect_timeout_ms;         /* 0 = 5000 */
	size_t max_response_bytes;       /* 0 = 1 MiB; over it -> HTTP_FAIL_TOO_LARGE */
	int save_fd;                     /* >= 0: the body is streamed into this fd
	                                    (downloads) instead of memory; -1 otherwise;
	                                    a redirect's body is truncated away */
	struct outbound_policy policy;
	int max_redirects;               /* 3xx with Location followed at most this many
	                                    times (0: none, the 3xx is the answer). Each
	                                    hop passes the URL check and the address guard
	                                    under policy; headers go only to hops with the
	                                    first URL's scheme, host and port; 303 (and
	                                    301/302 after a POST) continue as GET without
	                                    body; the time-out covers all hops */
};

struct http_response {
	long status;                     /* HTTP status, 0 when no response; also set
	                                    when a failure (too-large, ...) came after
	                                    the status line */
	enum http_fail fail;
	bool request_sent;               /* some request bytes were sent: a submit's
	                                    outcome is unknown after a later failure */
	char *body;                      /* arena copy, NUL-terminated ("" when none or saved) */
	size_t body_len;                 /* bytes received (also when saved to save_fd) */
	const char *content_type;        /* arena copy of Content-Type, or NULL */
	int retry_after_seconds;         /* Retry-After (delta-seconds or HTTP-date), else -1 */
	const char *location;            /* a 3xx's absolute Location (arena), else NULL */
	int redirects;                   /* redirects followed */
	long elapsed_ms;
	char error[200];                 /* short English reason when fail != NONE, else "" */
};

struct http_client;

/* A new client (curl_global_init is done once, on first use). Aborts on OOM. */
struct http_client *http_client_new(void);
void http_client_free(struct http_client *c);

/*
 * Performs one request. Returns 0 when a response (any status) arrived, -1
 * otherwise with resp->fail and resp->error set. Response strings are
 * allocated in arena.
 */
int http_request(struct http_client *c, struct arena *arena, const struct http_request *req,
		 struct http_response *resp) NONNULL(1, 2, 3, 4);

/* Static lowercase name of a failure kind ("timeout"), for logs and attempts. */
const char *http_fail_name(enum http_fail f);

#endif
