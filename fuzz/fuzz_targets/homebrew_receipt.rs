//! Fuzz target: a Homebrew formula's `INSTALL_RECEIPT.json`. The input replaces `opt/homebrew/Cellar/jq/1.7.1/INSTALL_RECEIPT.json` in a copy of
//! `fixtures/demo-macos` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-macos",
        "opt/homebrew/Cellar/jq/1.7.1/INSTALL_RECEIPT.json",
        Family::Macos,
        &sovscan::collect::homebrew::Homebrew,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
