/*
 * fake_fixture.h - what the adapter suites against tests/fakes/upstream.mjs
 * share (adapters_fake.c: video, adapters_media.c: image, speech, avatar):
 * the fake started on 127.0.0.1 port 0 with every vendor's test key in the
 * environment (DOITONG_FAKE_<VENDOR>, the aggregators' DOITONG_FAL_KEY and
 * DOITONG_REPLICATE_KEY with their URLs; Vertex AI: the fake's service
 * account key in a temporary file and its API and storage URLs in cfg), a
 * real outbound client, a temporary media directory, and the fake's
 * control API. Include after cmocka.h.
 */
#ifndef DOITONG_TEST_FAKE_FIXTURE_H
#define DOITONG_TEST_FAKE_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/config.h"
#include "outbound/http.h"
#include "providers/provider.h"

extern pid_t fake_pid;
extern int fake_port;
extern struct arena *A;
extern struct http_client *H;
extern struct config cfg;
extern struct provider_ctx ctx;   /* media_dir: media, loopback allowed */
extern char media[64];

/* Group setup and teardown: start and stop the fake. */
int start_fake(void **state);
int stop_fake(void **state);
/* Test setup: a reset arena and an empty media directory. */
int fresh(void **state);

/* A control call to the fake; its JSON answer (arena-owned). */
json_t *control(const char *method, const char *path, const char *body);
/* Resets the fake and applies one script (see upstream.mjs). */
void script(const char *json);
json_t *stats(void);
long long stat_of(const char *group, const char *provider);

/* Asserts a GENERATION_FAILED outcome of fault (and upstream_status when
 * not NULL) whose message leaks no key or URL token. */
void expect_failed(const struct provider_outcome *o, enum provider_fault fault,
		   const char *upstream_status);
bool media_empty(void);

#endif
