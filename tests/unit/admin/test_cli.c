/*
 * test_cli.c - doitong-admin's argument parser: every command line of SPEC
 * §13 parses, help is exit 0, and each kind of bad usage is exit 2 with a
 * reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "admin/cli.h"

#define MAX_ARGS 16

static char err[512];
static const char *usage;

/* Parses a space-separated command line (no quoting; "_" stands for an empty argument). */
static int parse(const char *line, struct admin_args *out)
{
	static char buf[512];
	char *argv[MAX_ARGS];
	int argc = 0;
	strncpy(buf, line, sizeof buf - 1);
	argv[argc++] = (char *)"doitong-admin";
	for (char *tok = strtok(buf, " "); tok && argc < MAX_ARGS; tok = strtok(NULL, " "))
		argv[argc++] = !strcmp(tok, "_") ? (char *)"" : tok;
	return admin_parse_args(argc, argv, out, err, sizeof err, &usage);
}

static void spec_lines_parse(void **state)
{
	(void)state;
	struct admin_args a;
	assert_int_equal(parse("migrate", &a), 0);
	assert_int_equal(a.command, ADMIN_MIGRATE);
	assert_false(a.status);
	assert_int_equal(parse("migrate --status", &a), 0);
	assert_true(a.status);

	assert_int_equal(parse("account create Acme", &a), 0);
	assert_int_equal(a.command, ADMIN_ACCOUNT_CREATE);
	assert_string_equal(a.arg[0], "Acme");
	assert_string_equal(a.plan, "free");
	assert_int_equal(a.credits, 0);
	assert_int_equal(parse("account create Acme --plan pro --credits 1000000", &a), 0);
	assert_string_equal(a.plan, "pro");
	assert_int_equal(a.credits, 1000000);
	assert_int_equal(parse("account create --plan=enterprise Acme", &a), 0);
	assert_string_equal(a.plan, "enterprise");
	assert_string_equal(a.arg[0], "Acme");

	assert_int_equal(parse("account list", &a), 0);
	assert_int_equal(a.command, ADMIN_ACCOUNT_LIST);

	assert_int_equal(parse("account set-plan acc_1 starter --rpm 60 --daily 100", &a), 0);
	assert_int_equal(a.command, ADMIN_ACCOUNT_SET_PLAN);
	assert_string_equal(a.arg[0], "acc_1");
	assert_string_equal(a.plan, "starter");
	assert_int_equal(a.rpm, 60);
	assert_int_equal(a.concurrent, -1);
	assert_int_equal(a.daily, 100);

	assert_int_equal(parse("account webhook-secret acc_1", &a), 0);
	assert_int_equal(a.command, ADMIN_ACCOUNT_WEBHOOK_SECRET);

	assert_int_equal(parse("key create acc_1", &a), 0);
	assert_false(a.test);
	assert_int_equal(parse("key create acc_1 --test", &a), 0);
	assert_true(a.test);
	assert_int_equal(parse("key revoke dt_live_abc", &a), 0);
	assert_string_equal(a.arg[0], "dt_live_abc");

	assert_int_equal(parse("credits add acc_1 500 --reason top-up", &a), 0);
	assert_int_equal(a.amount, 500);
	assert_string_equal(a.reason, "top-up");
	assert_false(a.test);
	assert_int_equal(parse("credits add acc_1 --test --reason=demo 7", &a), 0);
	assert_true(a.test);
	assert_int_equal(a.amount, 7);
	assert_int_equal(parse("credits add --reason fix -- acc_1 -20", &a), 0);
	assert_int_equal(a.amount, -20);
	assert_int_equal(parse("credits ledger acc_1", &a), 0);
	assert_int_equal(a.command, ADMIN_CREDITS_LEDGER);

	assert_int_equal(parse("providers list", &a), 0);
	assert_int_equal(a.command, ADMIN_PROVIDERS_LIST);
	assert_int_equal(parse("providers enable kling", &a), 0);
	assert_int_equal(a.command, ADMIN_PROVIDERS_ENABLE);
	assert_int_equal(parse("providers disable kling", &a), 0);
	assert_int_equal(a.command, ADMIN_PROVIDERS_DISABLE);
	assert_string_equal(a.arg[0], "kling");
	assert_int_equal(parse("providers route veo vertex", &a), 0);
	assert_int_equal(a.command, ADMIN_PROVIDERS_ROUTE);
	assert_string_equal(a.arg[0], "veo");
	assert_string_equal(a.arg[1], "vertex");

	assert_int_equal(parse("stats", &a), 0);
	assert_int_equal(a.command, ADMIN_STATS);
	assert_null(a.since);
	assert_int_equal(parse("stats --since 7d", &a), 0);
	assert_string_equal(a.since, "7d");
	assert_int_equal(parse("doctor", &a), 0);
	assert_int_equal(a.command, ADMIN_DOCTOR);
	assert_false(a.invariants);
	assert_int_equal(parse("doctor --invariants", &a), 0);
	assert_int_equal(a.command, ADMIN_DOCTOR);
	assert_true(a.invariants);
}

