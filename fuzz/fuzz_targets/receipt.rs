//! Fuzz target: a macOS pkg receipt. The input replaces `private/var/db/receipts/us.zoom.pkg.videomeeting.plist` in a copy of
//! `fixtures/demo-macos` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-macos",
        "private/var/db/receipts/us.zoom.pkg.videomeeting.plist",
        Family::Macos,
        &sovscan::collect::macos_receipts::MacosReceipts,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
