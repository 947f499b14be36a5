/*
 * addr_guard.c - address classification and URL acceptance for outbound HTTP
 * (see addr_guard.h, SPEC §9, protocols.md §7.2). The range tables follow the
 * IANA IPv4/IPv6 special-purpose registries. Embedded IPv4 is unwrapped
 * before deciding, because a "global?" test alone passes NAT64 and 6to4
 * forms of internal addresses. Nothing here resolves names; URL parsing is
 * libcurl's CURLU so the host checked is the host libcurl will use.
 */
#include "outbound/addr_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common/util.h"

/* One IPv4 prefix: address and mask in host byte order. */
struct v4_range {
	uint32_t net;
	uint32_t mask;
	enum addr_verdict verdict;
};

/* Checked in order; 0.0.0.0 itself is handled before the table. */
static const struct v4_range v4_ranges[] = {
	{0x00000000u, 0xff000000u, ADDR_RESERVED},   /* 0.0.0.0/8 "this network" */
	{0x0a000000u, 0xff000000u, ADDR_PRIVATE},    /* 10.0.0.0/8 */
	{0x64400000u, 0xffc00000u, ADDR_PRIVATE},    /* 100.64.0.0/10 CGNAT */
	{0x7f000000u, 0xff000000u, ADDR_LOOPBACK},   /* 127.0.0.0/8 */
	{0xa9fe0000u, 0xffff0000u, ADDR_LINK_LOCAL}, /* 169.254.0.0/16 */
	{0xac100000u, 0xfff00000u, ADDR_PRIVATE},    /* 172.16.0.0/12 */
	{0xc0000000u, 0xffffff00u, ADDR_RESERVED},   /* 192.0.0.0/24 IETF assignments */
	{0xc0000200u, 0xffffff00u, ADDR_RESERVED},   /* 192.0.2.0/24 TEST-NET-1 */
	{0xc0586300u, 0xffffff00u, ADDR_RESERVED},   /* 192.88.99.0/24 6to4 relay */
	{0xc0a80000u, 0xffff0000u, ADDR_PRIVATE},    /* 192.168.0.0/16 */
	{0xc6120000u, 0xfffe0000u, ADDR_RESERVED},   /* 198.18.0.0/15 benchmarking */
	{0xc6336400u, 0xffffff00u, ADDR_RESERVED},   /* 198.51.100.0/24 TEST-NET-2 */
	{0xcb007100u, 0xffffff00u, ADDR_RESERVED},   /* 203.0.113.0/24 TEST-NET-3 */
	{0xe0000000u, 0xf0000000u, ADDR_MULTICAST},  /* 224.0.0.0/4 */
	{0xf0000000u, 0xf0000000u, ADDR_RESERVED},   /* 240.0.0.0/4 incl. 255.255.255.255 */
};

enum addr_verdict addr_classify_v4(uint32_t a)
{
	if (a == 0)
		return ADDR_UNSPECIFIED;
	for (size_t i = 0; i < ARRAY_LEN(v4_ranges); i++)
		if ((a & v4_ranges[i].mask) == v4_ranges[i].net)
			return v4_ranges[i].verdict;
	return ADDR_OK;
}

static uint32_t v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * 2001::/23 (IETF protocol assignments) is not globally reachable except for
 * the registry entries marked so: 2001:1::1, 2001:1::2, 2001:1::3 (anycast
 * services), 2001:3::/32 (AMT), 2001:4:112::/48 (AS112-v6), 2001:20::/28
 * (ORCHIDv2) and 2001:30::/28 (DRIP). Teredo 2001::/32 and everything else
 * in the block, e.g. 2001:2::/48 benchmarking, is reserved.
 */
static enum addr_verdict classify_2001_23(const unsigned char *a)
{
	unsigned w1 = (unsigned)a[2] << 8 | a[3];
	if (w1 == 0x0001 && all_zero(a + 4, 11) && a[15] >= 1 && a[15] <= 3)
		return ADDR_OK;
	if (w1 == 0x0003)
		return ADDR_OK;
	if (w1 == 0x0004 && a[4] == 0x01 && a[5] == 0x12)
		return ADDR_OK;
	if ((w1 & 0xfff0) == 0x0020 || (w1 & 0xfff0) == 0x0030)
		return ADDR_OK;
	return ADDR_RESERVED;
}

