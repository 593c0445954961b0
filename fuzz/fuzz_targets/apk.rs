//! Fuzz target: the apk `installed` database. The input replaces `usr/lib/apk/db/installed` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-linux",
        "usr/lib/apk/db/installed",
        Family::Linux,
        &sovscan::collect::apk::Apk,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
