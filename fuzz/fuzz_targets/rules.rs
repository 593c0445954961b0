//! Fuzz target: the rule loader (TOML, nesting bound, every table's
//! validator, the matcher) on the input as the only layer. (Over the
//! embedded database each execution would spend ~50 ms loading it, for
//! 20 executions a second; references to its vendors are then errors,
//! which are under test too.)

use sovscan::rules::{Source, load};
use std::borrow::Cow;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let layer = vec![Source {
                name: "fuzz.toml".to_owned(),
                text: Cow::Owned(text.to_owned()),
            }];
            let _ = load(vec![layer]);
        }
    });
}
