/*
 * test_addr_guard.c - the SSRF address guard: a table of IPv4 and IPv6
 * addresses (every range of SPEC §9 / protocols.md §7.2, the embedded-IPv4
 * forms of 127.0.0.1 and 10.0.0.1, public addresses that must pass) through
 * addr_classify and addr_allowed, and a table of URLs through
 * addr_url_check (schemes, userinfo tricks, IPv4 spellings, zone ids, ports,
 * trailing dots), and the loopback exception (addr_url_check_lo,
 * addr_verdict_allowed_lo). Nothing here resolves a name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "outbound/addr_guard.h"

struct addr_case {
	const char *addr;
	enum addr_verdict want;
};

static const struct addr_case addr_cases[] = {
	/* IPv4, one or more per range, with edges. */
	{"0.0.0.0", ADDR_UNSPECIFIED},
	{"0.1.2.3", ADDR_RESERVED},
	{"0.255.255.255", ADDR_RESERVED},
	{"10.0.0.1", ADDR_PRIVATE},
	{"10.255.255.255", ADDR_PRIVATE},
	{"9.255.255.255", ADDR_OK},
	{"11.0.0.0", ADDR_OK},
	{"100.64.0.1", ADDR_PRIVATE},
	{"100.127.255.255", ADDR_PRIVATE},
	{"100.63.255.255", ADDR_OK},
	{"100.128.0.0", ADDR_OK},
	{"127.0.0.1", ADDR_LOOPBACK},
	{"127.255.255.254", ADDR_LOOPBACK},
	{"169.254.169.254", ADDR_LINK_LOCAL},
	{"169.254.0.1", ADDR_LINK_LOCAL},
	{"169.255.0.1", ADDR_OK},
	{"172.16.0.1", ADDR_PRIVATE},
	{"172.31.255.255", ADDR_PRIVATE},
	{"172.15.255.255", ADDR_OK},
	{"172.32.0.0", ADDR_OK},
	{"192.0.0.1", ADDR_RESERVED},
	{"192.0.0.170", ADDR_RESERVED},
	{"192.0.2.1", ADDR_RESERVED},
	{"192.0.3.1", ADDR_OK},
	{"192.88.99.1", ADDR_RESERVED},
	{"192.168.0.1", ADDR_PRIVATE},
	{"192.168.255.255", ADDR_PRIVATE},
	{"192.169.0.1", ADDR_OK},
	{"198.18.0.1", ADDR_RESERVED},
	{"198.19.255.255", ADDR_RESERVED},
	{"198.17.255.255", ADDR_OK},
	{"198.20.0.0", ADDR_OK},
	{"198.51.100.7", ADDR_RESERVED},
	{"203.0.113.9", ADDR_RESERVED},
	{"224.0.0.1", ADDR_MULTICAST},
	{"239.255.255.250", ADDR_MULTICAST},
	{"240.0.0.1", ADDR_RESERVED},
	{"255.255.255.254", ADDR_RESERVED},
	{"255.255.255.255", ADDR_RESERVED},
	{"8.8.8.8", ADDR_OK},
	{"1.1.1.1", ADDR_OK},
	{"93.184.216.34", ADDR_OK},
	{"223.255.255.255", ADDR_OK},
	/* IPv6 basics. */
	{"::", ADDR_UNSPECIFIED},
	{"::1", ADDR_LOOPBACK},
	{"fe80::1", ADDR_LINK_LOCAL},
	{"febf:ffff::1", ADDR_LINK_LOCAL},
	{"fec0::1", ADDR_PRIVATE},
	{"fc00::1", ADDR_PRIVATE},
	{"fd00:ec2::254", ADDR_PRIVATE},
	{"fdff:ffff::1", ADDR_PRIVATE},
	{"ff02::1", ADDR_MULTICAST},
	{"ff0e::1", ADDR_MULTICAST},
	{"2001:db8::1", ADDR_RESERVED},
	{"2001:db8:ffff::1", ADDR_RESERVED},
	{"3fff::1", ADDR_RESERVED},
	{"100::1", ADDR_RESERVED},
	{"100::ffff:ffff:ffff:ffff", ADDR_RESERVED},
	{"100:0:0:1::1", ADDR_RESERVED}, /* outside 2000::/3 */
	{"4000::1", ADDR_RESERVED},
	{"::2", ADDR_RESERVED},
	/* 2001::/23 and its globally reachable exceptions. */
	{"2001::1", ADDR_RESERVED},          /* Teredo */
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", ADDR_RESERVED},
	{"2001:2::1", ADDR_RESERVED},        /* benchmarking */
	{"2001:10::1", ADDR_RESERVED},       /* ORCHID (deprecated) */
	{"2001:1ff::1", ADDR_RESERVED},
	{"2001:1::1", ADDR_OK},
	{"2001:1::2", ADDR_OK},
	{"2001:1::4", ADDR_RESERVED},
	{"2001:3::1", ADDR_OK},
	{"2001:4:112::1", ADDR_OK},
	{"2001:20::1", ADDR_OK},
	{"2001:30::1", ADDR_OK},
	{"2001:200::1", ADDR_OK},            /* first address after the /23 */
	/* Embedded IPv4: mapped, compatible, NAT64, 6to4. */
	{"::ffff:127.0.0.1", ADDR_LOOPBACK},
	{"::ffff:10.0.0.1", ADDR_PRIVATE},
	{"::ffff:169.254.169.254", ADDR_LINK_LOCAL},
	{"::ffff:0.0.0.0", ADDR_UNSPECIFIED},
	{"::ffff:8.8.8.8", ADDR_OK},
	{"::127.0.0.1", ADDR_LOOPBACK},
	{"::10.0.0.1", ADDR_PRIVATE},
	{"::8.8.8.8", ADDR_RESERVED},
	{"64:ff9b::127.0.0.1", ADDR_LOOPBACK},
	{"64:ff9b::10.0.0.1", ADDR_PRIVATE},
	{"64:ff9b::8.8.8.8", ADDR_OK},
	{"64:ff9b:1::a00:1", ADDR_PRIVATE},
	{"64:ff9b:2::1", ADDR_RESERVED},
	{"2002:7f00:1::", ADDR_LOOPBACK},
	{"2002:a00:1::1", ADDR_PRIVATE},
	{"2002:808:808::1", ADDR_RESERVED},
	/* Public IPv6. */
	{"2606:4700:4700::1111", ADDR_OK},
	{"2001:4860:4860::8888", ADDR_OK},
	{"2a00:1450:4001:80b::200e", ADDR_OK},
	{"3ffe::1", ADDR_OK},
};

