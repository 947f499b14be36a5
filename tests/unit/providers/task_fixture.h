/*
 * task_fixture.h - what the async-task family's unit tests share
 * (test_task_api.c, test_task_special.c): one arena for the group, jobs from
 * JSON, request inspection, and answers turned into outcomes. Include after
 * cmocka.h.
 */
#ifndef DOITONG_TEST_TASK_FIXTURE_H
#define DOITONG_TEST_TASK_FIXTURE_H

#include <stdbool.h>
#include <jansson.h>

#include "common/arena.h"
#include "providers/provider.h"
#include "providers/task_api.h"

/* The group's arena, made by task_setup and freed by task_teardown. */
extern struct arena *A;

int task_setup(void **state);
int task_teardown(void **state);

/* Decodes a claimed-job JSON text into *job (strings owned by A). */
void job_from(const char *text, struct job *job);

/* The call's body as JSON (owned by A); fails the test when absent. */
json_t *body_of(const struct task_call *call);
bool has_header(const struct task_call *call, const char *h);
size_t header_count(const struct task_call *call);

/* String / integer at a task_json_path path (NULL / test failure if absent). */
const char *sget(json_t *o, const char *path);
long long iget(json_t *o, const char *path);

/* Builds phase's call for job with key "k" ("AK:SK" for Kling) at a fixed
 * time; fails the test with the reason when it cannot. */
void build(const struct task_api *api, enum task_phase phase, const struct job *job,
	   const char *task_id, struct task_call *call);

/* Asserts that phase SUBMIT of job is refused before any request, with
 * fault and a reason containing in_why (when not NULL). */
void assert_refused(const struct task_api *api, const struct job *job, enum provider_fault fault,
		    const char *in_why);

/* The outcome of an answer (status, body) in phase for job (a synchronous
 * upstream's submit answer is read with task_parse_sync). */
void answer(const struct task_api *api, enum task_phase phase, const struct job *job,
	    long status, int retry_after, const char *body, struct provider_outcome *out);

/* Asserts a GENERATION_FAILED outcome of fault with upstream_status and,
 * when in_message is not NULL, a message containing it. */
void assert_failed(const struct provider_outcome *o, enum provider_fault fault,
		   const char *upstream_status, const char *in_message);

#endif
