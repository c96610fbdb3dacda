#include <dlfcn.h>
#include <pthread.h>
#include <snappy-c.h>
#include <string.h>

#include "CSnappy.h"

static __typeof__(snappy_uncompress) *uncompress;
static const char *load_error = "libsnappy was not loaded";
static char load_error_text[512];

static void load(void) {
    void *library = dlopen("libsnappy.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        strncpy(load_error_text, reason ? reason : "libsnappy.so.1 could not be loaded", sizeof load_error_text - 1);
        library = dlopen("libsnappy.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        load_error = load_error_text;
        return;
    }
    *(void **)&uncompress = dlsym(library, "snappy_uncompress");
    if (uncompress == NULL) {
        load_error = "libsnappy.so.1 lacks snappy_uncompress (its C interface)";
        return;
    }
    load_error = NULL;
}

const char *cas_snappy_load_error(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return load_error;
}

int cas_snappy_uncompress(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length) {
    if (cas_snappy_load_error() != NULL) return CAS_SNAPPY_NOT_LOADED;
    return (int)uncompress((const char *)in, in_length, (char *)out, out_length);
}
