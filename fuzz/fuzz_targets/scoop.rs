//! Fuzz target: a Scoop `manifest.json`. The input replaces `Users/alice/scoop/apps/git/2.47.1/manifest.json` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "Users/alice/scoop/apps/git/2.47.1/manifest.json",
        Family::Windows,
        &sovscan::collect::scoop::Scoop,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
