/*
 * cli.h - the `doitong` client's command line: the commands, their flags and
 * help texts, and the parser that turns argv into struct client_args.
 * Pure: no I/O and no network; a usage error comes back as CLIENT_EXIT_USAGE
 * with a one-line reason, so the unit tests drive every path.
 */
#ifndef DOITONG_CLIENT_CLI_H
#define DOITONG_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/util.h"

/* Exit codes (also in man/doitong.1 and `doitong --help`). */
#define CLIENT_EXIT_OK 0
#define CLIENT_EXIT_API 1      /* the API answered an error, or the generation failed */
#define CLIENT_EXIT_USAGE 2
#define CLIENT_EXIT_NETWORK 3  /* no answer after every retry */

#define CLIENT_MAX_OPTIONS 64

enum client_command {
	CLIENT_HELP,       /* print help_text on stdout, exit 0 */
	CLIENT_VERSION,
	CLIENT_GENERATE,
	CLIENT_STATUS,
	CLIENT_CANCEL,
	CLIENT_LIST,
	CLIENT_PROVIDERS,
	CLIENT_ACCOUNT
};

/* The parsed command line. Strings borrow argv; options is a new reference
 * (a JSON object, NULL when no --option was given) that client_args_free
 * releases. */
struct client_args {
	enum client_command command;
	const char *help_text;        /* CLIENT_HELP */
	const char *url;              /* --url, else NULL (main falls back to DOITONG_URL) */
	const char *key;              /* --key, else NULL (DOITONG_API_KEY) */
	bool json;                    /* --json: machine output only */
	const char *id;               /* status ID, cancel ID */
	/* generate */
	const char *type;             /* VIDEO, IMAGE, AUDIO, AVATAR (upper case, static) */
	const char *provider;
	const char *model;
	const char *image;
	const char *priority;         /* QUALITY, SPEED, COST, BALANCED (static), NULL: server default */
	const char *webhook;
	const char *idempotency_key;
	const char *output;           /* -o FILE */
	bool no_wait;
	long timeout;                 /* --timeout seconds to wait for the end (default 900) */
	char *prompt;                 /* the positional words joined by spaces (malloc'd) */
	json_t *options;
	/* list / providers */
	long limit;                   /* list --limit (default 20) */
	const char *status;           /* list --status (upper case, static) */
	const char *filter_type;      /* list --type, providers --type (upper case, static) */
};

/*
 * Parses argv[1..argc). Returns CLIENT_EXIT_OK with *out filled (command
 * CLIENT_HELP for --help, -h, or `help [COMMAND]`), or CLIENT_EXIT_USAGE with
 * a one-line reason in err and the synopsis of the command concerned (or the
 * tool's) in *usage. Global flags (--url, --key, --json) may stand before or
 * after the command word. Call client_args_free afterwards in both cases.
 */
int client_parse_args(int argc, char **argv, struct client_args *out,
		      char *err, size_t errlen, const char **usage);

void client_args_free(struct client_args *a);

/*
 * The JSON value of an option's text: true/false as booleans, a decimal
 * integer as an integer, a finite decimal number as a real, anything else
 * as a string. Returns a new reference.
 */
json_t *client_option_value(const char *text) NONNULL(1);

/* The tool's help text (every command, the environment, the exit codes). */
const char *client_usage(void);

#endif
