//! Fuzz target: a distroless `status.d` record. The input replaces `var/lib/dpkg/status.d/libc6` in a copy of
//! `fixtures/distroless` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "distroless",
        "var/lib/dpkg/status.d/libc6",
        Family::Linux,
        &sovscan::collect::dpkg::Dpkg,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
