/*
 * config.c - loads struct config from the file and the environment.
 * The table `settings` is the single list of settings: adding one is a row.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#ifndef DOITONG_SQLDIR
#define DOITONG_SQLDIR "/usr/share/doitong/sql"
#endif
#ifndef DOITONG_SAMPLESDIR
#define DOITONG_SAMPLESDIR "/usr/share/doitong/samples"
#endif
#ifndef DOITONG_LOCALSTATEDIR
#define DOITONG_LOCALSTATEDIR "/var"
#endif

/* SETTING_SECONDS: a comma-separated list of 1..86400 second waits (at most
 * SECONDS_LIST_MAX), kept as a PostgreSQL array literal "{5,300}"; "" = NULL.
 * SETTING_KEY256: "" or 64 hex digits (a 256-bit key), kept as text. */
enum setting_kind { SETTING_STRING, SETTING_BOOL, SETTING_LONG, SETTING_SECONDS, SETTING_KEY256 };

#define SECONDS_LIST_MAX 20

struct setting {
	const char *key;
	enum setting_kind kind;
	size_t offset;
	const char *fallback;
};

#define S(key, kind, field, fallback) { key, kind, offsetof(struct config, field), fallback }
static const struct setting settings[] = {
	S("dsn", SETTING_STRING, dsn, "dbname=doitong"),
	S("media_dir", SETTING_STRING, media_dir, DOITONG_LOCALSTATEDIR "/lib/doitong/media"),
	S("media_url", SETTING_STRING, media_url, "http://127.0.0.1/media"),
	S("media_pass_through", SETTING_BOOL, media_pass_through, "false"),
	S("sql_dir", SETTING_STRING, sql_dir, DOITONG_SQLDIR),
	S("log_level", SETTING_STRING, log_level, "info"),
	S("log_file", SETTING_STRING, log_file, ""),
	S("metrics_file", SETTING_STRING, metrics_file, ""),
	S("webhook_allow_private", SETTING_BOOL, webhook_allow_private, "false"),
	S("outbound_allow_loopback", SETTING_BOOL, outbound_allow_loopback, "false"),
	S("webhook_retry_schedule", SETTING_SECONDS, webhook_retry_schedule, ""),
	S("scheduler_lease_seconds", SETTING_LONG, scheduler_lease_seconds, "120"),
	S("max_body_bytes", SETTING_LONG, max_body_bytes, "1048576"),
	S("espeak_bin", SETTING_STRING, espeak_bin, "espeak-ng"),
	S("ffmpeg_bin", SETTING_STRING, ffmpeg_bin, "ffmpeg"),
	S("samples_dir", SETTING_STRING, samples_dir, DOITONG_SAMPLESDIR),
	S("vertex_credentials", SETTING_STRING, vertex_credentials, ""),
	S("vertex_project", SETTING_STRING, vertex_project, ""),
	S("vertex_location", SETTING_STRING, vertex_location, "us-central1"),
	S("vertex_url", SETTING_STRING, vertex_url, ""),
	S("vertex_storage_url", SETTING_STRING, vertex_storage_url, "https://storage.googleapis.com"),
	S("webhook_secret_key", SETTING_KEY256, webhook_secret_key, ""),
};
#undef S

/* Parses "5, 300,1800" into "{5,300,1800}" (malloc'd; NULL for ""). */
static int parse_seconds(const char *key, const char *value, char **out, char *err, size_t errlen)
{
	char buf[SECONDS_LIST_MAX * 7 + 3] = "{";
	size_t used = 1;
	int n = 0;
	const char *p = value;
	*out = NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	for (;;) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno || end == p || v < 1 || v > 86400 || ++n > SECONDS_LIST_MAX) {
			snprintf(err, errlen, "%s: expected up to %d comma-separated waits of 1 to 86400 "
				 "seconds, got \"%s\"", key, SECONDS_LIST_MAX, value);
			return -1;
		}
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%ld", n > 1 ? "," : "", v);
		p = end;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p != ',') {
			snprintf(err, errlen, "%s: expected a comma after %ld in \"%s\"", key, v, value);
			return -1;
		}
		p++;
	}
	snprintf(buf + used, sizeof buf - used, "}");
	*out = xstrdup(buf);
	return 0;
}

static int apply(struct config *cfg, const struct setting *s, const char *value,
		 char *err, size_t errlen)
{
	char *field = (char *)cfg + s->offset;
	switch (s->kind) {
	case SETTING_KEY256:
		if (*value && (strlen(value) != 64 || strspn(value, "0123456789abcdefABCDEF") != 64)) {
			/* The value itself is never echoed: it is a secret. */
			snprintf(err, errlen, "%s: expected 64 hex digits (openssl rand -hex 32)", s->key);
			return -1;
		}
		/* fall through */
	case SETTING_STRING: {
		char **slot = (char **)(void *)field;
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	case SETTING_BOOL: {
		bool *slot = (bool *)(void *)field;
		if (!strcmp(value, "1") || !strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcasecmp(value, "on"))
			*slot = true;
		else if (!strcmp(value, "0") || !strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcasecmp(value, "off"))
			*slot = false;
		else {
			snprintf(err, errlen, "%s: expected true or false, got \"%s\"", s->key, value);
			return -1;
		}
		return 0;
	}
	case SETTING_LONG: {
		long *slot = (long *)(void *)field;
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v <= 0) {
			snprintf(err, errlen, "%s: expected a positive integer, got \"%s\"", s->key, value);
			return -1;
		}
		*slot = v;
		return 0;
	}
	case SETTING_SECONDS: {
		char **slot = (char **)(void *)field, *list;
		if (parse_seconds(s->key, value, &list, err, errlen))
			return -1;
		free(*slot);
		*slot = list;
		return 0;
	}
	}
	return -1;
}

static const struct setting *find_setting(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(settings); i++)
		if (!strcmp(settings[i].key, key))
			return &settings[i];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int load_file(struct config *cfg, const char *path, bool required, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!required && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "config: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "config: %s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		const struct setting *st = find_setting(key);
		if (!st) {
			snprintf(err, errlen, "%s: unknown setting (%s:%d)", key, path, lineno);
			rc = -1;
			break;
		}
		rc = apply(cfg, st, value, err, errlen);
	}
	fclose(f);
	return rc;
}

int config_load(struct config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < ARRAY_LEN(settings); i++)
		if (apply(cfg, &settings[i], settings[i].fallback, err, errlen))
			return -1;

	const char *path = getenv("DOITONG_CONFIG");
	bool required = path && *path;
	if (!required)
		path = CONFIG_DEFAULT_PATH;
	if (load_file(cfg, path, required, err, errlen))
		return -1;

	for (size_t i = 0; i < ARRAY_LEN(settings); i++) {
		char name[64] = "DOITONG_";
		size_t n = strlen(name);
		for (const char *k = settings[i].key; *k && n + 1 < sizeof name; k++)
			name[n++] = (char)toupper((unsigned char)*k);
		name[n] = '\0';
		const char *value = getenv(name);
		if (value && *value && apply(cfg, &settings[i], value, err, errlen))
			return -1;
	}
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < ARRAY_LEN(settings); i++)
		if (settings[i].kind != SETTING_BOOL && settings[i].kind != SETTING_LONG) {
			char **slot = (char **)(void *)((char *)cfg + settings[i].offset);
			free(*slot);
			*slot = NULL;
		}
}
