//! The versioned schema shared by the SQLite directory and session store.
//!
//! `PRAGMA user_version` holds the number of migrations applied. To change the schema, append a
//! migration; never edit one that has shipped.

use rusqlite::{Connection, TransactionBehavior};

/// Migrations in order; migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: partners, users, sessions.
    "CREATE TABLE partners (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT
    ) STRICT;
    CREATE INDEX partners_email ON partners (email);

    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT UNIQUE,
        name TEXT NOT NULL,
        password_hash TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        partner_id INTEGER REFERENCES partners (id)
    ) STRICT;

    -- No foreign key on uid: a session store may be paired with another directory.
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        uid INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX sessions_expires_at ON sessions (expires_at);",
    // 2: group memberships. The CHECK is the grammar of `directory::is_valid_group_name`
    // (`[a-z_][a-z0-9_-]*`), so a row written behind the directory's back cannot hold a name
    // that no route could require.
    "CREATE TABLE user_groups (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        group_name TEXT NOT NULL CHECK (
            group_name GLOB '[a-z_]*' AND group_name NOT GLOB '?*[^a-z0-9_-]*'
        ),
        PRIMARY KEY (user_id, group_name)
    ) STRICT, WITHOUT ROWID;",
];

/// The schema version this build creates and understands.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`].
///
/// Safe when several connections open the same new file at once: the version is re-read inside
/// an immediate (write-locked) transaction, so exactly one of them migrates.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), String> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| e.to_string())?;
    let applied = usize::try_from(version)
        .ok()
        .filter(|v| *v <= MIGRATIONS.len())
        .ok_or_else(|| {
            format!(
                "schema version {version} is not supported by this build (at most {SCHEMA_VERSION})"
            )
        })?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        tx.execute_batch(sql)
            .map_err(|e| format!("migration to schema version {} failed: {e}", i + 1))?;
    }
    if applied < MIGRATIONS.len() {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())
}

/// Creates a database at an older schema `version`, as a build of that time would have, for
/// migration tests.
#[cfg(test)]
pub(crate) fn create_at_version(conn: &Connection, version: usize) -> rusqlite::Result<()> {
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql)?;
    }
    conn.pragma_update(None, "user_version", version)
}
