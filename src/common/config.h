/*
 * config.h - Doitong's settings: one file (DOITONG_CONFIG, default
 * CONFIG_DEFAULT_PATH, i.e. $(sysconfdir)/doitong/doitong.conf) of `key = value` lines, each overridable by the
 * environment variable DOITONG_<KEY in upper case>. Loaded once at start-up;
 * a bad value stops start-up with a message naming the setting.
 */
#ifndef DOITONG_CONFIG_H
#define DOITONG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#ifndef DOITONG_SYSCONFDIR
#define DOITONG_SYSCONFDIR "/etc"
#endif
/* The configuration file read when DOITONG_CONFIG is unset (a literal, so
 * that usage texts can name it). */
#define CONFIG_DEFAULT_PATH DOITONG_SYSCONFDIR "/doitong/doitong.conf"

struct config {
	char *dsn;            /* libpq conninfo or URI */
	char *media_dir;      /* where results are stored */
	char *media_url;      /* public base URL of media_dir */
	char *sql_dir;        /* migrations and function files */
	char *log_level;
	char *log_file;       /* append log lines here instead of stderr ("" = stderr) */
	char *metrics_file;  /* the responders' shared request counters (counters.h); "" = per process */
	bool media_pass_through;      /* completed results keep the upstream's URL (not stored) */
	bool webhook_allow_private;   /* http and private addresses for webhooks and inputs */
	bool outbound_allow_loopback; /* 127.0.0.0/8 and ::1 only (the test stack) */
	char *webhook_retry_schedule; /* "{5,300,...}" for api.webhooks_report, or NULL (SPEC §9's) */
	long scheduler_lease_seconds; /* how long a claimed job or delivery is ours */
	long max_body_bytes;
	char *espeak_bin;     /* the local speech provider's program */
	char *ffmpeg_bin;     /* the local image/video/avatar providers' program (and MP3) */
	char *samples_dir;    /* test mode's sample results (share/samples) */
	char *vertex_credentials; /* Vertex AI service-account key file ("" = $GOOGLE_APPLICATION_CREDENTIALS) */
	char *vertex_project; /* Vertex AI project ("" = the key file's project_id) */
	char *vertex_location; /* Vertex AI region (us-central1) */
	char *vertex_url;     /* Vertex AI API base ("" = https://{location}-aiplatform.googleapis.com/v1) */
	char *vertex_storage_url; /* Cloud Storage base for gs:// results (https://storage.googleapis.com) */
	char *webhook_secret_key; /* 64 hex digits sealing webhook secrets at rest, or "" */
};

/* Fills cfg with defaults, the file's values, then the environment's.
 * Returns 0, or -1 after writing "setting: reason" into err. */
int config_load(struct config *cfg, char *err, size_t errlen);

/* Frees the strings of cfg. */
void config_free(struct config *cfg);

#endif
