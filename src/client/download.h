/*
 * download.h - saves a generation's result to a file. The media URL is
 * public, so no API key is sent with it. Network failures retry as API calls
 * do (retry.h); the file appears only when complete (FILE.part, then rename).
 */
#ifndef DOITONG_CLIENT_DOWNLOAD_H
#define DOITONG_CLIENT_DOWNLOAD_H

#include <stdbool.h>

#include "client/api.h"

#define DOWNLOAD_MAX_BYTES (2048L * 1024 * 1024)

/*
 * Downloads url to path, following at most 5 redirects. Returns
 * CLIENT_EXIT_OK and the size in *bytes; CLIENT_EXIT_API with err set on an
 * HTTP error or a file that cannot be written; CLIENT_EXIT_NETWORK after
 * every retry failed.
 */
int download_file(const char *url, const char *path, bool quiet, long long *bytes,
		  struct api_error *err) NONNULL(1, 2, 4, 5);

#endif
