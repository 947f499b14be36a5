/*
 * cli.c - the command table of doitong-admin and its argument parser.
 *
 * `commands` is the single list of commands: group word, verb word (NULL for
 * one-word commands), positional names, accepted flags and help text. The
 * parser accepts flags anywhere after the command words, as `--flag value`
 * or `--flag=value`; `--` ends the flags so a NAME may start with '-'.
 */
#include "admin/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/util.h"

enum flag_kind {
	FLAG_BOOL,      /* bool field */
	FLAG_TEXT,      /* const char * field */
	FLAG_PLAN,      /* const char * field, one of the plans */
	FLAG_CREDITS,   /* long long field, >= 0 */
	FLAG_LIMIT      /* long field, 0..INT_MAX */
};

struct flag_spec {
	const char *name;       /* without the dashes */
	enum flag_kind kind;
	size_t offset;          /* into struct admin_args */
};

#define MAX_FLAGS 4

struct command_spec {
	const char *group;
	const char *verb;
	enum admin_command command;
	int npos;
	const char *synopsis;
	const char *help;
	struct flag_spec flags[MAX_FLAGS];
	const char *required_flag;
};

#define F(name, kind, field) { name, kind, offsetof(struct admin_args, field) }

static const struct command_spec commands[] = {
	{ "migrate", NULL, ADMIN_MIGRATE, 0,
	  "migrate [--status]",
	  "Applies pending migrations from sql_dir/migrations in order, each in its own\n"
	  "transaction, then re-applies every function file and grants.sql in one\n"
	  "transaction. --status lists applied and pending migrations instead.\n",
	  { F("status", FLAG_BOOL, status) }, NULL },
	{ "account", "create", ADMIN_ACCOUNT_CREATE, 1,
	  "account create NAME [--plan free|starter|pro|enterprise] [--credits N]",
	  "Creates an account (plan free and 0 credits unless given) and prints its id\n"
	  "alone on stdout.\n",
	  { F("plan", FLAG_PLAN, plan), F("credits", FLAG_CREDITS, credits) }, NULL },
	{ "account", "list", ADMIN_ACCOUNT_LIST, 0,
	  "account list",
	  "Lists accounts with plan and credit balances.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "account", "set-plan", ADMIN_ACCOUNT_SET_PLAN, 2,
	  "account set-plan ACCOUNT PLAN [--rpm N] [--concurrent N] [--daily N]",
	  "Moves ACCOUNT to PLAN (free, starter, pro, enterprise); the flags override\n"
	  "the plan's requests per minute, concurrent generations and daily generations.\n",
	  { F("rpm", FLAG_LIMIT, rpm), F("concurrent", FLAG_LIMIT, concurrent),
	    F("daily", FLAG_LIMIT, daily) }, NULL },
	{ "account", "webhook-secret", ADMIN_ACCOUNT_WEBHOOK_SECRET, 1,
	  "account webhook-secret ACCOUNT",
	  "Prints the account's webhook signing secret (whsec_...) alone on stdout.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "key", "create", ADMIN_KEY_CREATE, 1,
	  "key create ACCOUNT [--test]",
	  "Issues an API key for ACCOUNT (dt_live_..., or dt_test_... with --test) and\n"
	  "prints it alone on stdout. Only its hash is stored: it is shown this once.\n",
	  { F("test", FLAG_BOOL, test) }, NULL },
	{ "key", "revoke", ADMIN_KEY_REVOKE, 1,
	  "key revoke KEY",
	  "Revokes the API key KEY (the full key as printed by key create).\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "credits", "add", ADMIN_CREDITS_ADD, 2,
	  "credits add ACCOUNT N --reason TEXT [--test]",
	  "Adds N credits (a negative N, written after --, removes them) to ACCOUNT's\n"
	  "balance, or to its test balance with --test, with a ledger row giving TEXT.\n",
	  { F("reason", FLAG_TEXT, reason), F("test", FLAG_BOOL, test) }, "reason" },
	{ "credits", "ledger", ADMIN_CREDITS_LEDGER, 1,
	  "credits ledger ACCOUNT",
	  "Lists ACCOUNT's credit ledger, oldest first.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "providers", "list", ADMIN_PROVIDERS_LIST, 0,
	  "providers list",
	  "Lists the provider catalog: id, types, adapter, enabled, route.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "providers", "enable", ADMIN_PROVIDERS_ENABLE, 1,
	  "providers enable ID",
	  "Enables provider ID for new generations.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "providers", "disable", ADMIN_PROVIDERS_DISABLE, 1,
	  "providers disable ID",
	  "Disables provider ID: new generations neither choose nor accept it.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "providers", "key", ADMIN_PROVIDERS_KEY, 2,
	  "providers key ID VARIABLE",
	  "Names the environment variable (of the scheduler) that holds provider ID's API\n"
	  "key, e.g. DOITONG_KLING_KEY; the key itself never enters the database.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "providers", "route", ADMIN_PROVIDERS_ROUTE, 2,
	  "providers route ID direct|fal|replicate|vertex",
	  "Sends provider ID's jobs to its vendor's API (direct), through fal.ai or\n"
	  "Replicate (when the catalog has the aggregator's model id), or through Google\n"
	  "Vertex AI (veo, imagen). Switch with no job of ID in flight.\n",
	  { { NULL, FLAG_BOOL, 0 } }, NULL },
	{ "stats", NULL, ADMIN_STATS, 0,
	  "stats [--since PERIOD]",
	  "Prints what happened over the period (default 24h; 30m, 7d, or a timestamp such as\n"
	  "2026-11-01T00:00:00Z): generations by state, credits spent and refunded, webhook\n"
	  "deliveries that failed, and a table of generations by provider with failure rates.\n",
	  { F("since", FLAG_TEXT, since) }, NULL },
	{ "doctor", NULL, ADMIN_DOCTOR, 0,
	  "doctor [--invariants]",
	  "Checks the database, migrations, each enabled provider's key variable (in this\n"
	  "environment: run it with the scheduler's), the media directory, espeak-ng and\n"
	  "ffmpeg; prints one line per check and exits 1 if any fails (warnings do not).\n"
	  "--invariants instead checks the live data against every promise it can show\n"
	  "(balances equal their ledger, no orphan reservation, no generation stuck past\n"
	  "its time limit, every finished generation's webhook attempted, no double\n"
	  "upstream submission), prints each violation and exits 1 if there is any.\n",
	  { F("invariants", FLAG_BOOL, invariants) }, NULL },
};
#undef F

