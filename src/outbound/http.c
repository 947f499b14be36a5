/*
 * http.c - the outbound HTTP client (see http.h). One libcurl easy handle per
 * client, reset and fully configured again for every request, so no option of
 * one request (method, body, headers) leaks into the next while the handle's
 * connection cache survives and keeps connections alive. The address guard
 * runs in the open-socket callback on the address curl is about to connect
 * to, after name resolution; the URL check before the transfer only refuses
 * early what the guard would refuse anyway. Bodies go to a malloc buffer
 * (copied into the caller's arena at the end) or to save_fd, under one cap.
 */
#include "outbound/http.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/util.h"
#include "outbound/addr_guard.h"

/* From AM_CPPFLAGS; builds outside automake (the libFuzzer script) get a
 * placeholder, since they never send a request. */
#ifndef DOITONG_VERSION
#define DOITONG_VERSION "unknown"
#endif

#define DEFAULT_TIMEOUT_MS 10000L
#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_MAX_RESPONSE ((size_t)1 << 20)
#define RETRY_AFTER_MAX 86400
#define USER_AGENT "doitong/" DOITONG_VERSION

struct http_client {
	CURL *curl;
	bool used;                     /* a request ran, so policy is meaningful */
	struct outbound_policy policy; /* the one curl's cached connections passed */
};

/* One transfer, as the callbacks see it. */
struct xfer {
	struct outbound_policy policy;
	size_t max;                  /* body cap */
	int save_fd;                 /* >= 0: stream the body here */
	char *buf;                   /* the body in memory (save_fd < 0) */
	size_t cap;
	size_t received;             /* body bytes accepted, in memory or written */
	bool too_large;
	int write_errno;             /* write(save_fd) failed with this */
	int opened;                  /* sockets the guard let curl open */
	int refused;                 /* addresses the guard refused */
	enum addr_verdict refused_verdict;
	int retry_after;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct http_client *http_client_new(void)
{
	pthread_once(&global_once, global_init);
	/* curl_global_init fails only on OOM or a broken TLS library: either
	 * way no outbound request could ever work. */
	if (global_rc != CURLE_OK)
		oom_abort();
	struct http_client *c = xcalloc(1, sizeof *c);
	c->curl = curl_easy_init();
	if (!c->curl)
		oom_abort();
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

struct outbound_policy outbound_policy_of(bool allow_private, bool allow_loopback)
{
	struct outbound_policy p = { allow_private || allow_loopback, allow_loopback, allow_private };
	return p;
}

const char *http_fail_name(enum http_fail f)
{
	switch (f) {
	case HTTP_FAIL_NONE:
		return "none";
	case HTTP_FAIL_URL:
		return "url";
	case HTTP_FAIL_BLOCKED:
		return "blocked";
	case HTTP_FAIL_DNS:
		return "dns";
	case HTTP_FAIL_CONNECT:
		return "connect";
	case HTTP_FAIL_TIMEOUT:
		return "timeout";
	case HTTP_FAIL_TOO_LARGE:
		return "too-large";
	case HTTP_FAIL_NETWORK:
		return "network";
	case HTTP_FAIL_WRITE:
		return "write";
	}
	return "unknown";
}

/* ---- callbacks --------------------------------------------------------- */

/*
 * The guard. curl's curl_sockaddr is really its Curl_sockaddr_ex, whose addr
 * is a union with a sockaddr storage; addrlen says how much of it is valid,
 * so copy that much (and no more than a sockaddr_storage) before
 * classifying. Sockets are opened close-on-exec: providers spawn children.
 */
static curl_socket_t open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = ud;
	enum addr_verdict v = ADDR_BAD_FAMILY;
	struct sockaddr_storage ss;
	if (purpose == CURLSOCKTYPE_IPCXN && a->addrlen <= sizeof ss) {
		memset(&ss, 0, sizeof ss);
		memcpy(&ss, (const char *)a + offsetof(struct curl_sockaddr, addr), a->addrlen);
		if ((ss.ss_family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in)) ||
		    (ss.ss_family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6)))
			v = addr_classify((const struct sockaddr *)&ss);
	}
	if (!addr_verdict_allowed_lo(v, x->policy.allow_loopback, x->policy.allow_private)) {
		x->refused++;
		x->refused_verdict = v;
		return CURL_SOCKET_BAD;
	}
	curl_socket_t s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (s != CURL_SOCKET_BAD)
		x->opened++;
	return s;
}

