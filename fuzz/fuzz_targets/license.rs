//! Fuzz target: licence expressions (`MIT OR (GPL-2.0+ AND ...)`) judged
//! against the embedded rule database's licence table, and rewritten as
//! SPDX expressions.

use sovscan::rules::RuleDb;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let db = RuleDb::embedded().expect("the embedded rule database loads");
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = db.license_is_open(text);
            let _ = db.spdx_id(text);
            let _ = db.spdx_expression(text);
        }
    });
}
