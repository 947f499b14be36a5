/*
 * test_cli.c - the doitong client's argument parser: every command parses,
 * option values are typed (integers, numbers, booleans, strings), help is
 * exit 0 for the program and each command, and each kind of bad usage is
 * exit 2 with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "client/cli.h"

#define MAX_ARGS 32

static char err[512];
static const char *usage;
static struct client_args args;

/* Parses a space-separated command line ("_" stands for an empty argument,
 * "~" for a space inside one). Frees the previous result first. */
static int parse(const char *line)
{
	static char buf[1024];
	char *argv[MAX_ARGS];
	int argc = 0;
	client_args_free(&args);
	strncpy(buf, line, sizeof buf - 1);
	argv[argc++] = (char *)"doitong";
	for (char *tok = strtok(buf, " "); tok && argc < MAX_ARGS; tok = strtok(NULL, " ")) {
		for (char *c = tok; *c; c++)
			if (*c == '~')
				*c = ' ';
		argv[argc++] = !strcmp(tok, "_") ? (char *)"" : tok;
	}
	return client_parse_args(argc, argv, &args, err, sizeof err, &usage);
}

static int teardown(void **state)
{
	(void)state;
	client_args_free(&args);
	return 0;
}

static void generate_parses(void **state)
{
	(void)state;
	assert_int_equal(parse("generate --type video a cat on a skateboard"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_GENERATE);
	assert_string_equal(args.type, "VIDEO");
	assert_string_equal(args.prompt, "a cat on a skateboard");
	assert_null(args.provider);
	assert_null(args.options);
	assert_null(args.priority);
	assert_false(args.no_wait);
	assert_false(args.json);
	assert_int_equal(args.timeout, 900);

	assert_int_equal(parse("--url http://x/graphql generate --type=Image --provider kling --model v2.1 "
			       "--image https://i/p.png --priority Quality --webhook https://h/ "
			       "--idempotency-key k-1 --no-wait --json --key dt_test_1 --timeout 30 hello"),
			 CLIENT_EXIT_OK);
	assert_string_equal(args.url, "http://x/graphql");
	assert_string_equal(args.key, "dt_test_1");
	assert_string_equal(args.type, "IMAGE");
	assert_string_equal(args.provider, "kling");
	assert_string_equal(args.model, "v2.1");
	assert_string_equal(args.image, "https://i/p.png");
	assert_string_equal(args.priority, "QUALITY");
	assert_string_equal(args.webhook, "https://h/");
	assert_string_equal(args.idempotency_key, "k-1");
	assert_true(args.no_wait);
	assert_true(args.json);
	assert_int_equal(args.timeout, 30);
	assert_string_equal(args.prompt, "hello");

	assert_int_equal(parse("generate -o out.wav --type audio -- --not-a-flag"), CLIENT_EXIT_OK);
	assert_string_equal(args.output, "out.wav");
	assert_string_equal(args.prompt, "--not-a-flag");
	assert_int_equal(parse("generate --type audio one~word"), CLIENT_EXIT_OK);
	assert_string_equal(args.prompt, "one word");
}

static void option_values_are_typed(void **state)
{
	(void)state;
	assert_int_equal(parse("generate --type video --option duration=5 --option cfg=0.5 "
			       "--option loop=true --option hd=false --option mode=pro --option seed=-12 "
			       "--option ratio=16:9 --option v=1.5.2 --option empty= --option eq=a=b "
			       "--option big=12345678901234567890 --option nan=nan --option exp=1e3 x"),
			 CLIENT_EXIT_OK);
	json_t *o = args.options;
	assert_true(json_is_integer(json_object_get(o, "duration")));
	assert_int_equal(json_integer_value(json_object_get(o, "duration")), 5);
	assert_true(json_is_real(json_object_get(o, "cfg")));
	assert_true(json_real_value(json_object_get(o, "cfg")) == 0.5);
	assert_true(json_is_true(json_object_get(o, "loop")));
	assert_true(json_is_false(json_object_get(o, "hd")));
	assert_string_equal(json_string_value(json_object_get(o, "mode")), "pro");
	assert_int_equal(json_integer_value(json_object_get(o, "seed")), -12);
	assert_string_equal(json_string_value(json_object_get(o, "ratio")), "16:9");
	assert_string_equal(json_string_value(json_object_get(o, "v")), "1.5.2");
	assert_string_equal(json_string_value(json_object_get(o, "empty")), "");
	assert_string_equal(json_string_value(json_object_get(o, "eq")), "a=b");
	/* Too long for an exact integer: a real, still a number. */
	assert_true(json_is_real(json_object_get(o, "big")));
	assert_string_equal(json_string_value(json_object_get(o, "nan")), "nan");
	assert_true(json_real_value(json_object_get(o, "exp")) == 1000.0);

	/* A later value for the same key wins. */
	assert_int_equal(parse("generate --type video --option d=5 --option d=10 x"), CLIENT_EXIT_OK);
	assert_int_equal(json_integer_value(json_object_get(args.options, "d")), 10);
}

static void option_value_function(void **state)
{
	(void)state;
	static const struct { const char *in; json_type type; } cases[] = {
		{ "0", JSON_INTEGER }, { "+7", JSON_INTEGER }, { "-0.25", JSON_REAL }, { ".5", JSON_REAL },
		{ "True", JSON_STRING }, { "inf", JSON_STRING }, { "0x10", JSON_STRING }, { "-", JSON_STRING },
		{ "1e", JSON_STRING }, { "5s", JSON_STRING }, { "", JSON_STRING }, { "null", JSON_STRING },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = client_option_value(cases[i].in);
		if (json_typeof(v) != cases[i].type)
			fail_msg("'%s': type %d, expected %d", cases[i].in, json_typeof(v), cases[i].type);
		json_decref(v);
	}
}

static void other_commands_parse(void **state)
{
	(void)state;
	assert_int_equal(parse("status gen_1"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_STATUS);
	assert_string_equal(args.id, "gen_1");
	assert_int_equal(parse("--json cancel gen_2"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_CANCEL);
	assert_true(args.json);
	assert_int_equal(parse("list"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_LIST);
	assert_int_equal(args.limit, 20);
	assert_null(args.status);
	assert_int_equal(parse("list --limit 5 --status failed --type AUDIO"), CLIENT_EXIT_OK);
	assert_int_equal(args.limit, 5);
	assert_string_equal(args.status, "FAILED");
	assert_string_equal(args.filter_type, "AUDIO");
	assert_int_equal(parse("providers --type video"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_PROVIDERS);
	assert_string_equal(args.filter_type, "VIDEO");
	assert_int_equal(parse("account --url=http://h/graphql"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_ACCOUNT);
	assert_string_equal(args.url, "http://h/graphql");
	assert_int_equal(parse("--version"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_VERSION);
}

static void help_everywhere(void **state)
{
	(void)state;
	assert_int_equal(parse("--help"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_HELP);
	assert_non_null(strstr(args.help_text, "doitong generate"));
	assert_non_null(strstr(args.help_text, "Exit codes"));
	assert_int_equal(parse("help"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_HELP);
	assert_int_equal(parse("help generate"), CLIENT_EXIT_OK);
	assert_non_null(strstr(args.help_text, "--idempotency-key"));
	const char *generate_help = args.help_text;
	assert_int_equal(parse("generate --help"), CLIENT_EXIT_OK);
	assert_int_equal(args.command, CLIENT_HELP);
	assert_ptr_equal(args.help_text, generate_help);
	/* Help wins over missing arguments. */
	assert_int_equal(parse("status -h"), CLIENT_EXIT_OK);
	assert_non_null(strstr(args.help_text, "doitong status ID"));
	static const char *const words[] = { "status", "cancel", "list", "providers", "account" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "help %s", words[i]);
		assert_int_equal(parse(line), CLIENT_EXIT_OK);
		assert_non_null(strstr(args.help_text, words[i]));
	}
}

/* Each bad line is a usage error whose reason contains the fragment. */
static void usage_errors(void **state)
{
	(void)state;
	static const struct { const char *line, *reason; } cases[] = {
		{ "", "no command" },
		{ "frobnicate", "unknown command 'frobnicate'" },
		{ "generate hello", "needs --type" },
		{ "generate --type video", "needs a prompt" },
		{ "generate --type sound x", "--type must be" },
		{ "generate --type video --priority fast x", "--priority must be" },
		{ "generate --type video --option duration x", "KEY=VALUE" },
		{ "generate --type video --option =5 x", "empty key" },
		{ "generate --type video --timeout 0 x", "--timeout" },
		{ "generate --type video --timeout ten x", "--timeout" },
		{ "generate --type video --idempotency-key _ x", "1 to 255" },
		{ "generate --type video --idempotency-key a~b x", "visible ASCII" },
		{ "generate --type video --no-wait -o f x", "exclude" },
		{ "generate --type video --bogus x", "unknown flag '--bogus'" },
		{ "generate --type video --no-wait=1 x", "takes no value" },
		{ "generate --type video x --model", "--model needs a value" },
		{ "status", "exactly one generation id" },
		{ "status a b", "exactly one" },
		{ "cancel _", "exactly one" },
		{ "list --limit 0", "--limit" },
		{ "list --limit 101", "--limit" },
		{ "list --status done", "--status must be" },
		{ "list extra", "takes no arguments" },
		{ "providers --type x", "--type must be" },
		{ "providers --limit 5", "unknown flag '--limit'" },
		{ "account --provider p", "unknown flag" },
		{ "help nope", "unknown command 'nope'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = parse(cases[i].line);
		if (rc != CLIENT_EXIT_USAGE)
			fail_msg("'%s': exit %d, expected 2", cases[i].line, rc);
		if (!strstr(err, cases[i].reason))
			fail_msg("'%s': reason '%s' lacks '%s'", cases[i].line, err, cases[i].reason);
		assert_non_null(usage);
	}
	assert_int_equal(parse("status"), CLIENT_EXIT_USAGE);
	assert_string_equal(usage, "doitong status ID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(generate_parses, teardown),
		cmocka_unit_test_teardown(option_values_are_typed, teardown),
		cmocka_unit_test(option_value_function),
		cmocka_unit_test_teardown(other_commands_parse, teardown),
		cmocka_unit_test_teardown(help_everywhere, teardown),
		cmocka_unit_test_teardown(usage_errors, teardown),
	};
	return cmocka_run_group_tests_name("client/cli", tests, NULL, NULL);
}
