/*
 * cli.h - doitong-admin's command line: the table of commands, their flags
 * and help texts, and the parser that turns argv into struct admin_args.
 * Pure: no I/O, no database; usage errors come back as exit code 2 with a
 * message, so the tests can drive every path.
 */
#ifndef DOITONG_ADMIN_CLI_H
#define DOITONG_ADMIN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define ADMIN_EXIT_OK 0
#define ADMIN_EXIT_FAILURE 1
#define ADMIN_EXIT_USAGE 2

enum admin_command {
	ADMIN_HELP,                  /* print help_text on stdout, exit 0 */
	ADMIN_MIGRATE,
	ADMIN_ACCOUNT_CREATE,
	ADMIN_ACCOUNT_LIST,
	ADMIN_ACCOUNT_SET_PLAN,
	ADMIN_ACCOUNT_WEBHOOK_SECRET,
	ADMIN_KEY_CREATE,
	ADMIN_KEY_REVOKE,
	ADMIN_CREDITS_ADD,
	ADMIN_CREDITS_LEDGER,
	ADMIN_PROVIDERS_LIST,
	ADMIN_PROVIDERS_ENABLE,
	ADMIN_PROVIDERS_DISABLE,
	ADMIN_PROVIDERS_KEY,
	ADMIN_PROVIDERS_ROUTE,
	ADMIN_STATS,
	ADMIN_DOCTOR
};

/* The parsed command line. Strings borrow argv. */
struct admin_args {
	enum admin_command command;
	const char *help_text;   /* ADMIN_HELP */
	const char *arg[2];      /* positional arguments, in order (NAME, ACCOUNT, PLAN, KEY, ID, N) */
	bool status;             /* migrate --status */
	bool invariants;         /* doctor --invariants */
	bool test;               /* key create --test, credits add --test */
	const char *plan;        /* account create --plan (default "free"); set-plan PLAN */
	long long credits;       /* account create --credits (default 0) */
	long long amount;        /* credits add N */
	long rpm;                /* set-plan --rpm, -1 when absent */
	long concurrent;         /* set-plan --concurrent, -1 when absent */
	long daily;              /* set-plan --daily, -1 when absent */
	const char *reason;      /* credits add --reason */
	const char *since;       /* stats --since (NULL: the last 24 hours) */
};

/*
 * Parses argv[1..argc). Returns ADMIN_EXIT_OK with *out filled (command
 * ADMIN_HELP for --help, -h or `help` anywhere a command word or flag may
 * stand), or ADMIN_EXIT_USAGE with a one-line reason in err and, in
 * *usage, the synopsis of the command concerned (or the tool's).
 */
int admin_parse_args(int argc, char **argv, struct admin_args *out,
		     char *err, size_t errlen, const char **usage);

/* The tool's usage: every command's synopsis. */
const char *admin_usage(void);

/* True for free, starter, pro, enterprise. */
bool admin_valid_plan(const char *plan);

#endif