static void help_is_success(void **state)
{
	(void)state;
	struct admin_args a;
	const char *lines[] = { "--help", "-h", "help", "account --help", "key create --help",
				"credits add acc 5 --help", "help providers", "help account create",
				"stats --help" };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		if (parse(lines[i], &a) != 0)
			fail_msg("'%s' failed: %s", lines[i], err);
		assert_int_equal(a.command, ADMIN_HELP);
		assert_non_null(a.help_text);
		assert_non_null(strstr(a.help_text, "usage"));
	}
	parse("key create --help", &a);
	assert_non_null(strstr(a.help_text, "key create ACCOUNT [--test]"));
	parse("--help", &a);
	assert_non_null(strstr(a.help_text, "credits ledger ACCOUNT"));
	assert_non_null(strstr(a.help_text, "account webhook-secret ACCOUNT"));
}

static void usage_errors_are_exit_2(void **state)
{
	(void)state;
	struct admin_args a;
	static const struct { const char *line; const char *reason; } cases[] = {
		{ "", "missing command" },
		{ "frobnicate", "unknown command" },
		{ "account", "missing subcommand" },
		{ "account delete x", "unknown subcommand" },
		{ "account create", "missing argument" },
		{ "account create _", "empty" },
		{ "account create a b", "unexpected argument" },
		{ "account create a --plan gold", "unknown plan" },
		{ "account create a --credits -5", "non-negative" },
		{ "account create a --credits 12x", "non-negative" },
		{ "account create a --credits", "needs a value" },
		{ "account create a --bogus", "unknown option" },
		{ "account set-plan acc_1", "missing argument" },
		{ "account set-plan acc_1 gold", "unknown plan" },
		{ "account set-plan acc_1 pro --rpm 99999999999", "non-negative" },
		{ "key create", "missing argument" },
		{ "key create a --test=yes", "takes no value" },
		{ "key revoke", "missing argument" },
		{ "credits add acc 5", "--reason' is required" },
		{ "credits add acc five --reason x", "non-zero integer" },
		{ "credits add acc 0 --reason x", "non-zero integer" },
		{ "credits add acc 5 --reason _", "must not be empty" },
		{ "credits ledger", "missing argument" },
		{ "providers", "missing subcommand" },
		{ "providers enable", "missing argument" },
		{ "providers route veo", "missing argument" },
		{ "providers route veo fal extra", "unexpected argument" },
		{ "providers list extra", "unexpected argument" },
		{ "stats now", "unexpected argument" },
		{ "migrate --force", "unknown option" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = parse(cases[i].line, &a);
		if (rc != ADMIN_EXIT_USAGE)
			fail_msg("'%s': expected exit 2, got %d", cases[i].line, rc);
		if (!strstr(err, cases[i].reason))
			fail_msg("'%s': reason '%s' lacks '%s'", cases[i].line, err, cases[i].reason);
		assert_non_null(usage);
		assert_non_null(strstr(usage, "usage"));
	}
	/* The usage shown is the command's own when the command is known. */
	parse("credits add acc 5", &a);
	assert_non_null(strstr(usage, "credits add ACCOUNT N --reason TEXT"));
	assert_null(strstr(usage, "doctor"));
}

static void plans(void **state)
{
	(void)state;
	assert_true(admin_valid_plan("free"));
	assert_true(admin_valid_plan("enterprise"));
	assert_false(admin_valid_plan("Pro"));
	assert_false(admin_valid_plan(""));
	assert_false(admin_valid_plan(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_lines_parse),
		cmocka_unit_test(help_is_success),
		cmocka_unit_test(usage_errors_are_exit_2),
		cmocka_unit_test(plans),
	};
	return cmocka_run_group_tests_name("admin cli", tests, NULL, NULL);
}
