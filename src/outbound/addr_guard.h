/*
 * addr_guard.h - the address guard of SPEC §9 against server-side request
 * forgery: classifies IPv4 and IPv6 socket addresses (unwrapping the IPv4
 * embedded in mapped, compatible, NAT64 and 6to4 forms), decides whether
 * outbound HTTP may connect to one, and checks a webhook or input URL when
 * it is accepted. Pure: no allocation kept, no name resolution, no logging.
 * The authoritative check is addr_allowed() on the address actually
 * connected to (libcurl's CURLOPT_OPENSOCKETFUNCTION); the URL check only
 * refuses early what is certain to be refused later.
 */
#ifndef DOITONG_ADDR_GUARD_H
#define DOITONG_ADDR_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_URL_MAX 2048

enum addr_verdict {
	ADDR_OK = 0,       /* globally reachable unicast */
	ADDR_LOOPBACK,     /* 127/8, ::1 */
	ADDR_PRIVATE,      /* RFC 1918, CGNAT 100.64/10, fc00::/7, fec0::/10, 64:ff9b:1::/48 */
	ADDR_LINK_LOCAL,   /* 169.254/16 (cloud metadata), fe80::/10 */
	ADDR_MULTICAST,    /* 224/4, ff00::/8 */
	ADDR_RESERVED,     /* documentation, benchmarking, special-purpose, unallocated */
	ADDR_UNSPECIFIED,  /* 0.0.0.0, :: */
	ADDR_BAD_FAMILY,   /* NULL, or neither AF_INET nor AF_INET6 */
};

enum addr_url_verdict {
	ADDR_URL_OK = 0,
	ADDR_URL_TOO_LONG,   /* NULL, or longer than ADDR_URL_MAX */
	ADDR_URL_MALFORMED,  /* unparsable, control/space/non-ASCII bytes, bad host syntax */
	ADDR_URL_SCHEME,     /* not http(s), or http when not allowed */
	ADDR_URL_USERINFO,   /* "user[:pass]@" in the authority */
	ADDR_URL_NO_HOST,
	ADDR_URL_PORT,       /* port 0 or above 65535 */
	ADDR_URL_ZONE_ID,    /* IPv6 literal with a %zone */
	ADDR_URL_ADDRESS,    /* literal address (or localhost) the guard refuses */
};

/*
 * Classifies *sa, which must point to a complete struct sockaddr_in or
 * struct sockaddr_in6 according to sa->sa_family (libcurl's
 * curl_sockaddr.addr and getaddrinfo's ai_addr both do). Embedded IPv4
 * (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 2002:AABB:CCDD::) is
 * classified as IPv4; a non-OK embedded verdict is returned as is.
 * Returns ADDR_BAD_FAMILY for NULL or another family.
 */
enum addr_verdict addr_classify(const struct sockaddr *sa);

/* Same, on an IPv4 address in host byte order or 16 IPv6 bytes. */
enum addr_verdict addr_classify_v4(uint32_t host_order);
enum addr_verdict addr_classify_v6(const unsigned char a[16]);

/*
 * True when outbound HTTP may connect to *sa: always for ADDR_OK; for
 * loopback, private and link-local only when allow_private (the operator's
 * switch, set by the test stack for 127.0.0.1); never for multicast,
 * reserved, unspecified or another family.
 */
bool addr_allowed(const struct sockaddr *sa, bool allow_private);

/* Same decision on a verdict. */
bool addr_verdict_allowed(enum addr_verdict v, bool allow_private);

/*
 * The loopback exception: as addr_verdict_allowed, and ADDR_LOOPBACK also
 * when allow_loopback. Lets the test stack reach 127.0.0.1 without opening
 * private and link-local addresses (cloud metadata) as allow_private does.
 */
bool addr_verdict_allowed_lo(enum addr_verdict v, bool allow_loopback, bool allow_private);

/* Static lowercase name of a verdict ("loopback", ...), for messages and logs. */
const char *addr_verdict_name(enum addr_verdict v);

/*
 * Checks a URL when it is accepted (webhookUrl, fetched input URLs):
 * scheme http or https in any case (http only when allow_http) followed by
 * "//", at most ADDR_URL_MAX bytes of printable ASCII, no userinfo, a host,
 * a port of 1..65535 when one is given. A host that is a literal address,
 * in any spelling inet_aton accepts (2130706433, 0x7f000001, 0177.0.0.1,
 * 127.1, with or without one trailing dot) or an IPv6 literal in brackets,
 * must pass addr_allowed(); zone ids are refused outright; a host whose last
 * label is numeric but that is no valid address ("1.2.3.4.5") is malformed;
 * "localhost" and names under ".localhost" count as loopback. Other host
 * names pass: they are checked on every connection. Parsing uses libcurl's
 * CURLU, which is what will later fetch the URL. When why is non-NULL and
 * whylen > 0, a short English reason (no secrets, not the URL) or "" is
 * written there. Never resolves names.
 */
enum addr_url_verdict addr_url_check(const char *url, bool allow_http, bool allow_private,
				     char *why, size_t whylen);

/* Same with the loopback exception: a literal loopback address or a
 * localhost name also passes when allow_loopback (addr_verdict_allowed_lo);
 * addr_url_check is this with allow_loopback false. */
enum addr_url_verdict addr_url_check_lo(const char *url, bool allow_http, bool allow_loopback,
					bool allow_private, char *why, size_t whylen);

#endif