enum addr_verdict addr_classify_v6(const unsigned char a[16])
{
	if (all_zero(a, 16))
		return ADDR_UNSPECIFIED;
	if (all_zero(a, 15) && a[15] == 1)
		return ADDR_LOOPBACK;
	/* ::ffff:a.b.c.d is the IPv4 address itself. */
	if (all_zero(a, 10) && a[10] == 0xff && a[11] == 0xff)
		return addr_classify_v4(v4_at(a + 12));
	/* ::a.b.c.d (deprecated IPv4-compatible): the embedded verdict when it
	 * is not OK, else reserved, since nothing legitimate uses the form. */
	if (all_zero(a, 12)) {
		enum addr_verdict v = addr_classify_v4(v4_at(a + 12));
		return v == ADDR_OK ? ADDR_RESERVED : v;
	}
	/* 64:ff9b::/96 NAT64 well-known prefix: what DNS64 gives an IPv6-only
	 * host for a public name, so it is exactly as good as its IPv4. */
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) {
		if (all_zero(a + 4, 8))
			return addr_classify_v4(v4_at(a + 12));
		if (a[4] == 0x00 && a[5] == 0x01)
			return ADDR_PRIVATE; /* 64:ff9b:1::/48 local-use NAT64 */
		return ADDR_RESERVED;
	}
	/* 100::/64 discard-only. */
	if (a[0] == 0x01 && a[1] == 0x00 && all_zero(a + 2, 6))
		return ADDR_RESERVED;
	if (a[0] == 0x20 && a[1] == 0x01) {
		if ((a[2] & 0xfe) == 0x00) /* 2001::/23 */
			return classify_2001_23(a);
		if (a[2] == 0x0d && a[3] == 0xb8)
			return ADDR_RESERVED; /* 2001:db8::/32 documentation */
	}
	/* 2002::/16 6to4: the embedded verdict when it is not OK, else reserved
	 * (6to4 is deprecated by RFC 7526 and smokescreen refuses it). */
	if (a[0] == 0x20 && a[1] == 0x02) {
		enum addr_verdict v = addr_classify_v4(v4_at(a + 2));
		return v == ADDR_OK ? ADDR_RESERVED : v;
	}
	if (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0x00)
		return ADDR_RESERVED; /* 3fff::/20 documentation (RFC 9637) */
	if (a[0] == 0xff)
		return ADDR_MULTICAST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return ADDR_LINK_LOCAL; /* fe80::/10 */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return ADDR_PRIVATE; /* fec0::/10 deprecated site-local */
	if ((a[0] & 0xfe) == 0xfc)
		return ADDR_PRIVATE; /* fc00::/7 unique local */
	/* Outside 2000::/3 nothing is allocated for global unicast. */
	if ((a[0] & 0xe0) != 0x20)
		return ADDR_RESERVED;
	return ADDR_OK;
}

