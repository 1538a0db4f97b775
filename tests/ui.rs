//! Compile-time checks: one mistake per file under `tests/ui/`, each with its reviewed compiler
//! output. Regenerate with `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/route/*.rs");
    t.compile_fail("tests/ui/auth_method/*.rs");
    t.compile_fail("tests/ui/validator/*.rs");
    t.compile_fail("tests/ui/groups/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
