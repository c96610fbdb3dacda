#ifndef CAS_CARCHIVE_H
#define CAS_CARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

/*
 * libarchive is loaded on first use (dlopen), not linked: linking it makes every cas run load libarchive and
 * the ten libraries behind it (libxml2, ICU, nettle, every compressor), about 2 ms of start-up that
 * `cas identify` on a plain dump and most cas-admin commands would pay for nothing.
 *
 * The libarchive functions CASCore calls keep their names: libarchive.c defines each of them, hidden from
 * the dynamic symbol table, as a call through the loaded library. archive_read_new() returns NULL when the
 * library cannot be loaded; every other function needs a reader it made.
 */

/* Why libarchive could not be loaded (dlerror's words), or NULL when it is loaded. Loads it if needed. */
const char *cas_archive_load_error(void);

#endif
