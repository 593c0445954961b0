//! Fuzz target: the regf hive reader, opening a hive and reading every key
//! and value it reaches (as deep as the collectors go and further).

use sovscan::formats::regf::{Hive, Key};

fn walk(key: &Key, depth: usize) {
    let (values, _) = key.values();
    for v in &values {
        let _ = (v.as_string(), v.as_number());
    }
    let _ = key.string("DisplayName");
    if depth == 0 {
        return;
    }
    let (subkeys, _) = key.subkeys();
    for k in &subkeys {
        walk(k, depth - 1);
    }
}

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(hive) = Hive::open(data) {
            let _ = hive.is_dirty();
            if let Ok(root) = hive.root() {
                walk(&root, 12);
                let _ = root.path("Microsoft\\Windows\\CurrentVersion\\Uninstall");
            }
        }
    });
}
