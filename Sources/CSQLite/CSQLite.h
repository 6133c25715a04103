// SQLite's C API for the CSQLite module.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer, which Swift cannot import:
// it tells SQLite to copy bound text and blobs before the call returns.
static inline sqlite3_destructor_type jl_sqlite_transient(void) { return SQLITE_TRANSIENT; }
