//! Fuzz target: a cached MSI (compound file). The input replaces `Windows/Installer/7f3a91.msi` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "Windows/Installer/7f3a91.msi",
        Family::Windows,
        &sovscan::collect::registry::Registry,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
