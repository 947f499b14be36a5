/*
 * test_http.c - the outbound HTTP client against a scripted HTTP/1.1 server
 * on 127.0.0.1 (a pthread; port 0, read back with getsockname): bodies,
 * Retry-After, no redirects, the size cap in memory and into save_fd,
 * time-outs, refused and reset connections and request_sent, exact POST
 * bytes and headers, method reset between requests on one handle,
 * keep-alive reuse, and the address guard with the loopback exception.
 * Every wait is bounded: the server polls with a deadline, the client has
 * time-outs of at most 2 s. Nothing leaves the loopback interface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/util.h"
#include "outbound/addr_guard.h"
#include "outbound/http.h"

/* ---- the scripted server ----------------------------------------------- */

#define MAX_CONNS 8
#define MAX_REQS 8
#define CONN_BUF 16384
#define SERVER_LIFETIME_MS 10000

enum action {
	ACT_RESPOND,       /* send the response, keep the connection open */
	ACT_RESPOND_CLOSE, /* send the response, then close */
	ACT_SILENT,        /* read the request, never answer */
	ACT_RESET,         /* read the request, then reset the connection */
};

struct captured {
	char head[4096]; /* request line and headers, NUL-terminated */
	char body[4096];
	size_t body_len;
};

struct conn {
	int fd;
	size_t len;
	char buf[CONN_BUF];
};

struct server {
	int lfd;
	int port;
	int stop[2];
	pthread_t th;
	bool running;
	enum action action;
	char *response;
	size_t response_len;
	/* Written by the thread, read by the test after server_stop (join). */
	int accepts;
	int nreq;
	struct captured req[MAX_REQS];
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the client gave up (cap reached): fine */
		p += w;
		n -= (size_t)w;
	}
}

/* Content-Length of a request head, 0 when absent. */
static size_t content_length(const char *head)
{
	const char *p = strcasestr(head, "\r\ncontent-length:");
	return p ? strtoul(p + 17, NULL, 10) : 0;
}

/* Handles every complete request in c->buf; returns false when the
 * connection is to be closed (already closed when reset). */
