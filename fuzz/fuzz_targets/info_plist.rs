//! Fuzz target: an app's `Info.plist`. The input replaces `Applications/Firefox.app/Contents/Info.plist` in a copy of
//! `fixtures/demo-macos` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-macos",
        "Applications/Firefox.app/Contents/Info.plist",
        Family::Macos,
        &sovscan::collect::macos_apps::MacosApps,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
