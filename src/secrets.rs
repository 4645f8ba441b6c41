//! Keys the site makes for itself. Generated at first start and kept in the database, so all
//! instances and all restarts share them, and no operator has to invent or configure one.

use sqlx::PgPool;

/// The key named `name`, `N` random bytes long; created on first use.
pub async fn load_or_create<const N: usize>(
    pool: &PgPool,
    name: &str,
) -> Result<[u8; N], sqlx::Error> {
    let mut fresh = [0_u8; N];
    rand::fill(&mut fresh);
    // Of two instances starting at once, the first insert wins and both read its key.
    sqlx::query!(
        "insert into site_secret (name, value) values ($1, $2) on conflict (name) do nothing",
        name,
        &fresh[..],
    )
    .execute(pool)
    .await?;
    let stored = sqlx::query_scalar!("select value from site_secret where name = $1", name)
        .fetch_one(pool)
        .await?;
    stored.try_into().map_err(|value: Vec<u8>| {
        sqlx::Error::Protocol(format!(
            "site secret {name:?} has {} bytes, expected {N}",
            value.len()
        ))
    })
}
