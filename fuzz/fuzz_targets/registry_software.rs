//! Fuzz target: the SOFTWARE hive, through the registry collector. The input replaces `Windows/System32/config/SOFTWARE` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "Windows/System32/config/SOFTWARE",
        Family::Windows,
        &sovscan::collect::registry::Registry,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
