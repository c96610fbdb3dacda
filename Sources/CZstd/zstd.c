#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <zstd.h>

#include "CZstd.h"

static __typeof__(ZSTD_decompress) *decompress;
static __typeof__(ZSTD_isError) *is_error;
static __typeof__(ZSTD_getErrorName) *error_name;
static const char *load_error = "libzstd was not loaded";
static char load_error_text[512];

static void load(void) {
    void *library = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        strncpy(load_error_text, reason ? reason : "libzstd.so.1 could not be loaded", sizeof load_error_text - 1);
        library = dlopen("libzstd.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        load_error = load_error_text;
        return;
    }
    *(void **)&decompress = dlsym(library, "ZSTD_decompress");
    *(void **)&is_error = dlsym(library, "ZSTD_isError");
    *(void **)&error_name = dlsym(library, "ZSTD_getErrorName");
    if (decompress == NULL || is_error == NULL || error_name == NULL) {
        load_error = "libzstd.so.1 lacks ZSTD_decompress, ZSTD_isError or ZSTD_getErrorName";
        return;
    }
    load_error = NULL;
}

const char *cas_zstd_load_error(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return load_error;
}

const char *cas_zstd_decompress(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length) {
    const char *failure = cas_zstd_load_error();
    if (failure != NULL) return failure;
    size_t result = decompress(out, *out_length, in, in_length);
    if (is_error(result)) return error_name(result);
    *out_length = result;
    return NULL;
}
