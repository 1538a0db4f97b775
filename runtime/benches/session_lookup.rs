//! One session `load` (the per-request cost of the `user` auth method) for each store.

use std::hint::black_box;

use authroute::Uid;
use authroute::session::{MemorySessionStore, SessionStore, SqliteSessionStore};
use criterion::{Criterion, criterion_group, criterion_main};

const NOW: i64 = 1_700_000_000;

/// Fills `store` with other sessions so the lookup is not in a one-row table.
fn fill(rt: &tokio::runtime::Runtime, store: &dyn SessionStore) -> String {
    rt.block_on(async {
        for uid in 0..1_000 {
            store.create(Uid(uid), NOW, 3_600).await.expect("create");
        }
        store.create(Uid(2), NOW, 3_600).await.expect("create").id
    })
}

fn session_lookup(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut group = c.benchmark_group("session_load");

    let memory = MemorySessionStore::new();
    let id = fill(&rt, &memory);
    group.bench_function("memory", |b| {
        b.iter(|| rt.block_on(memory.load(black_box(&id), NOW)).expect("load"))
    });

    let tmp = tempfile::tempdir().expect("temp dir");
    let sqlite = rt
        .block_on(SqliteSessionStore::open(tmp.path().join("bench.sqlite")))
        .expect("open");
    let id = fill(&rt, &sqlite);
    group.bench_function("sqlite", |b| {
        b.iter(|| rt.block_on(sqlite.load(black_box(&id), NOW)).expect("load"))
    });

    group.finish();
}

criterion_group!(benches, session_lookup);
criterion_main!(benches);