static const char *const plans[] = { "free", "starter", "pro", "enterprise" };

bool admin_valid_plan(const char *plan)
{
	for (size_t i = 0; plan && i < ARRAY_LEN(plans); i++)
		if (!strcmp(plan, plans[i]))
			return true;
	return false;
}

static char usage_buf[4096];
static char help_buf[2048];

const char *admin_usage(void)
{
	if (usage_buf[0])
		return usage_buf;
	size_t n = (size_t)snprintf(usage_buf, sizeof usage_buf, "usage: doitong-admin COMMAND ...\n\n");
	for (size_t i = 0; i < ARRAY_LEN(commands) && n < sizeof usage_buf; i++)
		n += (size_t)snprintf(usage_buf + n, sizeof usage_buf - n, "  doitong-admin %s\n",
				      commands[i].synopsis);
	if (n < sizeof usage_buf)
		snprintf(usage_buf + n, sizeof usage_buf - n,
			 "\nThe database is DOITONG_DSN or `dsn` in the configuration file\n"
			 "(DOITONG_CONFIG, default " CONFIG_DEFAULT_PATH ").\n"
			 "doitong-admin COMMAND --help describes a command.\n"
			 "Exit status: 0 success, 1 failure, 2 bad usage.\n");
	return usage_buf;
}

static const char *command_usage(const struct command_spec *c)
{
	snprintf(help_buf, sizeof help_buf, "usage: doitong-admin %s\n", c->synopsis);
	return help_buf;
}

