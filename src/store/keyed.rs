//! Statements that select by one key (`$1`), for either backend: the shape
//! of most look-ups, written once instead of once per look-up.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Encode, FromRow, Postgres, Sqlite, Type};

use super::{Store, StoreError, on_pool};

/// A value either backend binds as a parameter.
pub(crate) trait Key:
    for<'q> Encode<'q, Sqlite> + Type<Sqlite> + for<'q> Encode<'q, Postgres> + Type<Postgres> + Send
{
}

impl<T> Key for T where
    T: for<'q> Encode<'q, Sqlite>
        + Type<Sqlite>
        + for<'q> Encode<'q, Postgres>
        + Type<Postgres>
        + Send
{
}

/// A row either backend decodes.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

impl Store {
    /// The row `sql` selects with `key` as `$1`, if any.
    pub(crate) async fn row_by<T: Row>(
        &self,
        sql: &'static str,
        key: impl Key,
    ) -> Result<Option<T>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(key).fetch_optional(pool).await?
        }))
    }

    /// Every row `sql` selects with `key` as `$1`, in the order it says.
    pub(crate) async fn rows_by<T: Row>(
        &self,
        sql: &'static str,
        key: impl Key,
    ) -> Result<Vec<T>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(key).fetch_all(pool).await?
        }))
    }
}
