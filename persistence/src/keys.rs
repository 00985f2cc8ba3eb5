//! A page of a list named by its rows' keys, in one row.
//!
//! A list page's rows cost most in their passage from the database to the service, row by row
//! and column by column; a page named by its rows' ids and versions crosses as one string. A
//! reader that keeps what it made of each row version (the views in JSON) then reads the rows
//! themselves only for the versions it has not seen.

use crate::{Page, PageRequest, StoreError, StoreResult};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ConnectionTrait, DbBackend};
use uuid::Uuid;

/// A row version as a page names it: its id, its version, and one more number that changes
/// what a reader makes of it without moving its version on (for a plan, the protocol number of
/// the meeting its review cites, which the minutes may give later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowKey {
    /// The row's id.
    pub id: Uuid,
    /// Its version.
    pub version: i32,
    /// The number beside it, if any.
    pub extra: Option<i64>,
}

/// The column names a keyed select gives its id, version and extra number.
pub(crate) const ID: &str = "k_id";
pub(crate) const VERSION: &str = "k_version";
pub(crate) const EXTRA: &str = "k_extra";

/// The keys of the rows `select` reads (its columns named [`ID`], [`VERSION`] and [`EXTRA`],
/// at most `page.limit + 1` rows), as a page in id order. One statement, one row.
pub(crate) async fn page_keys(
    db: &impl ConnectionTrait,
    select: &SelectStatement,
    page: PageRequest,
) -> StoreResult<Page<RowKey>> {
    let backend = db.get_database_backend();
    let mut statement = backend.build(select);
    let joined = match backend {
        DbBackend::Postgres => format!(
            "SELECT string_agg(CAST({ID} AS TEXT) || ':' || CAST({VERSION} AS TEXT) || ':' || \
             COALESCE(CAST({EXTRA} AS TEXT), ''), ',') FROM ({}) AS keyed",
            statement.sql
        ),
        _ => format!(
            "SELECT group_concat(hex({ID}) || ':' || {VERSION} || ':' || COALESCE({EXTRA}, ''), ',') \
             FROM ({}) AS keyed",
            statement.sql
        ),
    };
    statement.sql = joined;
    let row = db.query_one_raw(statement).await?;
    let joined: Option<String> = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => None,
    };
    let mut keys = joined.as_deref().map(parse).transpose()?.unwrap_or_default();
    keys.sort_unstable_by_key(|k| k.id);
    Ok(Page::from_rows(keys, page.limit, |k| k.id))
}

fn parse(joined: &str) -> StoreResult<Vec<RowKey>> {
    joined
        .split(',')
        .map(|one| {
            let bad = || StoreError::Corrupt(format!("row key: {one}"));
            let mut parts = one.split(':');
            let (Some(id), Some(version), Some(extra), None) = (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            Ok(RowKey {
                id: Uuid::parse_str(id).map_err(|_| bad())?,
                version: version.parse().map_err(|_| bad())?,
                extra: if extra.is_empty() { None } else { Some(extra.parse().map_err(|_| bad())?) },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keys_read_in_either_databases_spelling() {
        let keys = parse("01A236D7D1707245AFB40C986EC0EBF1:3:,01a236d7-d170-7245-afb4-0c986ec0ebf2:1:12").unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].id, Uuid::parse_str("01a236d7-d170-7245-afb4-0c986ec0ebf1").unwrap());
        assert_eq!((keys[0].version, keys[0].extra), (3, None));
        assert_eq!((keys[1].version, keys[1].extra), (1, Some(12)));
    }

    #[test]
    fn a_malformed_key_is_corrupt_not_a_panic() {
        assert!(parse("nonsense").is_err());
        assert!(parse("01A236D7D1707245AFB40C986EC0EBF1:x:").is_err());
    }
}