static bool handle_requests(struct server *s, struct conn *c)
{
	for (;;) {
		char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (!end)
			return true;
		size_t head_len = (size_t)(end - c->buf) + 4;
		char head[4096];
		size_t hl = head_len < sizeof head ? head_len : sizeof head - 1;
		memcpy(head, c->buf, hl);
		head[hl] = '\0';
		size_t cl = content_length(head);
		if (c->len < head_len + cl)
			return true;
		if (s->nreq < MAX_REQS) {
			struct captured *r = &s->req[s->nreq];
			memcpy(r->head, head, hl + 1);
			r->body_len = cl < sizeof r->body ? cl : sizeof r->body;
			memcpy(r->body, c->buf + head_len, r->body_len);
		}
		s->nreq++;
		memmove(c->buf, c->buf + head_len + cl, c->len - head_len - cl);
		c->len -= head_len + cl;
		switch (s->action) {
		case ACT_RESPOND:
			send_all(c->fd, s->response, s->response_len);
			break;
		case ACT_RESPOND_CLOSE:
			send_all(c->fd, s->response, s->response_len);
			return false;
		case ACT_SILENT:
			break;
		case ACT_RESET: {
			struct linger lg = {.l_onoff = 1, .l_linger = 0};
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			return false;
		}
		}
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct conn *conns = calloc(MAX_CONNS, sizeof *conns);
	if (!conns)
		return NULL;
	int n = 0;
	long long deadline = monotonic_ms() + SERVER_LIFETIME_MS;
	while (monotonic_ms() < deadline) {
		struct pollfd p[2 + MAX_CONNS];
		p[0] = (struct pollfd){.fd = s->stop[0], .events = POLLIN};
		p[1] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
		for (int i = 0; i < n; i++)
			p[2 + i] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
		if (poll(p, (nfds_t)(2 + n), 100) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		for (int i = n - 1; i >= 0; i--) {
			if (!p[2 + i].revents)
				continue;
			struct conn *c = &conns[i];
			ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
			if (r > 0) {
				c->len += (size_t)r;
				if (handle_requests(s, c) && c->len < sizeof c->buf)
					continue;
			}
			close(c->fd);
			conns[i] = conns[--n];
		}
		if (p[1].revents & POLLIN) {
			int fd = accept(s->lfd, NULL, NULL);
			if (fd >= 0) {
				struct timeval tv = {.tv_sec = 2};
				setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
				s->accepts++;
				if (n < MAX_CONNS) {
					conns[n].fd = fd;
					conns[n].len = 0;
					n++;
				} else {
					close(fd);
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		close(conns[i].fd);
	free(conns);
	return NULL;
}

/* A listening socket on 127.0.0.1 and an ephemeral port. */
static int listen_loopback(int *port, bool do_listen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	if (do_listen)
		assert_int_equal(listen(fd, 16), 0);
	socklen_t len = sizeof sin;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Starts a server that answers every request with action and response
 * (taken over: freed by server_stop). */
static struct server *server_start(enum action action, char *response, size_t response_len)
{
	struct server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	s->lfd = listen_loopback(&s->port, true);
	assert_int_equal(pipe2(s->stop, O_CLOEXEC), 0);
	s->action = action;
	s->response = response;
	s->response_len = response_len;
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
	s->running = true;
	return s;
}

/* Stops and joins the thread; after this the captured requests are safe to
 * read. The struct stays for the assertions until server_free. */
static void server_stop(struct server *s)
{
	if (!s || !s->running)
		return;
	ssize_t w = write(s->stop[1], "x", 1);
	(void)w;
	pthread_join(s->th, NULL);
	s->running = false;
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
}

static void server_free(struct server *s)
{
	if (!s)
		return;
	server_stop(s);
	free(s->response);
	free(s);
}

/* "HTTP/1.1 <status_line>\r\n<headers>Content-Length: n\r\n\r\n<body>";
 * headers is "" or CRLF-terminated lines. Returns malloc'd bytes. */
static char *response_with(const char *status_line, const char *headers, const char *body,
			   size_t body_len, size_t *out_len)
{
	char head[1024];
	int hl = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n\r\n",
			  status_line, headers, body_len);
	assert_true(hl > 0 && (size_t)hl < sizeof head);
	char *r = malloc((size_t)hl + body_len + 1);
	assert_non_null(r);
	memcpy(r, head, (size_t)hl);
	if (body_len)
		memcpy(r + hl, body, body_len);
	*out_len = (size_t)hl + body_len;
	return r;
}

/* ---- fixtures ---------------------------------------------------------- */

struct fixture {
	struct arena *arena;
	struct http_client *client;
	struct server *srv;
	char url[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->arena = arena_new(4096);
	f->client = http_client_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	server_free(f->srv);
	http_client_free(f->client);
	arena_free(f->arena);
	free(f);
	return 0;
}

/* The test stack's policy: http and loopback. */
static struct http_request base_request(const char *url)
{
	return (struct http_request){
		.url = url,
		.timeout_ms = 2000,
		.connect_timeout_ms = 1000,
		.save_fd = -1,
		.policy = {.allow_http = true, .allow_loopback = true},
	};
}

/* Starts f->srv answering with a canned response and sets f->url. */
static void serve_canned(struct fixture *f, enum action action, const char *status_line,
			 const char *headers, const char *body, size_t body_len, const char *path)
{
	size_t len = 0;
	char *r = status_line ? response_with(status_line, headers, body, body_len, &len) : NULL;
	f->srv = server_start(action, r, len);
	snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d%s", f->srv->port, path);
}

/* ---- responses --------------------------------------------------------- */

static void get_json_200(void **state)
{
	struct fixture *f = *state;
	const char *body = "{\"ok\":true}";
	serve_canned(f, ACT_RESPOND, "200 OK", "Content-Type: application/json\r\n", body,
		     strlen(body), "/v1/thing?x=1");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.fail, HTTP_FAIL_NONE);
	assert_string_equal(resp.error, "");
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, body);
	assert_int_equal(resp.body_len, strlen(body));
	assert_string_equal(resp.content_type, "application/json");
	assert_int_equal(resp.retry_after_seconds, -1);
	assert_true(resp.request_sent);
	assert_true(resp.elapsed_ms >= 0 && resp.elapsed_ms < 2000);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
	const char *h = f->srv->req[0].head;
	assert_true(strncmp(h, "GET /v1/thing?x=1 HTTP/1.1\r\n", 28) == 0);
	assert_non_null(strstr(h, "\r\nUser-Agent: doitong/"));
	assert_null(strcasestr(h, "Accept-Encoding"));
	assert_null(strcasestr(h, "Expect:"));
	assert_null(strcasestr(h, "Content-Length"));
}

static void body_with_nul_and_no_type(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "a\0b\0c";
	serve_canned(f, ACT_RESPOND, "404 Not Found", "", body, sizeof body - 1, "/");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 404);
	assert_int_equal(resp.body_len, 5);
	assert_memory_equal(resp.body, body, 6); /* with the terminating NUL */
	assert_null(resp.content_type);
}

/* One request against a fresh server answering with headers; returns the
 * parsed Retry-After. */
static int retry_after_for(struct fixture *f, const char *headers)
{
	server_free(f->srv);
	serve_canned(f, ACT_RESPOND_CLOSE, "201 Created", headers, "{}", 2, "/");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 201);
	return resp.retry_after_seconds;
}

static void retry_after(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(retry_after_for(f, "Retry-After: 7\r\n"), 7);
	assert_int_equal(retry_after_for(f, "retry-after:   0  \r\n"), 0);
	assert_int_equal(retry_after_for(f, "Retry-After: 999999999999\r\n"), 86400);
	assert_int_equal(retry_after_for(f, "Retry-After: soon\r\n"), -1);
	assert_int_equal(retry_after_for(f, ""), -1);

	char hdr[128], date[64];
	struct tm tm;
	time_t future = time(NULL) + 120;
	gmtime_r(&future, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(hdr, sizeof hdr, "Retry-After: %s\r\n", date);
	int secs = retry_after_for(f, hdr);
	assert_true(secs >= 115 && secs <= 120);
	assert_int_equal(retry_after_for(f, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"), 0);
	assert_int_equal(retry_after_for(f, "Retry-After: Fri, 31 Dec 2100 23:59:59 GMT\r\n"),
			 86400);
}

static void redirect_not_followed(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "302 Found", "Location: /elsewhere\r\n", "", 0, "/start");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 302);
	assert_int_equal(resp.fail, HTTP_FAIL_NONE);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
	assert_true(strncmp(f->srv->req[0].head, "GET /start ", 11) == 0);
}

/* A second server answering 200 with body, for redirect targets. */
static struct server *target_server(const char *body)
{
	size_t len = 0;
	char *r = response_with("200 OK", "Content-Type: video/mp4\r\n", body, strlen(body), &len);
	return server_start(ACT_RESPOND, r, len);
}

/* Followed to another origin ("localhost" is another host than
 * "127.0.0.1"): the body is the target's and the key stayed behind. */
static void redirect_followed_without_key(void **state)
{
	struct fixture *f = *state;
	struct server *to = target_server("the video");
	char loc[160];
	snprintf(loc, sizeof loc, "Location: http://localhost:%d/file.mp4?sig=1\r\n", to->port);
	serve_canned(f, ACT_RESPOND, "302 Found", loc, "moved", 5, "/v1beta/files/x:download");
	const char *keyed[] = {"x-goog-api-key: sekret", "Accept: */*", NULL};
	struct http_request req = base_request(f->url);
	req.headers = keyed;
	req.max_redirects = 3;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "the video");
	assert_int_equal(resp.redirects, 1);
	assert_null(resp.location);
	server_stop(f->srv);
	server_stop(to);
	assert_int_equal(f->srv->nreq, 1);
	assert_non_null(strstr(f->srv->req[0].head, "\r\nx-goog-api-key: sekret\r\n"));
	assert_int_equal(to->nreq, 1);
	assert_true(strncmp(to->req[0].head, "GET /file.mp4?sig=1 ", 20) == 0);
	assert_null(strcasestr(to->req[0].head, "x-goog-api-key"));
	assert_null(strstr(to->req[0].head, "sekret"));
	server_free(to);
}

/* Same origin: headers kept on every hop; the chain stops at the limit
 * and the last 3xx is the answer. */
static void redirect_limit_same_origin(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "302 Found", "Location: /again\r\n", "", 0, "/start");
	const char *keyed[] = {"Authorization: Bearer k", NULL};
	struct http_request req = base_request(f->url);
	req.headers = keyed;
	req.max_redirects = 2;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 302);
	assert_int_equal(resp.redirects, 2);
	assert_non_null(resp.location);
	assert_non_null(strstr(resp.location, "/again"));
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 3);
	for (int i = 0; i < 3; i++)
		assert_non_null(strstr(f->srv->req[i].head, "\r\nAuthorization: Bearer k\r\n"));
	assert_true(strncmp(f->srv->req[2].head, "GET /again ", 11) == 0);
}

