//! Installation-wide values, generated once and shared by every worker.

use super::{Store, StoreError, on_pool};

impl Store {
    /// Returns the stored value of `key`, storing `generate()` first if there is none.
    ///
    /// Insert-then-read makes concurrent first runs agree on one value.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        generate: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let candidate = generate();
        let value: String = on_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(&candidate)
                .execute(pool)
                .await?;
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(pool)
                .await?
        });
        Ok(value)
    }
}
