#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/*
 * libcurl is loaded when first used (the first mail sent, the first debuginfod request; dlopen), not linked: linking it makes every cas run load
 * about 25 shared libraries (TLS, Kerberos, LDAP, IDN…), several milliseconds of start-up that `cas identify`
 * and every other command would pay for nothing. Only its headers are used at build time.
 *
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers.
 */
typedef size_t (*cas_curl_read_callback)(char *buffer, size_t size, size_t count, void *context);
typedef int (*cas_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);
typedef size_t (*cas_curl_write_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*cas_curl_xferinfo_callback)(void *context, curl_off_t total, curl_off_t now, curl_off_t upTotal,
                                          curl_off_t upNow);

struct cas_curl_api {
    int loaded;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

/* The table lives in a function (Swift emits an imported header's functions, not its global variables). */
static inline struct cas_curl_api *cas_curl_table(void) {
    static struct cas_curl_api table;
    return &table;
}

static inline void cas_curl_load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    struct cas_curl_api *api = cas_curl_table();
    *(void **)&api->global_init = dlsym(library, "curl_global_init");
    *(void **)&api->easy_init = dlsym(library, "curl_easy_init");
    *(void **)&api->easy_setopt = dlsym(library, "curl_easy_setopt");
    *(void **)&api->easy_getinfo = dlsym(library, "curl_easy_getinfo");
    *(void **)&api->easy_perform = dlsym(library, "curl_easy_perform");
    *(void **)&api->easy_cleanup = dlsym(library, "curl_easy_cleanup");
    *(void **)&api->easy_strerror = dlsym(library, "curl_easy_strerror");
    *(void **)&api->slist_append = dlsym(library, "curl_slist_append");
    *(void **)&api->slist_free_all = dlsym(library, "curl_slist_free_all");
    api->loaded = api->global_init && api->easy_init && api->easy_setopt && api->easy_getinfo && api->easy_perform
        && api->easy_cleanup && api->easy_strerror && api->slist_append && api->slist_free_all;
}

/* The loaded library's functions, or NULL when libcurl cannot be loaded. */
static inline const struct cas_curl_api *cas_curl(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, cas_curl_load);
    return cas_curl_table()->loaded ? cas_curl_table() : NULL;
}

/* Every wrapper below needs cas_curl() != NULL (checked once, by cas_curl_global_init). */
static inline CURLcode cas_curl_global_init(void) {
    return cas_curl() ? cas_curl()->global_init(CURL_GLOBAL_DEFAULT) : CURLE_FAILED_INIT;
}
static inline CURL *cas_curl_easy_init(void) { return cas_curl() ? cas_curl()->easy_init() : NULL; }
static inline CURLcode cas_curl_easy_perform(CURL *h) { return cas_curl()->easy_perform(h); }
static inline void cas_curl_easy_cleanup(CURL *h) { cas_curl()->easy_cleanup(h); }
static inline const char *cas_curl_easy_strerror(CURLcode c) { return cas_curl()->easy_strerror(c); }
static inline struct curl_slist *cas_curl_slist_append(struct curl_slist *l, const char *s) {
    return cas_curl()->slist_append(l, s);
}
static inline void cas_curl_slist_free_all(struct curl_slist *l) { cas_curl()->slist_free_all(l); }
static inline CURLcode cas_curl_set_long(CURL *h, CURLoption o, long v) { return cas_curl()->easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_string(CURL *h, CURLoption o, const char *v) {
    return cas_curl()->easy_setopt(h, o, v);
}
static inline CURLcode cas_curl_set_pointer(CURL *h, CURLoption o, void *v) { return cas_curl()->easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_read_function(CURL *h, cas_curl_read_callback f) {
    return cas_curl()->easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode cas_curl_set_debug_function(CURL *h, cas_curl_debug_callback f) {
    return cas_curl()->easy_setopt(h, CURLOPT_DEBUGFUNCTION, f);
}
static inline CURLcode cas_curl_set_write_function(CURL *h, cas_curl_write_callback f) {
    return cas_curl()->easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode cas_curl_set_xferinfo_function(CURL *h, cas_curl_xferinfo_callback f) {
    return cas_curl()->easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f);
}
static inline CURLcode cas_curl_set_off(CURL *h, CURLoption o, curl_off_t v) { return cas_curl()->easy_setopt(h, o, v); }
static inline CURLcode cas_curl_set_rcpt_allowfails(CURL *h, long v) {
#if LIBCURL_VERSION_NUM >= 0x080200
    return cas_curl()->easy_setopt(h, CURLOPT_MAIL_RCPT_ALLOWFAILS, v);
#else
    return cas_curl()->easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, v);
#endif
}
static inline CURLcode cas_curl_get_long(CURL *h, CURLINFO i, long *v) { return cas_curl()->easy_getinfo(h, i, v); }