/* Writes all n bytes, retrying short writes and EINTR. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returning less than n makes curl stop with CURLE_WRITE_ERROR; the flags
 * say which of ours it was. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	if (n > x->max - x->received) {
		x->too_large = true;
		return 0;
	}
	if (x->save_fd >= 0) {
		if (write_all(x->save_fd, p, n) < 0) {
			x->write_errno = errno ? errno : EIO;
			return 0;
		}
	} else {
		if (x->received + n + 1 > x->cap) {
			size_t cap = x->cap ? x->cap : 4096;
			while (cap < x->received + n + 1)
				cap *= 2;
			x->buf = xrealloc(x->buf, cap);
			x->cap = cap;
		}
		memcpy(x->buf + x->received, p, n);
	}
	x->received += n;
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Retry-After: delta-seconds or an HTTP-date, clamped to 0..RETRY_AFTER_MAX;
 * -1 when unparsable (treated as absent). */
static int parse_retry_after(const char *v, size_t n)
{
	while (n > 0 && is_space(v[0])) {
		v++;
		n--;
	}
	while (n > 0 && is_space(v[n - 1]))
		n--;
	if (n == 0)
		return -1;
	size_t i = 0;
	long secs = 0;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		if (secs <= RETRY_AFTER_MAX)
			secs = secs * 10 + (v[i] - '0');
	if (i == n)
		return secs > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int)secs;
	char date[64];
	if (n >= sizeof date)
		return -1;
	memcpy(date, v, n);
	date[n] = '\0';
	time_t t = curl_getdate(date, NULL);
	if (t == (time_t)-1)
		return -1;
	double d = difftime(t, time(NULL));
	if (d <= 0)
		return 0;
	return d >= RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int)d;
}

/* Header lines of every response curl sees; a status line starts a new one
 * (after a 1xx), so only the final response's Retry-After counts. */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	static const char ra[] = "Retry-After:";
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0)
		x->retry_after = -1;
	else if (n >= sizeof ra - 1 && strncasecmp(p, ra, sizeof ra - 1) == 0)
		x->retry_after = parse_retry_after(p + sizeof ra - 1, n - (sizeof ra - 1));
	return n;
}

/* ---- request ----------------------------------------------------------- */

static int fail(struct http_response *resp, enum http_fail f, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int fail(struct http_response *resp, enum http_fail f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(resp->error, sizeof resp->error, fmt, ap);
	va_end(ap);
	resp->fail = f;
	return -1;
}

/* RFC 9110 token characters, for the method. */
static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
			return false;
	}
	return true;
}

static bool has_header(const char *const *h, const char *name)
{
	size_t n = strlen(name);
	for (; h && *h; h++)
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
			return true;
	return false;
}

static struct curl_slist *append(struct curl_slist *l, const char *h)
{
	struct curl_slist *n = curl_slist_append(l, h);
	if (!n)
		oom_abort();
	return n;
}

/*
 * The request header list. curl's own defaults that would change what is
 * sent are switched off with an empty "Name:": "Expect: 100-continue"
 * (a second round trip, and servers that never answer it) and, for a body
 * without a Content-Type of the caller's, curl's form-urlencoded label.
 */
static struct curl_slist *build_headers(const struct http_request *req, bool body)
{
	struct curl_slist *l = NULL;
	for (const char *const *h = req->headers; h && *h; h++)
		l = append(l, *h);
	if (!has_header(req->headers, "Expect"))
		l = append(l, "Expect:");
	if (body && !has_header(req->headers, "Content-Type"))
		l = append(l, "Content-Type:");
	return l;
}

