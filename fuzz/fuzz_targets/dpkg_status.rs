//! Fuzz target: dpkg `status`. The input replaces `var/lib/dpkg/status` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-linux",
        "var/lib/dpkg/status",
        Family::Linux,
        &sovscan::collect::dpkg::Dpkg,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