/* Every hop passes the guard again: a redirect to a private or metadata
 * address is refused before connecting, as a first URL would be. */
static void redirect_guarded_each_hop(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "302 Found", "Location: http://169.254.169.254/latest/meta-data\r\n",
		     "", 0, "/start");
	struct http_request req = base_request(f->url);
	req.max_redirects = 3;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_URL);
	assert_non_null(strstr(resp.error, "URL refused"));
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
}

/* 303 after a POST continues as a GET without the body; a file download
 * keeps only the final body. */
static void redirect_303_and_saved_body(void **state)
{
	struct fixture *f = *state;
	struct server *to = target_server("final");
	char loc[160];
	snprintf(loc, sizeof loc, "Location: http://127.0.0.1:%d/result\r\n", to->port);
	serve_canned(f, ACT_RESPOND, "303 See Other", loc, "a long redirect body", 20, "/submit");
	char path[] = "/tmp/doitong-test-http-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	struct http_request req = base_request(f->url);
	req.method = "POST";
	req.body = "{\"a\":1}";
	req.body_len = 7;
	req.save_fd = fd;
	req.max_redirects = 1;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	char back[64] = "";
	assert_int_equal(pread(fd, back, sizeof back - 1, 0), 5);
	assert_string_equal(back, "final");
	close(fd);
	server_stop(to);
	assert_int_equal(to->nreq, 1);
	assert_true(strncmp(to->req[0].head, "GET /result ", 12) == 0);
	assert_int_equal(to->req[0].body_len, 0);
	server_free(to);
}

