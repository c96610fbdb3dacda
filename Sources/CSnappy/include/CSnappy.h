#ifndef CAS_CSNAPPY_H
#define CAS_CSNAPPY_H

#include <stddef.h>
#include <stdint.h>

/*
 * libsnappy is loaded on first use (dlopen), not linked, like libarchive (see CArchive.h): only a kdump whose
 * pages are snappy-compressed needs it (and it pulls in the C++ runtime).
 */

/* Why libsnappy could not be loaded (dlerror's words), or NULL when it is loaded. Loads it if needed. */
const char *cas_snappy_load_error(void);

/* snappy_uncompress of snappy-c.h: `*out_length` is the capacity in, the bytes written out. Returns SNAPPY_OK (0),
 * SNAPPY_INVALID_INPUT (1) or SNAPPY_BUFFER_TOO_SMALL (2); CAS_SNAPPY_NOT_LOADED when the library is not loaded. */
int cas_snappy_uncompress(const uint8_t *in, size_t in_length, uint8_t *out, size_t *out_length);

#define CAS_SNAPPY_NOT_LOADED (-1000)

#endif
