//! Fuzz target: snapd's `state.json`. The input replaces `var/lib/snapd/state.json` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    let target = ImageTarget::new(
        "demo-linux",
        "var/lib/snapd/state.json",
        Family::Linux,
        &sovscan::collect::snap::Snap,
    );
    afl::fuzz!(|data: &[u8]| {
        target.run(data);
    });
}