/* ---- the size cap ------------------------------------------------------ */

static char *pattern(size_t n)
{
	char *p = malloc(n + 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)('a' + (i * 7 + i / 251) % 26);
	p[n] = '\0';
	return p;
}

static void too_large_declared(void **state)
{
	struct fixture *f = *state;
	char *big = pattern(5000);
	serve_canned(f, ACT_RESPOND_CLOSE, "200 OK", "", big, 5000, "/");
	free(big);
	struct http_request req = base_request(f->url);
	req.max_response_bytes = 1000;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_TOO_LARGE);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "");
	assert_non_null(strstr(resp.error, "1000 bytes"));
	assert_string_equal(http_fail_name(resp.fail), "too-large");
}

/* No Content-Length: the cap is enforced while the body streams in. */
static void too_large_streamed(void **state)
{
	struct fixture *f = *state;
	size_t n = 200000;
	char *big = pattern(n);
	const char *head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
	char *r = malloc(strlen(head) + n);
	assert_non_null(r);
	memcpy(r, head, strlen(head));
	memcpy(r + strlen(head), big, n);
	free(big);
	f->srv = server_start(ACT_RESPOND_CLOSE, r, strlen(head) + n);
	snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d/", f->srv->port);
	struct http_request req = base_request(f->url);
	req.max_response_bytes = 1000;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_TOO_LARGE);
	assert_true(resp.body_len <= 1000);
	assert_string_equal(resp.body, "");
}

