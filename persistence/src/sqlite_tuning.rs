//! What every pooled SQLite connection is set to when it opens, beyond what sqlx's options say.
//!
//! **Stable query plans.** SQLite re-plans a prepared statement every time a bound value that
//! its planner looked at changes: a bound `LIMIT` (every `.one()` and every page sea-query
//! builds binds its limit), a value compared with a partial index's condition, and — with the
//! `STAT4` statistics the bundled SQLite is built with — any value compared with an indexed
//! column. Each execution then parses and plans the SQL anew: profiled under load, that was an
//! eighth of a plan read's CPU, and it made sqlx's prepared-statement cache useless for those
//! statements. `SQLITE_DBCONFIG_ENABLE_QPSG` (the query planner stability guarantee) makes
//! SQLite plan once per statement whatever is bound, which is what a statement cache assumes.
//! The plans stay good: our queries look rows up by key, and a page's limit does not change the
//! index to use.
//!
//! **No global memory statistics.** By default SQLite counts every allocation in global
//! statistics behind one process-wide mutex. sqlx copies each column of each row it reads
//! (`sqlite3_value_dup`), so a page of fifty plans took that mutex thousands of times, from
//! every connection's thread at once: a fifth of a list's CPU went to locking it in perf. We
//! read none of those statistics, so they are turned off before SQLite is first used.

use sea_orm::sqlx::sqlite::SqliteConnection;
use std::sync::Once;

/// Turns SQLite's global memory statistics off, once per process, before the first connection
/// opens: `sqlite3_config` may only be called before SQLite initializes, and every SQLite
/// connection of this process is opened by [`crate::Store::connect`], which calls this first.
/// Should SQLite already be in use (SQLITE_MISUSE), it is left as it is.
pub(crate) fn before_first_connection() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: SQLITE_CONFIG_MEMSTATUS takes exactly one int. It runs once, before any
        // connection of this process exists (see above), so no other thread uses SQLite; if
        // SQLite were already initialized it would refuse with SQLITE_MISUSE and change nothing.
        #[allow(unsafe_code)]
        let rc = unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int)
        };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(code = rc, "SQLite's memory statistics stay on: SQLite was already in use");
        }
    });
}

/// Turns on the query planner stability guarantee for `conn`.
///
/// # Errors
/// When the connection's worker thread is gone, or SQLite refuses the setting.
pub(crate) async fn stable_plans(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut now_on: std::os::raw::c_int = 0;
    // SAFETY: `db` is the open connection's handle, locked out of its worker thread by `handle`
    // for the length of this call (sqlx's documented way to call SQLite directly), and
    // SQLITE_DBCONFIG_ENABLE_QPSG takes exactly an int and an int pointer, which is valid here.
    #[allow(unsafe_code)]
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::os::raw::c_int,
            &raw mut now_on,
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK || now_on != 1 {
        return Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}
