#include <dlfcn.h>
#include <lzo/lzo1x.h>
#include <pthread.h>
#include <string.h>

#include "CLZO.h"

static __typeof__(__lzo_init_v2) *init_v2;
static __typeof__(lzo1x_decompress_safe) *decompress_safe;
static const char *load_error = "liblzo2 was not loaded";
static char load_error_text[512];

/* lzo_init() is a macro over __lzo_init_v2 that passes this build's type sizes; call it through the loaded one. */
#define __lzo_init_v2 (*init_v2)

static void load(void) {
    void *library = dlopen("liblzo2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        strncpy(load_error_text, reason ? reason : "liblzo2.so.2 could not be loaded", sizeof load_error_text - 1);
        library = dlopen("liblzo2.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        load_error = load_error_text;
        return;
    }
    *(void **)&init_v2 = dlsym(library, "__lzo_init_v2");
    *(void **)&decompress_safe = dlsym(library, "lzo1x_decompress_safe");
    if (init_v2 == NULL || decompress_safe == NULL) {
        load_error = "liblzo2.so.2 lacks __lzo_init_v2 or lzo1x_decompress_safe";
        return;
    }
    if (lzo_init() != LZO_E_OK) {
        load_error = "lzo_init() failed (liblzo2 does not match this build's type sizes)";
        return;
    }
    load_error = NULL;
}

const char *cas_lzo_load_error(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return load_error;
}

int cas_lzo1x_decompress_safe(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length) {
    if (cas_lzo_load_error() != NULL) return CAS_LZO_NOT_LOADED;
    lzo_uint length = *out_length;
    int status = decompress_safe(in, in_length, out, &length, NULL);
    *out_length = length;
    return status;
}
