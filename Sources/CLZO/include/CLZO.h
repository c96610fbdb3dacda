#ifndef CAS_CLZO_H
#define CAS_CLZO_H

#include <stddef.h>
#include <stdint.h>

/*
 * liblzo2 is loaded on first use (dlopen), not linked, like libarchive (see CArchive.h): only a kdump whose
 * pages are LZO-compressed needs it, and `cas identify` on any other dump must not pay for loading it.
 */

/* Why liblzo2 could not be loaded or initialised (dlerror's words), or NULL when it is ready. Loads it if needed. */
const char *cas_lzo_load_error(void);

/* lzo1x_decompress_safe: `*out_length` is the capacity in, the bytes written out. Returns LZO_E_OK (0) or an
 * LZO_E_* code; CAS_LZO_NOT_LOADED when the library is not loaded. */
int cas_lzo1x_decompress_safe(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length);

#define CAS_LZO_NOT_LOADED (-1000)

#endif