/* A header with a line break would smuggle extra headers or a request. */
static bool headers_clean(const char *const *h)
{
	for (; h && *h; h++)
		if (strpbrk(*h, "\r\n") || !strchr(*h, ':'))
			return false;
	return true;
}

/* curl_easy_setopt on the client's handle; a refused option fails the
 * request rather than sending it without, say, the protocol restriction. */
#define SET(opt, val)                                                   \
	do {                                                            \
		CURLcode set_rc_ = curl_easy_setopt(curl, opt, val);    \
		if (set_rc_ == CURLE_OUT_OF_MEMORY)                     \
			oom_abort();                                    \
		if (set_rc_ != CURLE_OK) {                              \
			bad_opt = #opt;                                 \
			goto done;                                      \
		}                                                       \
	} while (0)

/* Sets every option of one transfer; returns NULL or the option curl refused. */
static const char *configure(CURL *curl, const struct http_request *req, struct xfer *x,
			     struct curl_slist *headers, char *errbuf, long timeout_ms,
			     long connect_ms)
{
	const char *bad_opt = NULL;
	const char *method = req->method ? req->method : "GET";
	size_t body_len = req->body ? req->body_len : 0;

	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_USERAGENT, USER_AGENT);
	SET(CURLOPT_HTTP_CONTENT_DECODING, 0L);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_OPENSOCKETFUNCTION, open_socket);
	SET(CURLOPT_OPENSOCKETDATA, x);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_HTTPHEADER, headers);

	if (strcmp(method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
	} else {
		/* Refuses early a declared Content-Length over the cap; on_body
		 * enforces it for chunked and close-delimited bodies. */
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
		if (strcmp(method, "POST") == 0 || body_len > 0) {
			SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
			SET(CURLOPT_POSTFIELDS, body_len ? req->body : "");
			if (strcmp(method, "POST") != 0)
				SET(CURLOPT_CUSTOMREQUEST, method);
		} else {
			SET(CURLOPT_HTTPGET, 1L);
			if (strcmp(method, "GET") != 0)
				SET(CURLOPT_CUSTOMREQUEST, method);
		}
	}
done:
	return bad_opt;
}

#undef SET

static bool tls_error(CURLcode rc)
{
	return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
	       rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CIPHER ||
	       rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ISSUER_ERROR ||
	       rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || rc == CURLE_SSL_INVALIDCERTSTATUS;
}

/*
 * Maps a failed transfer to its kind and reason. CURLcode grows with
 * libcurl, so this is an if-chain. The reason never quotes the URL: curl's
 * error buffer is used only for TLS failures, where it names the
 * certificate problem (and at most the host).
 */
static int classify(struct http_response *resp, CURLcode rc, const struct xfer *x,
		    const char *errbuf, long os_errno, long timeout_ms, long connect_ms)
{
	if (rc == CURLE_OUT_OF_MEMORY)
		oom_abort();
	if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return fail(resp, HTTP_FAIL_TOO_LARGE, "the response is larger than %zu bytes",
			    x->max);
	if (x->write_errno)
		return fail(resp, HTTP_FAIL_WRITE, "writing the response failed: %s",
			    strerror(x->write_errno));
	if (rc == CURLE_COULDNT_RESOLVE_HOST)
		return fail(resp, HTTP_FAIL_DNS, "the host name did not resolve");
	if (rc == CURLE_COULDNT_CONNECT) {
		if (x->refused > 0 && x->opened == 0)
			return fail(resp, HTTP_FAIL_BLOCKED,
				    "address refused by the outbound guard (%s)",
				    addr_verdict_name(x->refused_verdict));
		if (os_errno == ECONNREFUSED)
			return fail(resp, HTTP_FAIL_CONNECT, "connection refused");
		if (os_errno)
			return fail(resp, HTTP_FAIL_CONNECT, "could not connect (%s)",
				    strerror((int)os_errno));
		return fail(resp, HTTP_FAIL_CONNECT, "could not connect");
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		if (!resp->request_sent && connect_ms < timeout_ms && resp->elapsed_ms < timeout_ms)
			return fail(resp, HTTP_FAIL_TIMEOUT, "connecting timed out after %ld ms",
				    connect_ms);
		return fail(resp, HTTP_FAIL_TIMEOUT, "timed out after %ld ms%s", timeout_ms,
			    !resp->request_sent ? " before the request was sent"
			    : resp->status ? " receiving the response"
			    : " waiting for the response");
	}
	if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
		return fail(resp, HTTP_FAIL_URL, "URL refused by libcurl: %s",
			    curl_easy_strerror(rc));
	if (tls_error(rc) && errbuf[0])
		return fail(resp, HTTP_FAIL_NETWORK, "TLS: %s", errbuf);
	if (os_errno)
		return fail(resp, HTTP_FAIL_NETWORK, "%s (%s)", curl_easy_strerror(rc),
			    strerror((int)os_errno));
	return fail(resp, HTTP_FAIL_NETWORK, "%s", curl_easy_strerror(rc));
}

