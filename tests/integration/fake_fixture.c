/*
 * fake_fixture.c - see fake_fixture.h. Bounded: calls time out after 1.5 s
 * (synchronous upstreams too), the fake is killed by pid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "providers/task_run.h"
#include "fake_fixture.h"

extern char **environ;

pid_t fake_pid = -1;
int fake_port;
struct arena *A;
struct http_client *H;
struct config cfg;
struct provider_ctx ctx;
char media[64];
static char vertex_key_path[64];

/* ---------------------------------------------------------------- the fake */

int start_fake(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	const char *node = getenv("NODE") ? getenv("NODE") : "node";
	char *argv[] = { (char *)node, SRCDIR "/tests/fakes/upstream.mjs", "--port", "0",
			 "--media", SRCDIR "/share/samples", "--kling-access", "AK_fake",
			 "--kling-secret", "SK_fake", NULL };
	if (posix_spawnp(&fake_pid, node, &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "cannot start %s\n", node);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[64] = "";
	alarm(10); /* a fake that never prints ends the test, not the machine */
	if (!fgets(line, sizeof line, f) || sscanf(line, "listening %d", &fake_port) != 1) {
		fprintf(stderr, "the fake did not start: '%s'\n", line);
		return -1;
	}
	alarm(0);
	fclose(f);

	A = arena_new(1 << 16);
	setenv("DOITONG_FAKE_LUMA", "luma-test-key", 1);
	setenv("DOITONG_FAKE_RUNWAY", "runway-test-key", 1);
	setenv("DOITONG_FAKE_KLING", "AK_fake:SK_fake", 1);
	setenv("DOITONG_FAKE_MINIMAX", "minimax-test-key", 1);
	setenv("DOITONG_FAKE_WAN", "wan-test-key", 1);
	setenv("DOITONG_FAKE_VEO", "veo-test-key", 1);
	setenv("DOITONG_FAKE_SEEDANCE", "seedance-test-key", 1);
	setenv("DOITONG_FAKE_VIDU", "vidu-test-key", 1);
	setenv("DOITONG_FAKE_BFL", "bfl-test-key", 1);
	setenv("DOITONG_FAKE_IMAGEN", "imagen-test-key", 1);
	setenv("DOITONG_FAKE_SEEDREAM", "seedream-test-key", 1);
	setenv("DOITONG_FAKE_ELEVENLABS", "elevenlabs-test-key", 1);
	setenv("DOITONG_FAKE_HEYGEN", "heygen-test-key", 1);
	setenv("DOITONG_FAKE_HEDRA", "hedra-test-key", 1);
	setenv("DOITONG_FAL_KEY", "fal-test-key", 1);
	setenv("DOITONG_REPLICATE_KEY", "replicate-test-key", 1);
	setenv("DOITONG_FAL_URL", arena_printf(A, "http://127.0.0.1:%d", fake_port), 1);
	setenv("DOITONG_REPLICATE_URL", arena_printf(A, "http://127.0.0.1:%d/v1", fake_port), 1);
	setenv("DOITONG_FAKE_WRONG", "wrong-key", 1);
	unsetenv("DOITONG_FAKE_NONE");
	task_call_timeout_ms = 1500;
	task_sync_timeout_ms = 1500;
	H = http_client_new();
	snprintf(media, sizeof media, "/tmp/doitong-adapters-XXXXXX");
	assert_non_null(mkdtemp(media));
	cfg.media_dir = media;
	cfg.outbound_allow_loopback = true; /* the fake listens on 127.0.0.1 */
	cfg.media_url = "http://127.0.0.1:8480/media/";
	ctx.cfg = &cfg;
	ctx.arena = A;
	ctx.http = H;
	/* Vertex AI: the fake's service account, its API and storage. */
	snprintf(vertex_key_path, sizeof vertex_key_path, "/tmp/doitong-vertex-XXXXXX");
	int kfd = mkstemp(vertex_key_path);
	assert_true(kfd >= 0);
	char *key = json_dumps(control("GET", "/_fake/vertex-key", NULL), 0);
	assert_int_equal(write(kfd, key, strlen(key)), (ssize_t)strlen(key));
	free(key);
	close(kfd);
	cfg.vertex_credentials = vertex_key_path;
	cfg.vertex_location = "us-central1";
	cfg.vertex_url = strdup(arena_printf(A, "http://127.0.0.1:%d/vertex/v1", fake_port));
	cfg.vertex_storage_url = strdup(arena_printf(A, "http://127.0.0.1:%d/storage", fake_port));
	return 0;
}

int stop_fake(void **state)
{
	(void)state;
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
	}
	http_client_free(H);
	arena_free(A);
	rmdir(media);
	unlink(vertex_key_path);
	free(cfg.vertex_url);
	free(cfg.vertex_storage_url);
	return 0;
}

/* Every test starts from a reset fake and an empty media directory. */
int fresh(void **state)
{
	(void)state;
	arena_reset(A);
	DIR *d = opendir(media);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' || strstr(e->d_name, ".tmp"))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlink(arena_printf(A, "%s/%s", media, e->d_name));
	if (d)
		closedir(d);
	return 0;
}

/* A control call to the fake; returns the answer's JSON (arena-owned). */
json_t *control(const char *method, const char *path, const char *body)
{
	const char *hdrs[] = { "Content-Type: application/json", NULL };
	struct http_request req = {
		.method = method,
		.url = arena_printf(A, "http://127.0.0.1:%d%s", fake_port, path),
		.headers = hdrs,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.save_fd = -1,
		.max_response_bytes = 8u << 20,
		.policy = { .allow_http = true, .allow_loopback = true },
	};
	struct http_response resp;
	assert_int_equal(http_request(H, A, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	json_t *j = json_loads(resp.body, 0, NULL);
	assert_non_null(j);
	arena_defer(A, (void (*)(void *))json_decref, j);
	return j;
}

void script(const char *json)
{
	control("POST", "/_fake/reset", "{}");
	control("POST", "/_fake/script", json);
}

json_t *stats(void)
{
	return control("GET", "/_fake/stats", NULL);
}

long long stat_of(const char *group, const char *provider)
{
	return json_integer_value(json_object_get(json_object_get(stats(), group), provider));
}

void expect_failed(const struct provider_outcome *o, enum provider_fault fault,
			  const char *upstream_status)
{
	if (o->kind != PROVIDER_FAILED)
		fail_msg("expected failed, got %s (%s)", provider_outcome_name(o->kind),
			 o->upstream_status ? o->upstream_status : "-");
	assert_int_equal(o->code, API_ERR_GENERATION_FAILED);
	assert_int_equal(o->fault, fault);
	assert_non_null(o->message);
	assert_null(strstr(o->message, "t0k3n"));
	assert_null(strstr(o->message, "test-key"));
	if (upstream_status)
		assert_string_equal(o->upstream_status, upstream_status);
}

bool media_empty(void)
{
	DIR *d = opendir(media);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}