enum addr_verdict addr_classify(const struct sockaddr *sa)
{
	if (!sa)
		return ADDR_BAD_FAMILY;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;
		memcpy(&sin, sa, sizeof sin);
		return addr_classify_v4(ntohl(sin.sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;
		memcpy(&sin6, sa, sizeof sin6);
		return addr_classify_v6(sin6.sin6_addr.s6_addr);
	}
	return ADDR_BAD_FAMILY;
}

bool addr_verdict_allowed(enum addr_verdict v, bool allow_private)
{
	switch (v) {
	case ADDR_OK:
		return true;
	case ADDR_LOOPBACK:
	case ADDR_PRIVATE:
	case ADDR_LINK_LOCAL:
		return allow_private;
	case ADDR_MULTICAST:
	case ADDR_RESERVED:
	case ADDR_UNSPECIFIED:
	case ADDR_BAD_FAMILY:
		return false;
	}
	return false;
}

bool addr_verdict_allowed_lo(enum addr_verdict v, bool allow_loopback, bool allow_private)
{
	return addr_verdict_allowed(v, allow_private) || (allow_loopback && v == ADDR_LOOPBACK);
}

bool addr_allowed(const struct sockaddr *sa, bool allow_private)
{
	return addr_verdict_allowed(addr_classify(sa), allow_private);
}

const char *addr_verdict_name(enum addr_verdict v)
{
	switch (v) {
	case ADDR_OK:
		return "public";
	case ADDR_LOOPBACK:
		return "loopback";
	case ADDR_PRIVATE:
		return "private";
	case ADDR_LINK_LOCAL:
		return "link-local";
	case ADDR_MULTICAST:
		return "multicast";
	case ADDR_RESERVED:
		return "reserved";
	case ADDR_UNSPECIFIED:
		return "unspecified";
	case ADDR_BAD_FAMILY:
		return "not IPv4 or IPv6";
	}
	return "unknown";
}

/* ---- URL acceptance ---------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parses s[0..len) as the classic BSD inet_aton does: one to four parts
 * separated by dots, each decimal, octal (leading 0) or hex (0x, digits
 * optional); the last part fills the remaining bytes (127.1, 10.1.2,
 * 2130706433). Stores the address in host order. No whitespace, no sign.
 */
static bool parse_ipv4_classic(const char *s, size_t len, uint32_t *out)
{
	uint64_t parts[4];
	size_t n = 0, i = 0;
	for (;;) {
		if (i >= len || !is_digit(s[i]) || n == 4)
			return false;
		uint64_t val = 0;
		unsigned base = 10;
		if (s[i] == '0') {
			base = 8;
			i++;
			if (i < len && (s[i] == 'x' || s[i] == 'X')) {
				base = 16;
				i++;
			}
		}
		for (; i < len && s[i] != '.'; i++) {
			int d = hex_digit_value(s[i]);
			if (d < 0 || (unsigned)d >= base)
				return false;
			val = val * base + (unsigned)d;
			if (val > 0xffffffffu)
				return false;
		}
		parts[n++] = val;
		if (i == len)
			break;
		i++; /* the dot; a part must follow */
	}
	uint64_t addr = 0;
	for (size_t k = 0; k + 1 < n; k++) {
		if (parts[k] > 0xff)
			return false;
		addr |= parts[k] << (24 - 8 * k);
	}
	uint64_t last_max = 0xffffffffu >> (8 * (n - 1));
	if (parts[n - 1] > last_max)
		return false;
	*out = (uint32_t)(addr | parts[n - 1]);
	return true;
}

/* WHATWG's "ends in a number": the last label is all digits, or 0x + hex. */
static bool ends_in_number(const char *host, size_t len)
{
	size_t start = len;
	while (start > 0 && host[start - 1] != '.')
		start--;
	const char *l = host + start;
	size_t n = len - start;
	if (n == 0)
		return false;
	size_t i = 0;
	if (n >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X')) {
		for (i = 2; i < n; i++)
			if (hex_digit_value(l[i]) < 0)
				return false;
		return true;
	}
	for (; i < n; i++)
		if (!is_digit(l[i]))
			return false;
	return true;
}

static enum addr_url_verdict say(enum addr_url_verdict v, char *why, size_t whylen,
				 const char *fmt, ...) PRINTF_LIKE(4, 5);

static enum addr_url_verdict say(enum addr_url_verdict v, char *why, size_t whylen,
				 const char *fmt, ...)
{
	if (why && whylen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return v;
}

/* Which non-public literal hosts a URL check admits. */
struct url_allow {
	bool loopback;  /* 127/8, ::1, localhost names */
	bool priv;      /* loopback, private and link-local */
};

/* Checks an address verdict for a literal host. */
static enum addr_url_verdict check_verdict(enum addr_verdict v, struct url_allow allow,
					   char *why, size_t whylen)
{
	if (addr_verdict_allowed_lo(v, allow.loopback, allow.priv))
		return ADDR_URL_OK;
	const char *name = addr_verdict_name(v);
	return say(ADDR_URL_ADDRESS, why, whylen, "the host is %s %s address",
		   strchr("aeiou", name[0]) ? "an" : "a", name);
}

/* Host as CURLU returns it (percent-decoded, numeric IPv4 normalised). */
static enum addr_url_verdict check_host(const char *host, struct url_allow allow, char *why,
					size_t whylen)
{
	size_t len = strlen(host);
	if (host[0] == '[') {
		char lit[INET6_ADDRSTRLEN + 1];
		unsigned char a6[16];
		if (len < 3 || host[len - 1] != ']' || len - 2 >= sizeof lit)
			return say(ADDR_URL_MALFORMED, why, whylen, "bad IPv6 literal");
		memcpy(lit, host + 1, len - 2);
		lit[len - 2] = '\0';
		if (inet_pton(AF_INET6, lit, a6) != 1)
			return say(ADDR_URL_MALFORMED, why, whylen, "bad IPv6 literal");
		return check_verdict(addr_classify_v6(a6), allow, why, whylen);
	}
	/* libcurl drops one trailing dot before resolving, so do the same. */
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0)
		return say(ADDR_URL_NO_HOST, why, whylen, "the URL has no host");
	if (host[0] == '.' || memmem(host, len, "..", 2))
		return say(ADDR_URL_MALFORMED, why, whylen, "the host has an empty label");
	uint32_t a4;
	if (parse_ipv4_classic(host, len, &a4))
		return check_verdict(addr_classify_v4(a4), allow, why, whylen);
	if (ends_in_number(host, len))
		return say(ADDR_URL_MALFORMED, why, whylen, "the host is not a valid IPv4 address");
	/* RFC 6761: localhost names are loopback, and libcurl resolves them so. */
	static const char lh[] = "localhost";
	size_t lhn = sizeof lh - 1;
	if ((len == lhn && strncasecmp(host, lh, lhn) == 0) ||
	    (len > lhn && host[len - lhn - 1] == '.' && strncasecmp(host + len - lhn, lh, lhn) == 0))
		return check_verdict(ADDR_LOOPBACK, allow, why, whylen);
	return ADDR_URL_OK;
}

/* CURLUcode grows with libcurl, so this is an if-chain, not a switch. */
static enum addr_url_verdict map_curlu_error(CURLUcode rc, char *why, size_t whylen)
{
	if (rc == CURLUE_OUT_OF_MEMORY)
		oom_abort();
	if (rc == CURLUE_BAD_PORT_NUMBER)
		return say(ADDR_URL_PORT, why, whylen, "the port must be 1 to 65535");
	if (rc == CURLUE_NO_HOST)
		return say(ADDR_URL_NO_HOST, why, whylen, "the URL has no host");
	if (rc == CURLUE_USER_NOT_ALLOWED || rc == CURLUE_BAD_LOGIN || rc == CURLUE_BAD_USER ||
	    rc == CURLUE_BAD_PASSWORD)
		return say(ADDR_URL_USERINFO, why, whylen, "credentials are not allowed in the URL");
	return say(ADDR_URL_MALFORMED, why, whylen, "malformed URL (%s)", curl_url_strerror(rc));
}

/* Runs CURLU over url (already known to start with http(s)://). */
static enum addr_url_verdict check_with_curlu(const char *url, struct url_allow allow,
					      char *why, size_t whylen)
{
	CURLU *u = curl_url();
	if (!u)
		oom_abort();
	char *host = NULL, *zone = NULL, *port = NULL, *user = NULL, *pass = NULL;
	enum addr_url_verdict v = ADDR_URL_OK;
	CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, CURLU_DISALLOW_USER);
	if (rc != CURLUE_OK) {
		v = map_curlu_error(rc, why, whylen);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		v = say(ADDR_URL_USERINFO, why, whylen, "credentials are not allowed in the URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK) {
		v = say(ADDR_URL_ZONE_ID, why, whylen, "IPv6 zone ids are not allowed");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
		long p = 0;
		for (const char *c = port; *c && p <= 65535; c++)
			p = is_digit(*c) ? p * 10 + (*c - '0') : 65536;
		if (p < 1 || p > 65535) {
			v = say(ADDR_URL_PORT, why, whylen, "the port must be 1 to 65535");
			goto out;
		}
	}
	rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (rc != CURLUE_OK || !host || !*host) {
		v = say(ADDR_URL_NO_HOST, why, whylen, "the URL has no host");
		goto out;
	}
	v = check_host(host, allow, why, whylen);
out:
	curl_free(host);
	curl_free(zone);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return v;
}

enum addr_url_verdict addr_url_check(const char *url, bool allow_http, bool allow_private,
				     char *why, size_t whylen)
{
	return addr_url_check_lo(url, allow_http, false, allow_private, why, whylen);
}

enum addr_url_verdict addr_url_check_lo(const char *url, bool allow_http, bool allow_loopback,
					bool allow_private, char *why, size_t whylen)
{
	struct url_allow allow = {.loopback = allow_loopback, .priv = allow_private};
	if (why && whylen > 0)
		why[0] = '\0';
	if (!url)
		return say(ADDR_URL_MALFORMED, why, whylen, "no URL");
	size_t len = strnlen(url, ADDR_URL_MAX + 1);
	if (len > ADDR_URL_MAX)
		return say(ADDR_URL_TOO_LONG, why, whylen, "the URL is longer than %d bytes",
			   ADDR_URL_MAX);
	if (len == 0)
		return say(ADDR_URL_MALFORMED, why, whylen, "empty URL");
	/* Printable ASCII only; a backslash is a slash to WHATWG parsers. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return say(ADDR_URL_MALFORMED, why, whylen,
				   "the URL has a space, control, backslash or non-ASCII byte");
	}

	size_t skip;
	if (strncasecmp(url, "https:", 6) == 0) {
		skip = 6;
	} else if (strncasecmp(url, "http:", 5) == 0) {
		if (!allow_http)
			return say(ADDR_URL_SCHEME, why, whylen, "the scheme must be https");
		skip = 5;
	} else {
		return say(ADDR_URL_SCHEME, why, whylen, "the scheme must be %s",
			   allow_http ? "http or https" : "https");
	}
	if (strncmp(url + skip, "//", 2) != 0)
		return say(ADDR_URL_MALFORMED, why, whylen, "the scheme must be followed by //");
	const char *auth = url + skip + 2;
	size_t alen = strcspn(auth, "/?#");
	if (alen == 0)
		return say(ADDR_URL_NO_HOST, why, whylen, "the URL has no host");
	if (memchr(auth, '@', alen))
		return say(ADDR_URL_USERINFO, why, whylen, "credentials are not allowed in the URL");
	return check_with_curlu(url, allow, why, whylen);
}
