//! Writes a registry hive from a JSON description, with sovscan's own regf
//! writer (the same code path as `fixtures/windows/make.rs`). Used by
//! `benches/realistic/build.sh` for the realistic Windows image's SOFTWARE
//! hive; the keys and values come from `benches/realistic/layout.py`.
//!
//!     cargo run --example realistic-hive -- KEYS.json OUT_HIVE
//!
//! KEYS.json is a list of `[["Key", "Path", ...], {"Name": value, ...}]`;
//! a string value is written as REG_SZ, a string starting with `expand:` as
//! REG_EXPAND_SZ (the prefix dropped), an integer as REG_DWORD. Values keep
//! their order. Deterministic: fixed sequence numbers, no timestamps taken
//! from the clock.

#[path = "../../src/formats/regf/writer.rs"]
#[allow(dead_code)]
mod writer;

use writer::{HiveWriter, Val};

fn value(name: &str, v: &serde_json::Value) -> Val {
    match v {
        serde_json::Value::String(s) => match s.strip_prefix("expand:") {
            Some(rest) => Val::ExpandSz(rest.to_owned()),
            None => Val::Sz(s.clone()),
        },
        serde_json::Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(d) => Val::Dword(d),
            None => panic!("value {name}: {n} is not a DWORD"),
        },
        other => panic!("value {name}: unsupported JSON value {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [keys, out] = args.as_slice() else {
        eprintln!("usage: realistic-hive KEYS.json OUT_HIVE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(keys).unwrap_or_else(|e| panic!("{keys}: {e}"));
    let entries: Vec<(Vec<String>, serde_json::Map<String, serde_json::Value>)> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{keys}: {e}"));
    let mut w = HiveWriter::new();
    w.root_name("CMI-CreateHive{199DAFC2-6F16-4946-BF90-5A3FC3A60902}");
    for (path, values) in &entries {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        let k = w.key(&parts);
        for (name, v) in values {
            w.value(k, name, value(name, v));
        }
    }
    let out = std::path::Path::new(out);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(out, w.finish(1, 1)).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
