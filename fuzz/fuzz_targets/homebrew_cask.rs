//! Fuzz target: a Homebrew cask definition. The input replaces `opt/homebrew/Caskroom/firefox/.metadata/131.0.3/20241015120000.000/Casks/firefox.json` in a copy of
//! `fixtures/demo-macos` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-macos",
        "opt/homebrew/Caskroom/firefox/.metadata/131.0.3/20241015120000.000/Casks/firefox.json",
        Family::Macos,
        &sovscan::collect::homebrew::Homebrew,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