static const char *command_help(const struct command_spec *c)
{
	snprintf(help_buf, sizeof help_buf, "usage: doitong-admin %s\n\n%s", c->synopsis, c->help);
	return help_buf;
}

/* The synopses of every command of a group, for `doitong-admin key --help`. */
static const char *group_usage(const char *group)
{
	size_t n = (size_t)snprintf(help_buf, sizeof help_buf, "usage:\n");
	for (size_t i = 0; i < ARRAY_LEN(commands) && n < sizeof help_buf; i++)
		if (!strcmp(commands[i].group, group))
			n += (size_t)snprintf(help_buf + n, sizeof help_buf - n, "  doitong-admin %s\n",
					      commands[i].synopsis);
	return help_buf;
}

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h") || !strcmp(s, "help");
}

static bool parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int usage_error(char *err, size_t errlen, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int usage_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ADMIN_EXIT_USAGE;
}

static const struct flag_spec *find_flag(const struct command_spec *c, const char *name, size_t len)
{
	for (int i = 0; i < MAX_FLAGS && c->flags[i].name; i++)
		if (strlen(c->flags[i].name) == len && !strncmp(c->flags[i].name, name, len))
			return &c->flags[i];
	return NULL;
}

static int set_flag(const struct flag_spec *f, const char *value, struct admin_args *out,
		    char *err, size_t errlen)
{
	char *field = (char *)out + f->offset;
	long long v;
	switch (f->kind) {
	case FLAG_BOOL:
		*(bool *)(void *)field = true;
		return 0;
	case FLAG_TEXT:
		*(const char **)(void *)field = value;
		return 0;
	case FLAG_PLAN:
		if (!admin_valid_plan(value))
			return usage_error(err, errlen, "--%s: unknown plan '%s' (free, starter, pro, enterprise)",
					   f->name, value);
		*(const char **)(void *)field = value;
		return 0;
	case FLAG_CREDITS:
		if (!parse_ll(value, 0, LLONG_MAX, &v))
			return usage_error(err, errlen, "--%s: expected a non-negative integer, got '%s'",
					   f->name, value);
		*(long long *)(void *)field = v;
		return 0;
	case FLAG_LIMIT:
		if (!parse_ll(value, 0, INT_MAX, &v))
			return usage_error(err, errlen, "--%s: expected a non-negative integer, got '%s'",
					   f->name, value);
		*(long *)(void *)field = (long)v;
		return 0;
	}
	return ADMIN_EXIT_USAGE;
}

/* Checks and converts the positionals of c. */
static int check_positionals(const struct command_spec *c, struct admin_args *out,
			     char *err, size_t errlen)
{
	for (int i = 0; i < c->npos; i++)
		if (!out->arg[i][0])
			return usage_error(err, errlen, "an argument is empty");
	switch (c->command) {
	case ADMIN_ACCOUNT_SET_PLAN:
		if (!admin_valid_plan(out->arg[1]))
			return usage_error(err, errlen, "unknown plan '%s' (free, starter, pro, enterprise)",
					   out->arg[1]);
		out->plan = out->arg[1];
		return 0;
	case ADMIN_CREDITS_ADD:
		if (!parse_ll(out->arg[1], LLONG_MIN, LLONG_MAX, &out->amount) || out->amount == 0)
			return usage_error(err, errlen, "N: expected a non-zero integer, got '%s'",
					   out->arg[1]);
		if (!out->reason[0])
			return usage_error(err, errlen, "--reason must not be empty");
		return 0;
	case ADMIN_HELP:
	case ADMIN_MIGRATE:
	case ADMIN_ACCOUNT_CREATE:
	case ADMIN_ACCOUNT_LIST:
	case ADMIN_ACCOUNT_WEBHOOK_SECRET:
	case ADMIN_KEY_CREATE:
	case ADMIN_KEY_REVOKE:
	case ADMIN_CREDITS_LEDGER:
	case ADMIN_PROVIDERS_LIST:
	case ADMIN_PROVIDERS_ENABLE:
	case ADMIN_PROVIDERS_DISABLE:
	case ADMIN_PROVIDERS_KEY:
	case ADMIN_PROVIDERS_ROUTE:
	case ADMIN_STATS:
	case ADMIN_DOCTOR:
		return 0;
	}
	return 0;
}

