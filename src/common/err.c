/*
 * err.c - maps enum api_err to machine codes, HTTP statuses and messages.
 * No default cases: the compiler must flag a code without a mapping.
 */
#include "common/err.h"

const char *api_err_code(enum api_err e)
{
	switch (e) {
	case API_OK: return "OK";
	case API_ERR_BAD_REQUEST: return "INVALID_INPUT";
	case API_ERR_PARSE: return "INVALID_INPUT";
	case API_ERR_VALIDATION: return "INVALID_INPUT";
	case API_ERR_INVALID_INPUT: return "INVALID_INPUT";
	case API_ERR_UNAUTHENTICATED: return "UNAUTHENTICATED";
	case API_ERR_FORBIDDEN: return "FORBIDDEN";
	case API_ERR_NOT_FOUND: return "NOT_FOUND";
	case API_ERR_INSUFFICIENT_CREDITS: return "INSUFFICIENT_CREDITS";
	case API_ERR_RATE_LIMIT: return "RATE_LIMIT";
	case API_ERR_PROVIDER_UNAVAILABLE: return "PROVIDER_UNAVAILABLE";
	case API_ERR_GENERATION_FAILED: return "GENERATION_FAILED";
	case API_ERR_IDEMPOTENCY_CONFLICT: return "IDEMPOTENCY_CONFLICT";
	case API_ERR_IDEMPOTENCY_IN_FLIGHT: return "IDEMPOTENCY_CONFLICT";
	case API_ERR_BODY_TOO_LARGE: return "INVALID_INPUT";
	case API_ERR_METHOD_NOT_ALLOWED: return "INVALID_INPUT";
	case API_ERR_NOT_ACCEPTABLE: return "INVALID_INPUT";
	case API_ERR_UNSUPPORTED_MEDIA_TYPE: return "INVALID_INPUT";
	case API_ERR_INTERNAL: return "INTERNAL_ERROR";
	case API_ERR_UNAVAILABLE: return "INTERNAL_ERROR";
	case API_ERR__COUNT: break;
	}
	return "INTERNAL_ERROR";
}

int api_err_http(enum api_err e)
{
	switch (e) {
	case API_OK: return 200;
	case API_ERR_BAD_REQUEST: return 400;
	case API_ERR_PARSE: return 400;
	case API_ERR_VALIDATION: return 400;
	case API_ERR_INVALID_INPUT: return 200;
	case API_ERR_UNAUTHENTICATED: return 401;
	case API_ERR_FORBIDDEN: return 403;
	case API_ERR_NOT_FOUND: return 200;
	case API_ERR_INSUFFICIENT_CREDITS: return 200;
	case API_ERR_RATE_LIMIT: return 429;
	case API_ERR_PROVIDER_UNAVAILABLE: return 200;
	case API_ERR_GENERATION_FAILED: return 200;
	case API_ERR_IDEMPOTENCY_CONFLICT: return 422;
	case API_ERR_IDEMPOTENCY_IN_FLIGHT: return 409;
	case API_ERR_BODY_TOO_LARGE: return 413;
	case API_ERR_METHOD_NOT_ALLOWED: return 405;
	case API_ERR_NOT_ACCEPTABLE: return 406;
	case API_ERR_UNSUPPORTED_MEDIA_TYPE: return 415;
	case API_ERR_INTERNAL: return 500;
	case API_ERR_UNAVAILABLE: return 503;
	case API_ERR__COUNT: break;
	}
	return 500;
}

const char *api_err_message(enum api_err e)
{
	switch (e) {
	case API_OK: return "OK";
	case API_ERR_BAD_REQUEST: return "The request body is not a valid GraphQL request.";
	case API_ERR_PARSE: return "Syntax error.";
	case API_ERR_VALIDATION: return "The document is not valid against the schema.";
	case API_ERR_INVALID_INPUT: return "Invalid input.";
	case API_ERR_UNAUTHENTICATED: return "Missing or invalid API key. Send Authorization: Bearer <key>.";
	case API_ERR_FORBIDDEN: return "This key may not do that.";
	case API_ERR_NOT_FOUND: return "Not found.";
	case API_ERR_INSUFFICIENT_CREDITS: return "Not enough credits for this generation.";
	case API_ERR_RATE_LIMIT: return "Rate limit exceeded.";
	case API_ERR_PROVIDER_UNAVAILABLE: return "The provider is unavailable.";
	case API_ERR_GENERATION_FAILED: return "The generation failed.";
	case API_ERR_IDEMPOTENCY_CONFLICT: return "This Idempotency-Key was used with a different request.";
	case API_ERR_IDEMPOTENCY_IN_FLIGHT: return "A request with this Idempotency-Key is still being processed.";
	case API_ERR_BODY_TOO_LARGE: return "The request body exceeds 1 MiB.";
	case API_ERR_METHOD_NOT_ALLOWED: return "Method not allowed.";
	case API_ERR_NOT_ACCEPTABLE: return "None of the media types in Accept can be served: use application/graphql-response+json or application/json.";
	case API_ERR_UNSUPPORTED_MEDIA_TYPE: return "Unsupported Content-Type: send application/json.";
	case API_ERR_INTERNAL: return "Internal error.";
	case API_ERR_UNAVAILABLE: return "The service is temporarily unavailable. Retry shortly.";
	case API_ERR__COUNT: break;
	}
	return "Internal error.";
}
