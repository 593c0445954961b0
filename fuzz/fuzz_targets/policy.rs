//! Fuzz target: the policy loader, validated against the embedded rule
//! database.

use sovscan::assess::policy::Policy;
use sovscan::date::Date;
use sovscan::rules::RuleDb;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let db = RuleDb::embedded().expect("the embedded rule database loads");
    let today = Date::parse("2026-12-01").expect("a date");
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = Policy::parse("policy.toml", text, &db, today);
        }
    });
}