static bool same_policy(const struct outbound_policy *a, const struct outbound_policy *b)
{
	return a->allow_http == b->allow_http && a->allow_loopback == b->allow_loopback &&
	       a->allow_private == b->allow_private;
}

/* Runs the transfer on a checked request and fills resp; returns 0 or -1. */
static int transfer(struct http_client *c, struct arena *arena, const struct http_request *req,
		    struct http_response *resp, long long start)
{
	long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
						     : DEFAULT_CONNECT_TIMEOUT_MS;
	const char *method = req->method ? req->method : "GET";

	if (c->used && !same_policy(&c->policy, &req->policy)) {
		curl_easy_cleanup(c->curl);
		c->curl = curl_easy_init();
		if (!c->curl)
			oom_abort();
	} else {
		curl_easy_reset(c->curl);
	}
	c->used = true;
	c->policy = req->policy;

	struct xfer x = {
		.policy = req->policy,
		.max = req->max_response_bytes ? req->max_response_bytes : DEFAULT_MAX_RESPONSE,
		.save_fd = req->save_fd,
		.retry_after = -1,
	};
	bool body = strcmp(method, "POST") == 0 || (req->body && req->body_len > 0);
	struct curl_slist *headers = build_headers(req, body);
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *bad_opt = configure(c->curl, req, &x, headers, errbuf, timeout_ms, connect_ms);
	CURLcode rc = CURLE_OK;
	if (!bad_opt)
		rc = curl_easy_perform(c->curl);
	/* The handle keeps pointers to these until the next reset. */
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, (char *)NULL);
	curl_slist_free_all(headers);

	long status = 0, sent = 0, os_errno = 0;
	char *ctype = NULL;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->curl, CURLINFO_REQUEST_SIZE, &sent);
	curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(c->curl, CURLINFO_CONTENT_TYPE, &ctype);
	char *location = NULL;
	if (status >= 300 && status < 400)
		curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL, &location);
	if (location)
		resp->location = arena_strdup(arena, location);
	resp->status = status;
	resp->request_sent = sent > 0;
	resp->body_len = x.received;
	resp->retry_after_seconds = x.retry_after;
	if (ctype)
		resp->content_type = arena_strdup(arena, ctype);
	resp->elapsed_ms = (long)(monotonic_ms() - start);

	int rv = 0;
	if (bad_opt)
		rv = fail(resp, HTTP_FAIL_NETWORK, "libcurl refused %s", bad_opt);
	else if (rc != CURLE_OK)
		rv = classify(resp, rc, &x, errbuf, os_errno, timeout_ms, connect_ms);
	else if (x.save_fd < 0 && x.received > 0)
		resp->body = arena_strndup(arena, x.buf, x.received);
	free(x.buf);
	return rv;
}