static void to_sockaddr(const char *s, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in sin = {0};
	struct sockaddr_in6 sin6 = {0};
	if (inet_pton(AF_INET, s, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(443);
		memcpy(ss, &sin, sizeof sin);
	} else if (inet_pton(AF_INET6, s, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(443);
		memcpy(ss, &sin6, sizeof sin6);
	} else {
		fail_msg("test table: bad address %s", s);
	}
}

static void address_table(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof addr_cases / sizeof addr_cases[0]; i++) {
		const struct addr_case *c = &addr_cases[i];
		struct sockaddr_storage ss;
		to_sockaddr(c->addr, &ss);
		const struct sockaddr *sa = (const struct sockaddr *)&ss;
		enum addr_verdict got = addr_classify(sa);
		if (got != c->want) {
			print_error("%s: got %s, want %s\n", c->addr, addr_verdict_name(got),
				    addr_verdict_name(c->want));
			failures++;
			continue;
		}
		bool priv_ok = c->want == ADDR_OK || c->want == ADDR_LOOPBACK ||
			       c->want == ADDR_PRIVATE || c->want == ADDR_LINK_LOCAL;
		if (addr_allowed(sa, false) != (c->want == ADDR_OK) ||
		    addr_allowed(sa, true) != priv_ok) {
			print_error("%s: addr_allowed disagrees with %s\n", c->addr,
				    addr_verdict_name(got));
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_true(sizeof addr_cases / sizeof addr_cases[0] >= 40);
}

static void other_families_refused(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	assert_int_equal(addr_classify((const struct sockaddr *)&ss), ADDR_BAD_FAMILY);
	assert_false(addr_allowed((const struct sockaddr *)&ss, true));
	assert_int_equal(addr_classify(NULL), ADDR_BAD_FAMILY);
	assert_false(addr_allowed(NULL, true));
}

static void verdicts_allowed_and_named(void **state)
{
	(void)state;
	for (int v = ADDR_OK; v <= ADDR_BAD_FAMILY; v++) {
		const char *name = addr_verdict_name((enum addr_verdict)v);
		assert_non_null(name);
		assert_true(strlen(name) > 3);
		for (int w = ADDR_OK; w < v; w++)
			assert_string_not_equal(name, addr_verdict_name((enum addr_verdict)w));
	}
	assert_true(addr_verdict_allowed(ADDR_OK, false));
	assert_true(addr_verdict_allowed(ADDR_LOOPBACK, true));
	assert_false(addr_verdict_allowed(ADDR_LOOPBACK, false));
	assert_true(addr_verdict_allowed(ADDR_LINK_LOCAL, true));
	assert_false(addr_verdict_allowed(ADDR_MULTICAST, true));
	assert_false(addr_verdict_allowed(ADDR_RESERVED, true));
	assert_false(addr_verdict_allowed(ADDR_UNSPECIFIED, true));
	assert_int_equal(addr_classify_v4(0x7f000001u), ADDR_LOOPBACK);
}

struct url_case {
	const char *url;
	bool allow_http;
	bool allow_private;
	enum addr_url_verdict want;
};

#define H true  /* allow_http */
#define S false /* https only */
#define P true  /* allow_private */
#define G false /* public only */

static const struct url_case url_cases[] = {
	/* Accepted. */
	{"https://example.com/hook", S, G, ADDR_URL_OK},
	{"https://example.com:8443/a?b=c#d", S, G, ADDR_URL_OK},
	{"http://example.com/", H, G, ADDR_URL_OK},
	{"HTTPS://EXAMPLE.COM/", S, G, ADDR_URL_OK},
	{"HtTp://example.com/", H, G, ADDR_URL_OK},
	{"https://example.com./", S, G, ADDR_URL_OK},
	{"https://8.8.8.8/", S, G, ADDR_URL_OK},
	{"https://1.1.1.1:443/", S, G, ADDR_URL_OK},
	{"https://[2606:4700:4700::1111]/", S, G, ADDR_URL_OK},
	{"https://[2606:4700:4700::1111]:8443/x", S, G, ADDR_URL_OK},
	{"https://[::ffff:8.8.8.8]/", S, G, ADDR_URL_OK},
	{"https://xn--bcher-kva.example/", S, G, ADDR_URL_OK},
	{"https://example.com:65535/", S, G, ADDR_URL_OK},
	{"https://example.com:1/", S, G, ADDR_URL_OK},
	{"https://example.com#@127.0.0.1", S, G, ADDR_URL_OK},  /* '@' in the fragment */
	{"https://example.com/p@th", S, G, ADDR_URL_OK},
	/* The test stack: http and loopback allowed. */
	{"http://127.0.0.1:8080/hook", H, P, ADDR_URL_OK},
	{"http://localhost:8080/hook", H, P, ADDR_URL_OK},
	{"http://[::1]:8080/hook", H, P, ADDR_URL_OK},
	{"http://10.0.0.1/", H, P, ADDR_URL_OK},
	/* Schemes. */
	{"http://example.com/", S, G, ADDR_URL_SCHEME},
	{"ftp://example.com/", H, G, ADDR_URL_SCHEME},
	{"file:///etc/passwd", H, P, ADDR_URL_SCHEME},
	{"gopher://example.com:70/_x", H, P, ADDR_URL_SCHEME},
	{"javascript:alert(1)", H, P, ADDR_URL_SCHEME},
	{"dict://127.0.0.1:11211/", H, P, ADDR_URL_SCHEME},
	{"httpx://example.com/", H, G, ADDR_URL_SCHEME},
	{"//example.com/", H, G, ADDR_URL_SCHEME},
	{"example.com", H, G, ADDR_URL_SCHEME},
	{"https:example.com", S, G, ADDR_URL_MALFORMED},
	{"https:/example.com/", S, G, ADDR_URL_MALFORMED},
	/* Userinfo tricks. */
	{"http://evil.com@127.0.0.1/", H, P, ADDR_URL_USERINFO},
	{"http://127.0.0.1@evil.com/", H, P, ADDR_URL_USERINFO},
	{"https://user:pass@example.com/", S, G, ADDR_URL_USERINFO},
	{"https://example.com:443@127.0.0.1/", S, P, ADDR_URL_USERINFO},
	{"https://@example.com/", S, G, ADDR_URL_USERINFO},
	{"https://example.com\\@127.0.0.1/", S, G, ADDR_URL_MALFORMED},
	/* Host and syntax. */
	{"https:///path", S, G, ADDR_URL_NO_HOST},
	{"https://:443/", S, G, ADDR_URL_NO_HOST},
	{"https://", S, G, ADDR_URL_NO_HOST},
	{"https://exa mple.com/", S, G, ADDR_URL_MALFORMED},
	{"https://example.com/\n", S, G, ADDR_URL_MALFORMED},
	{"https://ex\xc3\xa4mple.com/", S, G, ADDR_URL_MALFORMED},
	{"https://a..b/", S, G, ADDR_URL_MALFORMED},
	{"https://.example.com/", S, G, ADDR_URL_MALFORMED},
	{"https://[fe80::1/", S, G, ADDR_URL_MALFORMED},
	{"https://[not-v6]/", S, G, ADDR_URL_MALFORMED},
	{"https://1.2.3.4.5/", S, G, ADDR_URL_MALFORMED},
	{"https://4294967296/", S, G, ADDR_URL_MALFORMED},
	{"https://09.0.0.1/", S, G, ADDR_URL_MALFORMED},
	{"https://example.0x1g/", S, G, ADDR_URL_OK},
	{"", S, G, ADDR_URL_MALFORMED},
	/* Ports. */
	{"https://example.com:0/", S, G, ADDR_URL_PORT},
	{"https://example.com:65536/", S, G, ADDR_URL_PORT},
	{"https://example.com:99999999999/", S, G, ADDR_URL_PORT},
	{"https://example.com:-1/", S, G, ADDR_URL_PORT},
	{"https://example.com:0x50/", S, G, ADDR_URL_PORT},
	{"https://example.com:/", S, G, ADDR_URL_OK},
	/* Zone ids, even when private addresses are allowed. */
	{"http://[fe80::1%25eth0]/", H, P, ADDR_URL_ZONE_ID},
	{"https://[fe80::1%eth0]/", S, P, ADDR_URL_ZONE_ID},
	/* Literal addresses in every spelling. */
	{"https://127.0.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://2130706433/", S, G, ADDR_URL_ADDRESS},
	{"https://0x7f000001/", S, G, ADDR_URL_ADDRESS},
	{"https://0X7F000001/", S, G, ADDR_URL_ADDRESS},
	{"https://0177.0.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://0177.0000.0000.0001/", S, G, ADDR_URL_ADDRESS},
	{"https://127.1/", S, G, ADDR_URL_ADDRESS},
	{"https://127.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://0x7f.1/", S, G, ADDR_URL_ADDRESS},
	{"https://0x7f.0x0.0x0.0x1/", S, G, ADDR_URL_ADDRESS},
	{"https://127.0.0.1./", S, G, ADDR_URL_ADDRESS},
	{"https://%31%32%37.0.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://0/", S, P, ADDR_URL_ADDRESS},
	{"https://0x/", S, P, ADDR_URL_ADDRESS},
	{"https://0.0.0.0:8080/", S, P, ADDR_URL_ADDRESS},
	{"https://10.0.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://167772161/", S, G, ADDR_URL_ADDRESS},
	{"https://012.0.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://169.254.169.254/latest/meta-data/", S, G, ADDR_URL_ADDRESS},
	{"https://192.168.1.1/", S, G, ADDR_URL_ADDRESS},
	{"https://100.64.0.1/", S, G, ADDR_URL_ADDRESS},
	{"https://224.0.0.1/", S, P, ADDR_URL_ADDRESS},
	{"https://255.255.255.255/", S, P, ADDR_URL_ADDRESS},
	{"https://192.0.2.1/", S, P, ADDR_URL_ADDRESS},
	{"https://[::1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[::]/", S, P, ADDR_URL_ADDRESS},
	{"https://[::ffff:127.0.0.1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[::ffff:7f00:1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[0:0:0:0:0:FFFF:7F00:0001]/", S, G, ADDR_URL_ADDRESS},
	{"https://[::ffff:10.0.0.1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[::127.0.0.1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[::10.0.0.1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[64:ff9b::127.0.0.1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[64:ff9b::a00:1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[2002:7f00:1::]/", S, G, ADDR_URL_ADDRESS},
	{"https://[2002:a00:1::]/", S, G, ADDR_URL_ADDRESS},
	{"https://[2001::1]/", S, P, ADDR_URL_ADDRESS},
	{"https://[fe80::1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[fd00::1]/", S, G, ADDR_URL_ADDRESS},
	{"https://[ff02::1]/", S, P, ADDR_URL_ADDRESS},
	{"https://[2001:db8::1]/", S, P, ADDR_URL_ADDRESS},
	{"https://localhost/", S, G, ADDR_URL_ADDRESS},
	{"https://LOCALHOST./", S, G, ADDR_URL_ADDRESS},
	{"https://api.localhost/", S, G, ADDR_URL_ADDRESS},
	{"https://notlocalhost/", S, G, ADDR_URL_OK},
};

static void url_table(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		const struct url_case *c = &url_cases[i];
		char why[128];
		enum addr_url_verdict got =
			addr_url_check(c->url, c->allow_http, c->allow_private, why, sizeof why);
		if (got != c->want) {
			print_error("%s (http=%d private=%d): got %d, want %d (%s)\n", c->url,
				    c->allow_http, c->allow_private, got, c->want, why);
			failures++;
		} else if ((got == ADDR_URL_OK) != (why[0] == '\0')) {
			print_error("%s: reason \"%s\" does not match the verdict\n", c->url, why);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_true(sizeof url_cases / sizeof url_cases[0] >= 25);
}

struct url_lo_case {
	const char *url;
	bool allow_private;
	enum addr_url_verdict want;
};

/* allow_loopback (the test stack) admits loopback literals and localhost
 * names, and nothing else that allow_private would. */
static const struct url_lo_case url_lo_cases[] = {
	{"http://127.0.0.1:8080/hook", G, ADDR_URL_OK},
	{"http://127.0.0.2/", G, ADDR_URL_OK},
	{"http://2130706433/", G, ADDR_URL_OK},
	{"http://[::1]:8080/", G, ADDR_URL_OK},
	{"http://[::ffff:127.0.0.1]/", G, ADDR_URL_OK},
	{"http://localhost:8080/", G, ADDR_URL_OK},
	{"http://api.localhost/", G, ADDR_URL_OK},
	{"http://example.com/", G, ADDR_URL_OK},
	{"http://10.0.0.1/", G, ADDR_URL_ADDRESS},
	{"http://[::ffff:10.0.0.1]/", G, ADDR_URL_ADDRESS},
	{"http://169.254.169.254/", G, ADDR_URL_ADDRESS},
	{"http://192.168.1.1/", G, ADDR_URL_ADDRESS},
	{"http://[fe80::1]/", G, ADDR_URL_ADDRESS},
	{"http://[fd00::1]/", G, ADDR_URL_ADDRESS},
	{"http://0.0.0.0/", G, ADDR_URL_ADDRESS},
	{"http://224.0.0.1/", G, ADDR_URL_ADDRESS},
	{"http://10.0.0.1/", P, ADDR_URL_OK},
	{"http://127.0.0.1/", P, ADDR_URL_OK},
	{"http://0.0.0.0/", P, ADDR_URL_ADDRESS},
};

static void url_loopback_exception(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof url_lo_cases / sizeof url_lo_cases[0]; i++) {
		const struct url_lo_case *c = &url_lo_cases[i];
		char why[128];
		enum addr_url_verdict got =
			addr_url_check_lo(c->url, true, true, c->allow_private, why, sizeof why);
		if (got != c->want) {
			print_error("%s (loopback, private=%d): got %d, want %d (%s)\n", c->url,
				    c->allow_private, got, c->want, why);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	/* Without the exception nothing changes: addr_url_check is _lo(false). */
	assert_int_equal(addr_url_check_lo("http://127.0.0.1/", true, false, false, NULL, 0),
			 ADDR_URL_ADDRESS);
	assert_int_equal(addr_url_check_lo("https://127.0.0.1/", false, true, false, NULL, 0),
			 ADDR_URL_OK);
	assert_int_equal(addr_url_check_lo("http://127.0.0.1/", false, true, true, NULL, 0),
			 ADDR_URL_SCHEME);
}

static void verdict_loopback_exception(void **state)
{
	(void)state;
	for (int v = ADDR_OK; v <= ADDR_BAD_FAMILY; v++) {
		enum addr_verdict vv = (enum addr_verdict)v;
		for (int priv = 0; priv <= 1; priv++) {
			assert_int_equal(addr_verdict_allowed_lo(vv, false, priv),
					 addr_verdict_allowed(vv, priv));
			assert_int_equal(addr_verdict_allowed_lo(vv, true, priv),
					 addr_verdict_allowed(vv, priv) || vv == ADDR_LOOPBACK);
		}
	}
	assert_true(addr_verdict_allowed_lo(ADDR_LOOPBACK, true, false));
	assert_false(addr_verdict_allowed_lo(ADDR_PRIVATE, true, false));
	assert_false(addr_verdict_allowed_lo(ADDR_LINK_LOCAL, true, false));
}

static void url_length_limit(void **state)
{
	(void)state;
	static char url[ADDR_URL_MAX + 2];
	const char *prefix = "https://example.com/";
	size_t plen = strlen(prefix);
	memcpy(url, prefix, plen);
	memset(url + plen, 'a', ADDR_URL_MAX - plen);
	url[ADDR_URL_MAX] = '\0';
	assert_int_equal(addr_url_check(url, false, false, NULL, 0), ADDR_URL_OK);
	url[ADDR_URL_MAX] = 'a';
	url[ADDR_URL_MAX + 1] = '\0';
	char why[8];
	assert_int_equal(addr_url_check(url, false, false, why, sizeof why), ADDR_URL_TOO_LONG);
	assert_int_equal(strlen(why), sizeof why - 1); /* truncated, terminated */
	assert_int_equal(addr_url_check(NULL, true, true, why, sizeof why), ADDR_URL_MALFORMED);
}

static void reason_names_the_class(void **state)
{
	(void)state;
	char why[128];
	assert_int_equal(addr_url_check("https://2130706433/", false, false, why, sizeof why),
			 ADDR_URL_ADDRESS);
	assert_non_null(strstr(why, "loopback"));
	assert_int_equal(addr_url_check("https://[ff02::1]/", false, true, why, sizeof why),
			 ADDR_URL_ADDRESS);
	assert_non_null(strstr(why, "multicast"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_table),
		cmocka_unit_test(other_families_refused),
		cmocka_unit_test(verdicts_allowed_and_named),
		cmocka_unit_test(url_table),
		cmocka_unit_test(url_loopback_exception),
		cmocka_unit_test(verdict_loopback_exception),
		cmocka_unit_test(url_length_limit),
		cmocka_unit_test(reason_names_the_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