static void exactly_at_cap(void **state)
{
	struct fixture *f = *state;
	char *body = pattern(1000);
	serve_canned(f, ACT_RESPOND, "200 OK", "", body, 1000, "/");
	struct http_request req = base_request(f->url);
	req.max_response_bytes = 1000;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.body_len, 1000);
	assert_memory_equal(resp.body, body, 1000);
	free(body);
}

static void save_to_fd(void **state)
{
	struct fixture *f = *state;
	size_t n = 300000;
	char *body = pattern(n);
	serve_canned(f, ACT_RESPOND, "200 OK", "Content-Type: video/mp4\r\n", body, n, "/v.mp4");
	char path[] = "/tmp/doitong-test-http-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	struct http_request req = base_request(f->url);
	req.save_fd = fd;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body_len, n);
	assert_string_equal(resp.body, "");
	assert_string_equal(resp.content_type, "video/mp4");
	char *back = malloc(n + 1);
	assert_non_null(back);
	assert_int_equal(pread(fd, back, n + 1, 0), (ssize_t)n);
	assert_memory_equal(back, body, n);
	free(back);

	/* The same cap holds for files. */
	assert_int_equal(ftruncate(fd, 0), 0);
	req.max_response_bytes = 1000;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_TOO_LARGE);
	close(fd);
	free(body);
}

static void save_fd_write_fails(void **state)
{
	struct fixture *f = *state;
	char *body = pattern(10000);
	serve_canned(f, ACT_RESPOND, "200 OK", "", body, 10000, "/");
	free(body);
	/* /dev/full is a full disk; a read-only descriptor where it is missing. */
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	struct http_request req = base_request(f->url);
	req.save_fd = fd;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_WRITE);
	assert_non_null(strstr(resp.error, "writing"));
	assert_string_equal(http_fail_name(resp.fail), "write");
	close(fd);
}

/* ---- failures and request_sent ----------------------------------------- */

static void timeout_after_send(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_SILENT, NULL, NULL, NULL, 0, "/slow");
	struct http_request req = base_request(f->url);
	req.timeout_ms = 300;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_TIMEOUT);
	assert_true(resp.request_sent);
	assert_int_equal(resp.status, 0);
	assert_true(resp.elapsed_ms >= 250 && resp.elapsed_ms < 2000);
	assert_non_null(strstr(resp.error, "timed out after 300 ms"));
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
}

static void closed_port(void **state)
{
	struct fixture *f = *state;
	/* Bound but not listening: the kernel refuses, and no one else can
	 * take the port while we hold it. */
	int port;
	int fd = listen_loopback(&port, false);
	snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d/x?token=s3cret", port);
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_CONNECT);
	assert_false(resp.request_sent);
	assert_int_equal(resp.status, 0);
	assert_string_equal(resp.error, "connection refused");
	assert_null(strstr(resp.error, "s3cret"));
	close(fd);
}

/* request_sent describes this request, not an earlier one on the handle. */
static void request_sent_is_per_request(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "ok", 2, "/");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_true(resp.request_sent);
	int port;
	int fd = listen_loopback(&port, false);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	req.url = url;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_CONNECT);
	assert_false(resp.request_sent);
	close(fd);
}

static void reset_after_request(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESET, NULL, NULL, NULL, 0, "/");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_NETWORK);
	assert_true(resp.request_sent);
	assert_true(resp.error[0] != '\0');
	assert_string_equal(http_fail_name(resp.fail), "network");
}

/* ---- what is sent ------------------------------------------------------ */

