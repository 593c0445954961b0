//! Fuzz target: snapd's `state.json`. The input replaces `var/lib/snapd/state.json` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-linux",
        "var/lib/snapd/state.json",
        Family::Linux,
        &sovscan::collect::snap::Snap,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
