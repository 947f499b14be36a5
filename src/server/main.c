/*
 * main.c - doitong.fcgi: the FastCGI accept loop, or one request as plain
 * CGI when the process was not started by a FastCGI manager.
 *
 * One arena and one database connection per process; the arena is reset
 * after every request, the connection kept and repaired when needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "graphql/doc_cache.h"
#include "graphql/persisted.h"
#include "graphql/schema.h"
#include "server/handler.h"

static const char *fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long fcgi_read(void *ctx, char *buf, size_t len)
{
	int want = len > 65536 ? 65536 : (int)len;
	return FCGX_GetStr(buf, want, ((FCGX_Request *)ctx)->in);
}

static void fcgi_write(void *ctx, const char *bytes, size_t len)
{
	FCGX_PutStr(bytes, (int)len, ((FCGX_Request *)ctx)->out);
}

static const char *cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static long cgi_read(void *ctx, char *buf, size_t len)
{
	(void)ctx;
	size_t n = fread(buf, 1, len, stdin);
	return ferror(stdin) ? -1 : (long)n;
}

static void cgi_write(void *ctx, const char *bytes, size_t len)
{
	(void)ctx;
	fwrite(bytes, 1, len, stdout);
	fflush(stdout);
}

/* SIGTERM (a web server stopping its pool): finish the request in hand,
 * then leave the accept loop and free everything on the way out. No
 * SA_RESTART, so a waiting accept() returns at once. */
static void on_term(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

int main(void)
{
	struct server srv;
	char err[512];
	if (config_load(&srv.cfg, err, sizeof err)) {
		fprintf(stderr, "doitong.fcgi: configuration error: %s\n", err);
		return 1;
	}
	log_init("doitong.fcgi", srv.cfg.log_level);
	/* config_load checked the form (64 hex digits or empty). */
	(void)secret_key_parse(srv.cfg.webhook_secret_key, &srv.webhook_key);
	/* Some FastCGI managers (lighttpd) give responders no stderr. */
	if (srv.cfg.log_file[0]) {
		int fd = open(srv.cfg.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
			fprintf(stderr, "doitong.fcgi: log_file: cannot open %s: %s\n", srv.cfg.log_file,
				strerror(errno));
			return 1;
		}
		close(fd);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!gql_schema_get()) {
		fprintf(stderr, "doitong.fcgi: the built-in schema does not load\n");
		return 1;
	}
	char cerr[512];
	srv.counters = counters_open(srv.cfg.metrics_file, cerr, sizeof cerr);
	if (cerr[0])
		log_msg(LOG_WARN, "%s", cerr);
	srv.db = db_open(srv.cfg.dsn, "doitong.fcgi");
	struct arena *arena = arena_new(64 * 1024);

	if (FCGX_IsCGI()) {
		struct http_source src = { NULL, cgi_param, cgi_read };
		handle_request(&srv, arena, &src, cgi_write, NULL);
	} else {
		FCGX_Init();
		struct sigaction term = { .sa_handler = on_term };
		sigemptyset(&term.sa_mask);
		sigaction(SIGTERM, &term, NULL);
		FCGX_Request request;
		FCGX_InitRequest(&request, 0, FCGI_FAIL_ACCEPT_ON_INTR);
		while (FCGX_Accept_r(&request) >= 0) {
			struct http_source src = { &request, fcgi_param, fcgi_read };
			handle_request(&srv, arena, &src, fcgi_write, &request);
			FCGX_Finish_r(&request);
			db_end_request(srv.db);
			arena_reset(arena);
		}
		FCGX_Free(&request, 1);
	}
	arena_free(arena);
	db_close(srv.db);
	counters_close(srv.counters);
	gql_schema_free();
	apq_cache_free();
	doc_cache_free();
	config_free(&srv.cfg);
	return 0;
}