static void post_body_exact(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "{}", 2, "/submit");
	static const char body[] = "{\"a\":\"x\0y\"}\xff\r\n";
	const char *headers[] = {"Content-Type: application/octet-stream", NULL};
	struct http_request req = base_request(f->url);
	req.method = "POST";
	req.body = body;
	req.body_len = sizeof body - 1;
	req.headers = headers;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
	const struct captured *r = &f->srv->req[0];
	assert_true(strncmp(r->head, "POST /submit HTTP/1.1\r\n", 23) == 0);
	assert_int_equal(r->body_len, sizeof body - 1);
	assert_memory_equal(r->body, body, sizeof body - 1);
	assert_non_null(strstr(r->head, "\r\nContent-Type: application/octet-stream\r\n"));
	assert_null(strcasestr(r->head, "urlencoded"));
	assert_null(strcasestr(r->head, "Expect:"));
}

static void post_without_type_and_empty(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "", 0, "/");
	struct http_request req = base_request(f->url);
	req.method = "POST";
	req.body = "k=v";
	req.body_len = 3;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	req.body = NULL;
	req.body_len = 0;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 2);
	assert_null(strcasestr(f->srv->req[0].head, "Content-Type"));
	assert_int_equal(f->srv->req[0].body_len, 3);
	assert_true(strncmp(f->srv->req[1].head, "POST / ", 7) == 0);
	assert_non_null(strcasestr(f->srv->req[1].head, "\r\nContent-Length: 0\r\n"));
}

static void headers_sent(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "", 0, "/");
	const char *headers[] = {"Authorization: Bearer x", "X-Trace: abc-1", "Accept: text/plain",
				 NULL};
	struct http_request req = base_request(f->url);
	req.headers = headers;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	server_stop(f->srv);
	const char *h = f->srv->req[0].head;
	assert_non_null(strstr(h, "\r\nAuthorization: Bearer x\r\n"));
	assert_non_null(strstr(h, "\r\nX-Trace: abc-1\r\n"));
	assert_non_null(strstr(h, "\r\nAccept: text/plain\r\n"));
	assert_null(strstr(h, "*/*"));
}

static void bad_header_or_method_not_sent(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "", 0, "/");
	const char *smuggle[] = {"X-A: 1\r\nX-Injected: 2", NULL};
	struct http_request req = base_request(f->url);
	req.headers = smuggle;
	struct http_response resp;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_URL);
	assert_false(resp.request_sent);
	assert_null(strstr(resp.error, "Injected"));
	req.headers = NULL;
	req.method = "GET / HTTP/1.0\r\n";
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_URL);
	server_stop(f->srv);
	assert_int_equal(f->srv->accepts, 0);
}

static void methods_reset_between_requests(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "done", 4, "/");
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d", f->srv->port);
	char u1[96], u2[96], u3[96], u4[96], u5[96];
	snprintf(u1, sizeof u1, "%s/one", base);
	snprintf(u2, sizeof u2, "%s/two", base);
	snprintf(u3, sizeof u3, "%s/three", base);
	snprintf(u4, sizeof u4, "%s/four", base);
	snprintf(u5, sizeof u5, "%s/five", base);
	const char *auth[] = {"Authorization: Bearer only-once", NULL};
	struct http_response resp;

	struct http_request req = base_request(u1);
	req.method = "POST";
	req.body = "{\"n\":1}";
	req.body_len = 7;
	req.headers = auth;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	req = base_request(u2);
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_string_equal(resp.body, "done");
	req = base_request(u3);
	req.method = "PUT";
	req.body = "put-body";
	req.body_len = 8;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	req = base_request(u4);
	req.method = "DELETE";
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	/* HEAD: the declared Content-Length must not be waited for. */
	req = base_request(u5);
	req.method = "HEAD";
	req.timeout_ms = 1500;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body_len, 0);
	assert_true(resp.elapsed_ms < 1000);

	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 5);
	const struct captured *r = f->srv->req;
	assert_true(strncmp(r[0].head, "POST /one ", 10) == 0);
	assert_true(strncmp(r[1].head, "GET /two HTTP/1.1\r\n", 19) == 0);
	assert_null(strcasestr(r[1].head, "Content-Length"));
	assert_null(strcasestr(r[1].head, "Authorization"));
	assert_int_equal(r[1].body_len, 0);
	assert_true(strncmp(r[2].head, "PUT /three ", 11) == 0);
	assert_int_equal(r[2].body_len, 8);
	assert_memory_equal(r[2].body, "put-body", 8);
	assert_true(strncmp(r[3].head, "DELETE /four ", 13) == 0);
	assert_null(strcasestr(r[3].head, "Content-Length"));
	assert_true(strncmp(r[4].head, "HEAD /five ", 11) == 0);
}