int admin_parse_args(int argc, char **argv, struct admin_args *out,
		     char *err, size_t errlen, const char **usage)
{
	memset(out, 0, sizeof *out);
	out->rpm = out->concurrent = out->daily = -1;
	out->plan = "free";
	err[0] = '\0';
	*usage = admin_usage();
	if (argc < 2)
		return usage_error(err, errlen, "missing command");
	if (is_help(argv[1])) {
		/* `help` or `--help`, optionally followed by a command. */
		if (argc > 2 && !is_help(argv[2])) {
			char help_flag[] = "--help";
			char *rest[4] = { argv[0], argv[2], argc > 3 ? argv[3] : help_flag, help_flag };
			return admin_parse_args(argc > 3 ? 4 : 3, rest, out, err, errlen, usage);
		}
		out->command = ADMIN_HELP;
		out->help_text = admin_usage();
		return ADMIN_EXIT_OK;
	}

	const char *group = argv[1];
	bool group_known = false, has_verbs = false;
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (!strcmp(commands[i].group, group)) {
			group_known = true;
			has_verbs = commands[i].verb != NULL;
		}
	if (!group_known)
		return usage_error(err, errlen, "unknown command '%s'", group);

	const struct command_spec *c = NULL;
	int next = 2;
	if (has_verbs) {
		*usage = group_usage(group);
		if (argc < 3)
			return usage_error(err, errlen, "%s: missing subcommand", group);
		if (is_help(argv[2])) {
			out->command = ADMIN_HELP;
			out->help_text = group_usage(group);
			return ADMIN_EXIT_OK;
		}
		for (size_t i = 0; i < ARRAY_LEN(commands) && !c; i++)
			if (!strcmp(commands[i].group, group) && !strcmp(commands[i].verb, argv[2]))
				c = &commands[i];
		if (!c)
			return usage_error(err, errlen, "%s: unknown subcommand '%s'", group, argv[2]);
		next = 3;
	} else {
		for (size_t i = 0; i < ARRAY_LEN(commands) && !c; i++)
			if (!strcmp(commands[i].group, group))
				c = &commands[i];
	}
	*usage = command_usage(c);
	out->command = c->command;

	int npos = 0;
	bool flags_done = false;
	for (int i = next; i < argc; i++) {
		const char *a = argv[i];
		if (!flags_done && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			out->command = ADMIN_HELP;
			out->help_text = command_help(c);
			return ADMIN_EXIT_OK;
		}
		if (!flags_done && !strcmp(a, "--")) {
			flags_done = true;
			continue;
		}
		if (!flags_done && a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct flag_spec *f = find_flag(c, name, len);
			if (!f)
				return usage_error(err, errlen, "unknown option '%s'", a);
			const char *value = NULL;
			if (f->kind == FLAG_BOOL) {
				if (eq)
					return usage_error(err, errlen, "option '--%s' takes no value", f->name);
			} else if (eq) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				return usage_error(err, errlen, "option '--%s' needs a value", f->name);
			}
			int rc = set_flag(f, value, out, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (npos >= c->npos)
			return usage_error(err, errlen, "unexpected argument '%s'", a);
		out->arg[npos++] = a;
	}
	if (npos < c->npos)
		return usage_error(err, errlen, "missing argument%s", c->npos - npos > 1 ? "s" : "");
	if (c->required_flag) {
		const struct flag_spec *f = find_flag(c, c->required_flag, strlen(c->required_flag));
		if (f && !*(const char **)(void *)((char *)out + f->offset))
			return usage_error(err, errlen, "option '--%s' is required", f->name);
	}
	return check_positionals(c, out, err, errlen);
}
