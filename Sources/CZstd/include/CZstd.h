#ifndef CAS_CZSTD_H
#define CAS_CZSTD_H

#include <stddef.h>
#include <stdint.h>

/*
 * libzstd is loaded on first use (dlopen), not linked, like libarchive (see CArchive.h): only a kdump whose
 * pages are zstd-compressed needs it.
 */

/* Why libzstd could not be loaded (dlerror's words), or NULL when it is loaded. Loads it if needed. */
const char *cas_zstd_load_error(void);

/* ZSTD_decompress into `out` (capacity `*out_length`, the bytes written out). Returns NULL on success, else
 * ZSTD_getErrorName's text (or the load error). */
const char *cas_zstd_decompress(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length);

#endif