/*
 * Performs one request (contract in http.h). Decisions:
 * - The URL is checked first with addr_url_check_lo (the loopback exception
 *   admits 127/8, ::1 and localhost names, never 10/8 and the like); a bad
 *   method or a header with a line break fails as HTTP_FAIL_URL too: nothing
 *   is sent for any of them.
 * - request_sent is CURLINFO_REQUEST_SIZE > 0: curl adds to it only the
 *   bytes the socket (or TLS layer) accepted, so it is false when connecting
 *   failed or the guard refused and true once any header byte went out,
 *   including when a dead kept-alive connection made curl retry. Over
 *   HTTP/2 it counts bytes handed to the framing layer: it errs towards
 *   "sent", the safe side for deciding that a submit's outcome is unknown.
 * - Connections in curl's cache were checked under the policy of the
 *   request that opened them; when the policy changes the handle is
 *   replaced, so no connection outlives the policy that admitted it.
 * - status is set whenever a status line arrived, also with a later failure
 *   (TOO_LARGE after the headers of a 200); body stays "" on failure.
 */
/* One hop: the checks, then the transfer. */
static int one_hop(struct http_client *c, struct arena *arena, const struct http_request *req,
		   struct http_response *resp, long long start)
{
	memset(resp, 0, sizeof *resp);
	resp->retry_after_seconds = -1;
	resp->body = arena_strndup(arena, "", 0);
	const struct outbound_policy *pol = &req->policy;
	char why[160];
	if (addr_url_check_lo(req->url, pol->allow_http, pol->allow_loopback, pol->allow_private,
			      why, sizeof why) != ADDR_URL_OK)
		return fail(resp, HTTP_FAIL_URL, "URL refused: %s", why);
	if (!is_token(req->method ? req->method : "GET"))
		return fail(resp, HTTP_FAIL_URL, "bad request method");
	if (!headers_clean(req->headers))
		return fail(resp, HTTP_FAIL_URL, "a request header is not one \"Name: value\" line");
	return transfer(c, arena, req, resp, start);
}

/* Scheme, host and port of url, lowercase, in out; false when it does not
 * parse. */
static bool origin_of(const char *url, char *out, size_t outlen)
{
	CURLU *u = curl_url();
	if (!u)
		oom_abort();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	if (ok) {
		int n = snprintf(out, outlen, "%s://%s:%s", scheme, host, port);
		ok = n > 0 && (size_t)n < outlen;
		for (char *p = out; ok && *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Empties save_fd after a redirect's body. */
static bool rewind_fd(int fd)
{
	return fd < 0 || (ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
}

int http_request(struct http_client *c, struct arena *arena, const struct http_request *req,
		 struct http_response *resp)
{
	long long start = monotonic_ms();
	long total_ms = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	struct http_request hop = *req;
	char first[512] = "", here[512];
	int rv = one_hop(c, arena, &hop, resp, start);
	for (int n = 0; rv == 0 && is_redirect(resp->status) && resp->location &&
			n < req->max_redirects; n++) {
		long left = total_ms - (long)(monotonic_ms() - start);
		if (left <= 0) {
			rv = fail(resp, HTTP_FAIL_TIMEOUT, "timed out after %ld ms following redirects",
				  total_ms);
			break;
		}
		if (!rewind_fd(req->save_fd)) {
			rv = fail(resp, HTTP_FAIL_WRITE, "writing the response failed: %s",
				  strerror(errno));
			break;
		}
		if (!first[0] && !origin_of(req->url, first, sizeof first))
			first[0] = '\0';
		/* Keys go to the origin they were meant for, nowhere else. */
		if (hop.headers && (!origin_of(resp->location, here, sizeof here) || strcmp(first, here)))
			hop.headers = NULL;
		const char *m = hop.method ? hop.method : "GET";
		if (resp->status == 303 || (strcmp(m, "POST") == 0 && resp->status <= 302)) {
			hop.method = "GET";
			hop.body = NULL;
			hop.body_len = 0;
		}
		hop.url = resp->location;
		hop.timeout_ms = left;
		rv = one_hop(c, arena, &hop, resp, start);
		resp->redirects = n + 1;
	}
	resp->elapsed_ms = (long)(monotonic_ms() - start);
	return rv;
}
