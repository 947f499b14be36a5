/*
 * download.c - the result download of `doitong generate -o` (see download.h).
 */
#include "client/download.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/retry.h"

int download_file(const char *url, const char *path, bool quiet, long long *bytes,
		  struct api_error *err)
{
	*bytes = 0;
	memset(err, 0, sizeof *err);
	size_t plen = strlen(path) + sizeof ".part";
	char *part = xmalloc(plen);
	snprintf(part, plen, "%s.part", path);
	CURL *c = curl_easy_init();
	if (!c)
		oom_abort();
	int rc = CLIENT_EXIT_NETWORK;
	for (int tries = 1;; tries++) {
		FILE *f = fopen(part, "wb");
		if (!f) {
			rc = CLIENT_EXIT_API;
			snprintf(err->code, sizeof err->code, "FILE_ERROR");
			snprintf(err->message, sizeof err->message, "cannot write %s: %s", part, strerror(errno));
			break;
		}
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 600000L);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)DOWNLOAD_MAX_BYTES);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_USERAGENT, "doitong/" DOITONG_VERSION);
		CURLcode cc = curl_easy_perform(c);
		bool write_ok = fclose(f) == 0;
		long status = 0;
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		enum retry_kind kind = retry_classify((int)cc, status, false);
		if (kind != RETRY_NO && tries < RETRY_MAX_TRIES) {
			long ms = retry_backoff_ms(tries - 1);
			if (!quiet)
				fprintf(stderr, "doitong: download: %s; retrying in %.1f s\n",
					cc != CURLE_OK ? curl_easy_strerror(cc) : "server busy", (double)ms / 1000);
			api_sleep_ms(ms);
			continue;
		}
		if (cc != CURLE_OK) {
			rc = kind != RETRY_NO ? CLIENT_EXIT_NETWORK : CLIENT_EXIT_API;
			snprintf(err->code, sizeof err->code, kind != RETRY_NO ? "NETWORK_ERROR" : "DOWNLOAD_FAILED");
			snprintf(err->message, sizeof err->message, "%s: %s", url, curl_easy_strerror(cc));
		} else if (status != 200) {
			rc = CLIENT_EXIT_API;
			snprintf(err->code, sizeof err->code, "DOWNLOAD_FAILED");
			snprintf(err->message, sizeof err->message, "%s: HTTP %ld", url, status);
		} else if (!write_ok || rename(part, path) != 0) {
			rc = CLIENT_EXIT_API;
			snprintf(err->code, sizeof err->code, "FILE_ERROR");
			snprintf(err->message, sizeof err->message, "cannot write %s: %s", path, strerror(errno));
		} else {
			curl_off_t n = 0;
			curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &n);
			*bytes = (long long)n;
			rc = CLIENT_EXIT_OK;
		}
		break;
	}
	if (rc != CLIENT_EXIT_OK)
		remove(part);
	curl_easy_cleanup(c);
	free(part);
	return rc;
}
