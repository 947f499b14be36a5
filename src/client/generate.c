/*
 * generate.c - `doitong generate`: the generate mutation (under one
 * Idempotency-Key for every retry), then, unless --no-wait, a poll of
 * generation(id) once a second until it ends, drawing progress on stderr,
 * and the download of the result with -o.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/commands.h"
#include "client/download.h"
#include "client/inline_file.h"
#include "client/progress.h"

#define POLL_MS 1000

/* image: the --image argument as the API takes it (a URL, or a local file
 * turned into a data: URI), or NULL. */
static json_t *generate_input(const struct client_args *a, const char *image)
{
	json_t *content = json_pack("{s:s}", "text", a->prompt);
	if (image)
		json_object_set_new(content, "image", json_string(image));
	json_t *in = json_pack("{s:s,s:o}", "type", a->type, "input", content);
	if (a->provider)
		json_object_set_new(in, "provider", json_string(a->provider));
	if (a->model)
		json_object_set_new(in, "model", json_string(a->model));
	if (a->options)
		json_object_set(in, "options", a->options);
	if (a->priority)
		json_object_set_new(in, "priority", json_string(a->priority));
	if (a->webhook)
		json_object_set_new(in, "webhookUrl", json_string(a->webhook));
	return json_pack("{s:o}", "input", in);
}

static bool ended(const char *status)
{
	return !strcmp(status, "COMPLETED") || !strcmp(status, "FAILED") || !strcmp(status, "CANCELLED");
}

struct display {
	bool tty;          /* redraw one line on stderr */
	bool plain;        /* one line per change on stderr */
	long long start_ms;
	char last_status[32];
	int last_progress;
	size_t drawn;      /* length of the line on the terminal */
};

static void show(struct display *d, const char *status, int progress)
{
	char line[256];
	if (d->tty) {
		size_t n = progress_bar(line, sizeof line, progress, status,
					(long)((monotonic_ms() - d->start_ms) / 1000), PROGRESS_BAR_WIDTH);
		fprintf(stderr, "\r%s", line);
		if (n < d->drawn)
			fprintf(stderr, "%*s", (int)(d->drawn - n), "");
		d->drawn = n;
		fflush(stderr);
	} else if (d->plain && (strcmp(status, d->last_status) || progress != d->last_progress)) {
		progress_plain(line, sizeof line, status, progress);
		fprintf(stderr, "%s\n", line);
	}
	snprintf(d->last_status, sizeof d->last_status, "%s", status);
	d->last_progress = progress;
}

static void show_end(struct display *d)
{
	if (d->tty && d->drawn)
		fputc('\n', stderr);
	d->drawn = 0;
}

/* The outcome of an ended generation g: prints it, downloads it. */
static int finish(const struct client_args *a, json_t *g)
{
	const char *status = json_string_value(json_object_get(g, "status"));
	const char *url = json_string_value(json_object_get(g, "url"));
	if (a->json)
		client_print_json(g);
	if (strcmp(status, "COMPLETED")) {
		json_t *e = json_object_get(g, "error");
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		struct api_error err;
		snprintf(err.code, sizeof err.code, "%s", code ? code : status);
		snprintf(err.message, sizeof err.message, "%s %s%s%s",
			 json_string_value(json_object_get(g, "id")), status, msg ? ": " : "", msg ? msg : "");
		return client_report(&err, CLIENT_EXIT_API);
	}
	if (!url) {
		struct api_error err = { "BAD_RESPONSE", "the generation completed without a url" };
		return client_report(&err, CLIENT_EXIT_API);
	}
	if (!a->json)
		printf("%s\n", url);
	if (a->output) {
		struct api_error err;
		long long bytes;
		int rc = download_file(url, a->output, a->json, &bytes, &err);
		if (rc)
			return client_report(&err, rc);
		if (!a->json)
			fprintf(stderr, "saved %s (%lld bytes)\n", a->output, bytes);
	}
	return CLIENT_EXIT_OK;
}

int cmd_generate(struct api *api, const struct client_args *a)
{
	char own_key[33];
	const char *idem = a->idempotency_key;
	if (!idem) {
		api_random_key(own_key);
		idem = own_key;
	}
	struct api_error err;
	char *inline_image = NULL;
	if (a->image && !inline_is_reference(a->image)) {
		char why[512];
		if (!(inline_image = inline_image_file(a->image, why, sizeof why))) {
			fprintf(stderr, "doitong: %s\n", why);
			return CLIENT_EXIT_USAGE;
		}
	}
	json_t *data, *vars = generate_input(a, inline_image ? inline_image : a->image);
	free(inline_image);
	int rc = api_call(api, "mutation Generate($input: GenerateInput!) { generate(input: $input) { "
			  CLIENT_GENERATION_FIELDS " } }", vars, idem, &data, &err);
	json_decref(vars);
	if (rc)
		return client_report(&err, rc);
	json_t *g = json_incref(json_object_get(data, "generate"));
	json_decref(data);
	const char *id = json_string_value(json_object_get(g, "id"));
	const char *status = json_string_value(json_object_get(g, "status"));
	if (!id || !status) {
		json_decref(g);
		struct api_error bad = { "BAD_RESPONSE", "generate answered without an id or status" };
		return client_report(&bad, CLIENT_EXIT_API);
	}
	if (a->no_wait) {
		if (a->json)
			client_print_json(g);
		else
			printf("%s\n", id);
		json_decref(g);
		return CLIENT_EXIT_OK;
	}

	struct display d = { .tty = !a->json && isatty(STDERR_FILENO), .plain = !a->json,
			     .start_ms = monotonic_ms(), .last_progress = -2 };
	char *gen_id = xstrdup(id);
	json_t *vid = json_pack("{s:s}", "id", gen_id);
	long long deadline = d.start_ms + a->timeout * 1000LL;
	for (;;) {
		status = json_string_value(json_object_get(g, "status"));
		json_t *p = json_object_get(g, "progress");
		show(&d, status ? status : "?", json_is_integer(p) ? (int)json_integer_value(p) : -1);
		if (status && ended(status))
			break;
		if (monotonic_ms() >= deadline) {
			show_end(&d);
			snprintf(err.code, sizeof err.code, "TIMEOUT");
			snprintf(err.message, sizeof err.message,
				 "%s is still %s after %ld s (see `doitong status %s`)",
				 gen_id, status ? status : "?", a->timeout, gen_id);
			rc = client_report(&err, CLIENT_EXIT_API);
			goto out;
		}
		api_sleep_ms(POLL_MS);
		rc = api_call(api, "query Generation($id: ID!) { generation(id: $id) { "
			      CLIENT_GENERATION_FIELDS " } }", vid, NULL, &data, &err);
		if (rc) {
			show_end(&d);
			client_report(&err, rc);
			goto out;
		}
		json_decref(g);
		g = json_incref(json_object_get(data, "generation"));
		json_decref(data);
		if (!json_is_object(g)) {
			show_end(&d);
			snprintf(err.code, sizeof err.code, "NOT_FOUND");
			snprintf(err.message, sizeof err.message, "generation %s disappeared", gen_id);
			rc = client_report(&err, CLIENT_EXIT_API);
			goto out;
		}
	}
	show_end(&d);
	rc = finish(a, g);
out:
	json_decref(vid);
	json_decref(g);
	free(gen_id);
	return rc;
}