static void keep_alive_reuse(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "k", 1, "/");
	struct http_request req = base_request(f->url);
	struct http_response resp;
	for (int i = 0; i < 3; i++)
		assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	/* Another policy may not ride on connections the old one admitted. */
	req.policy.allow_loopback = false;
	req.policy.allow_private = true;
	assert_int_equal(http_request(f->client, f->arena, &req, &resp), 0);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 4);
	assert_int_equal(f->srv->accepts, 2);
}

/* ---- the address guard ------------------------------------------------- */

/*
 * A name other than localhost that resolves to loopback addresses only (from
 * /etc/hosts, e.g. the host name), so the URL check passes it and the guard
 * has to refuse it at connect time. False when there is none.
 */
static bool loopback_name(char *out, size_t outlen)
{
	FILE *fp = fopen("/etc/hosts", "r");
	if (!fp)
		return false;
	char line[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, fp)) {
		char *save = NULL;
		char *addr = strtok_r(line, " \t\r\n", &save);
		if (!addr || strncmp(addr, "127.", 4) != 0)
			continue;
		for (char *name; !found && (name = strtok_r(NULL, " \t\r\n", &save));) {
			if (name[0] == '#')
				break;
			char url[300];
			snprintf(url, sizeof url, "http://%s/", name);
			if (strlen(name) >= outlen ||
			    addr_url_check(url, true, false, NULL, 0) != ADDR_URL_OK)
				continue;
			struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
			if (getaddrinfo(name, NULL, &hints, &res) != 0)
				continue;
			bool all_lo = res != NULL;
			for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
				if (addr_classify(ai->ai_addr) != ADDR_LOOPBACK)
					all_lo = false;
			freeaddrinfo(res);
			if (all_lo) {
				snprintf(out, outlen, "%s", name);
				found = true;
			}
		}
	}
	fclose(fp);
	return found;
}

static enum http_fail try_url(struct fixture *f, const char *url, struct outbound_policy pol,
			      struct http_response *resp)
{
	struct http_request req = base_request(url);
	req.policy = pol;
	int rv = http_request(f->client, f->arena, &req, resp);
	assert_int_equal(rv, resp->fail == HTTP_FAIL_NONE ? 0 : -1);
	assert_true(resp->fail == HTTP_FAIL_NONE || resp->error[0] != '\0');
	return resp->fail;
}

static void guard_default_policy(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "", 0, "/");
	char url[128];
	struct http_response resp;
	struct outbound_policy none = {0};
	struct outbound_policy http_only = {.allow_http = true};

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, none, &resp), HTTP_FAIL_URL);
	assert_non_null(strstr(resp.error, "https"));
	assert_int_equal(try_url(f, url, http_only, &resp), HTTP_FAIL_URL);
	assert_non_null(strstr(resp.error, "loopback"));
	assert_false(resp.request_sent);
	snprintf(url, sizeof url, "https://127.0.0.1:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, none, &resp), HTTP_FAIL_URL);
	snprintf(url, sizeof url, "http://localhost:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, http_only, &resp), HTTP_FAIL_URL);
	snprintf(url, sizeof url, "http://[::ffff:127.0.0.1]:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, http_only, &resp), HTTP_FAIL_URL);
	assert_string_equal(http_fail_name(HTTP_FAIL_URL), "url");
	server_stop(f->srv);
	assert_int_equal(f->srv->accepts, 0);
}

/* A name the URL check cannot judge is refused on the resolved address. */
static void guard_blocks_at_connect(void **state)
{
	struct fixture *f = *state;
	char name[256];
	if (!loopback_name(name, sizeof name))
		skip();
	serve_canned(f, ACT_RESPOND, "200 OK", "", "", 0, "/");
	char url[400];
	snprintf(url, sizeof url, "http://%s:%d/", name, f->srv->port);
	struct http_response resp;
	struct outbound_policy http_only = {.allow_http = true};
	assert_int_equal(try_url(f, url, http_only, &resp), HTTP_FAIL_BLOCKED);
	assert_string_equal(resp.error, "address refused by the outbound guard (loopback)");
	assert_false(resp.request_sent);
	assert_string_equal(http_fail_name(resp.fail), "blocked");
	/* With the loopback exception the same name gets through. */
	struct outbound_policy lo = {.allow_http = true, .allow_loopback = true};
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_NONE);
	assert_int_equal(resp.status, 200);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 1);
}

