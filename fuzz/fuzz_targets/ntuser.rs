//! Fuzz target: a user's `NTUSER.DAT`, through the registry collector. The input replaces `Users/alice/NTUSER.DAT` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "Users/alice/NTUSER.DAT",
        Family::Windows,
        &sovscan::collect::registry::Registry,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
