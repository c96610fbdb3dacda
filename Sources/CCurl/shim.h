#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers. */
typedef size_t (*cas_curl_read_callback)(char *buffer, size_t size, size_t count, void *context);
typedef int (*cas_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);

static inline CURLcode cas_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
static inline CURLcode cas_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_read_function(CURL *h, cas_curl_read_callback f) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode cas_curl_set_debug_function(CURL *h, cas_curl_debug_callback f) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, f);
}
static inline CURLcode cas_curl_set_rcpt_allowfails(CURL *h, long v) {
#if LIBCURL_VERSION_NUM >= 0x080200
    return curl_easy_setopt(h, CURLOPT_MAIL_RCPT_ALLOWFAILS, v);
#else
    return curl_easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, v);
#endif
}
static inline CURLcode cas_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