static void guard_loopback_exception(void **state)
{
	struct fixture *f = *state;
	serve_canned(f, ACT_RESPOND, "200 OK", "", "hi", 2, "/");
	char url[128];
	struct http_response resp;
	struct outbound_policy lo = {.allow_http = true, .allow_loopback = true};
	struct outbound_policy priv = {.allow_http = true, .allow_private = true};

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_NONE);
	assert_string_equal(resp.body, "hi");
	assert_int_equal(try_url(f, url, priv, &resp), HTTP_FAIL_NONE);
	snprintf(url, sizeof url, "http://localhost:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_NONE);

	/* Loopback, not private: refused before any connection is tried. */
	snprintf(url, sizeof url, "http://10.0.0.1:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_URL);
	assert_non_null(strstr(resp.error, "private"));
	assert_false(resp.request_sent);
	assert_true(resp.elapsed_ms < 500);
	snprintf(url, sizeof url, "http://169.254.169.254:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_URL);
	snprintf(url, sizeof url, "http://[::ffff:10.0.0.1]:%d/", f->srv->port);
	assert_int_equal(try_url(f, url, lo, &resp), HTTP_FAIL_URL);
	server_stop(f->srv);
	assert_int_equal(f->srv->nreq, 3);
}

static void fail_names(void **state)
{
	(void)state;
	static const char *const want[] = {"none",    "url",       "blocked", "dns",  "connect",
					   "timeout", "too-large", "network", "write"};
	for (int i = HTTP_FAIL_NONE; i <= HTTP_FAIL_WRITE; i++)
		assert_string_equal(http_fail_name((enum http_fail)i), want[i]);
}

/* The operator's two settings, as every outbound caller reads them. */
static void policy_of_settings(void **state)
{
	(void)state;
	struct outbound_policy p = outbound_policy_of(false, false);
	assert_false(p.allow_http || p.allow_loopback || p.allow_private);
	p = outbound_policy_of(false, true);
	assert_true(p.allow_http && p.allow_loopback);
	assert_false(p.allow_private);
	p = outbound_policy_of(true, false);
	assert_true(p.allow_http && p.allow_private);
	assert_false(p.allow_loopback); /* allow_private covers loopback already */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(get_json_200),
		T(body_with_nul_and_no_type),
		T(retry_after),
		T(redirect_not_followed),
		T(redirect_followed_without_key),
		T(redirect_limit_same_origin),
		T(redirect_guarded_each_hop),
		T(redirect_303_and_saved_body),
		T(too_large_declared),
		T(too_large_streamed),
		T(exactly_at_cap),
		T(save_to_fd),
		T(save_fd_write_fails),
		T(timeout_after_send),
		T(closed_port),
		T(request_sent_is_per_request),
		T(reset_after_request),
		T(post_body_exact),
		T(post_without_type_and_empty),
		T(headers_sent),
		T(bad_header_or_method_not_sent),
		T(methods_reset_between_requests),
		T(keep_alive_reuse),
		T(guard_default_policy),
		T(guard_blocks_at_connect),
		T(guard_loopback_exception),
		cmocka_unit_test(fail_names),
		cmocka_unit_test(policy_of_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
