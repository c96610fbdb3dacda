#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

/* Our definitions of libarchive's functions stay out of the executable's dynamic symbol table, so that
 * libarchive's own calls between its functions never land in them. */
#pragma GCC visibility push(hidden)
#include "CArchive.h"

/* Every function CASCore calls, as X(name). */
#define CAS_ARCHIVE_FUNCTIONS(X) \
    X(archive_version_details) X(archive_read_new) X(archive_read_free) X(archive_read_support_filter_all) \
    X(archive_read_support_format_7zip) X(archive_read_support_format_ar) X(archive_read_support_format_cpio) \
    X(archive_read_support_format_empty) X(archive_read_support_format_gnutar) \
    X(archive_read_support_format_raw) X(archive_read_support_format_tar) X(archive_read_support_format_zip) \
    X(archive_read_open) X(archive_read_open_fd) X(archive_read_open_filename) X(archive_read_next_header) \
    X(archive_read_data) X(archive_read_data_block) X(archive_read_data_skip) X(archive_error_string) \
    X(archive_filter_bytes) X(archive_filter_count) X(archive_filter_name) X(archive_format) \
    X(archive_format_name) X(archive_entry_filetype) X(archive_entry_mode) X(archive_entry_hardlink) \
    X(archive_entry_pathname) X(archive_entry_size) X(archive_entry_size_is_set) X(archive_entry_symlink)

static struct {
#define CAS_POINTER(name) __typeof__(name) *name;
    CAS_ARCHIVE_FUNCTIONS(CAS_POINTER)
#undef CAS_POINTER
} api;

static const char *load_error = "libarchive was not loaded";
static char load_error_text[512];

static void load(void) {
    void *library = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        /* The reason the versioned name failed is the one to report: the unversioned fallback exists only
         * where the development package is installed. */
        const char *reason = dlerror();
        strncpy(load_error_text, reason ? reason : "libarchive.so.13 could not be loaded", sizeof load_error_text - 1);
        library = dlopen("libarchive.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        load_error = load_error_text;
        return;
    }
#define CAS_LOOKUP(name)                                                                                    \
    if ((*(void **)&api.name = dlsym(library, #name)) == NULL) {                                            \
        load_error = "libarchive.so.13 lacks " #name " (libarchive 3.3 or later is needed)";                  \
        return;                                                                                             \
    }
    CAS_ARCHIVE_FUNCTIONS(CAS_LOOKUP)
#undef CAS_LOOKUP
    load_error = NULL;
}

const char *cas_archive_load_error(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return load_error;
}

/* Only archive_read_new and archive_version_details can be called first; the rest take its reader. */
const char *archive_version_details(void) {
    return cas_archive_load_error() ? NULL : api.archive_version_details();
}
struct archive *archive_read_new(void) { return cas_archive_load_error() ? NULL : api.archive_read_new(); }
int archive_read_free(struct archive *a) { return api.archive_read_free(a); }
int archive_read_support_filter_all(struct archive *a) { return api.archive_read_support_filter_all(a); }
int archive_read_support_format_7zip(struct archive *a) { return api.archive_read_support_format_7zip(a); }
int archive_read_support_format_ar(struct archive *a) { return api.archive_read_support_format_ar(a); }
int archive_read_support_format_cpio(struct archive *a) { return api.archive_read_support_format_cpio(a); }
int archive_read_support_format_empty(struct archive *a) { return api.archive_read_support_format_empty(a); }
int archive_read_support_format_gnutar(struct archive *a) { return api.archive_read_support_format_gnutar(a); }
int archive_read_support_format_raw(struct archive *a) { return api.archive_read_support_format_raw(a); }
int archive_read_support_format_tar(struct archive *a) { return api.archive_read_support_format_tar(a); }
int archive_read_support_format_zip(struct archive *a) { return api.archive_read_support_format_zip(a); }
int archive_read_open(struct archive *a, void *context, archive_open_callback *open, archive_read_callback *read,
                      archive_close_callback *close) {
    return api.archive_read_open(a, context, open, read, close);
}
int archive_read_open_fd(struct archive *a, int fd, size_t block_size) {
    return api.archive_read_open_fd(a, fd, block_size);
}
int archive_read_open_filename(struct archive *a, const char *path, size_t block_size) {
    return api.archive_read_open_filename(a, path, block_size);
}
int archive_read_next_header(struct archive *a, struct archive_entry **entry) {
    return api.archive_read_next_header(a, entry);
}
la_ssize_t archive_read_data(struct archive *a, void *buffer, size_t size) {
    return api.archive_read_data(a, buffer, size);
}
int archive_read_data_block(struct archive *a, const void **buffer, size_t *size, la_int64_t *offset) {
    return api.archive_read_data_block(a, buffer, size, offset);
}
int archive_read_data_skip(struct archive *a) { return api.archive_read_data_skip(a); }
const char *archive_error_string(struct archive *a) { return api.archive_error_string(a); }
la_int64_t archive_filter_bytes(struct archive *a, int index) { return api.archive_filter_bytes(a, index); }
int archive_filter_count(struct archive *a) { return api.archive_filter_count(a); }
const char *archive_filter_name(struct archive *a, int index) { return api.archive_filter_name(a, index); }
int archive_format(struct archive *a) { return api.archive_format(a); }
const char *archive_format_name(struct archive *a) { return api.archive_format_name(a); }
__LA_MODE_T archive_entry_filetype(struct archive_entry *e) { return api.archive_entry_filetype(e); }
__LA_MODE_T archive_entry_mode(struct archive_entry *e) { return api.archive_entry_mode(e); }
const char *archive_entry_hardlink(struct archive_entry *e) { return api.archive_entry_hardlink(e); }
const char *archive_entry_pathname(struct archive_entry *e) { return api.archive_entry_pathname(e); }
la_int64_t archive_entry_size(struct archive_entry *e) { return api.archive_entry_size(e); }
int archive_entry_size_is_set(struct archive_entry *e) { return api.archive_entry_size_is_set(e); }
const char *archive_entry_symlink(struct archive_entry *e) { return api.archive_entry_symlink(e); }

#pragma GCC visibility pop
