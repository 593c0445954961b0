//! Every integration test of sovscan, in one test crate.
//!
//! Each file under `tests/` used to be its own crate, and each linked the
//! whole library in debug; one crate links it once (ripgrep's layout). The
//! modules below keep the old files' names, so `cargo test --test it gate::`
//! runs what `cargo test --test gate` ran. Shared helpers are in [`common`].
//!
//! Tests that need a tool from outside the crate (Chromium, hivex, mount
//! rights, setpriv) skip with a message when it is missing, and fail when
//! `CI` is set: see [`common::available`].

/// Helpers: ELF and Mach-O writers, the binary under test, report lookups,
/// and the policy for tests that need an external tool.
mod common;

/// The house rules on the source: imports only run down the pipeline, and
/// no function is longer than the limit.
mod architecture;
/// The model against an informed CISO's levels for 60+ real products
/// (`tests/calibration.toml`, `docs/model-calibration.md`).
mod calibration;
/// The command line: exit codes, one-line errors, rule-file diagnostics,
/// atomic output files.
mod cli;
/// The sovereignty report for a council: summary first, cover, laws once,
/// `--appendix`, German in Chromium.
mod council;
/// `sovscan rules coverage`: signers of a saved scan the rules don't know.
mod coverage;
/// Root detection by marker files.
mod detect;
/// Disk containers (raw, qcow2, VHDX, VMDK) and partition tables (GPT,
/// MBR) on images built with qemu-img, sgdisk, sfdisk and mkfs.
mod disk;
/// NTFS, ext4 and FAT images read through DiskFs, no mount.
mod disk_fs;
/// `sovscan scan IMAGE-FILE`: images built from the demo trees scan as
/// the trees; damage and encryption said; bytes read counted.
mod disk_scan;
/// Helpers building those images with Debian's tools.
mod disk_support;
/// Attribution by each file's own evidence: hard links, and directory
/// groups decided by their files' verified signatures.
mod evidence;
/// `sovscan fleet`: seat-weighted figures against a hand computation, the
/// trend over dated scans, Parquet read by DuckDB, manifest errors.
mod fleet;
/// CycloneDX and SARIF against the official schemas, several outputs from
/// one scan, NDJSON and CSV records, determinism, bad `-o` values.
mod formats;
/// CI gates, baselines and drift: the exit codes a pipeline relies on.
mod gate;
/// `--lang de`: the table, summary, explain, check, plan, diff and the
/// gate's lines in German (snapshots).
mod german;
/// A hostile image tree: the scan completes, stays inside the root and
/// lists every oddity it met.
mod hostile;
/// A live image changing under the scan (truncation), and what a scan
/// opens (strace).
mod hostile_live;
/// The HTML report rendered by headless Chromium: screenshot, DOM, and no
/// network request from the page.
mod html_report;
/// Stable component keys across scans and root order; the scan date.
mod keys;
/// Language-ecosystem packages (pip, conda, npm, NuGet, Maven): licences,
/// purls, the files they own, and membership in the product that ships them.
mod lang;
/// macOS images: apps, code signatures, Homebrew, pkg receipts, hostile
/// Mach-O files.
mod macos;
/// The assessment model: worked examples of docs/model.md, properties
/// (proptest), policy overrides.
mod model;
/// The PDF report read back by poppler: text, fonts, pages, page 1 as
/// PNG, German text.
mod pdf_report;
/// PE fingerprints and Authenticode signers on the demo Windows image.
mod pe;
/// `sovscan plan` and `sovscan check`: plans on the demo images whose
/// phases equal scans of images rebuilt with the replacements, capacity,
/// kept products, the timeline chart in Chromium, the check before
/// procurement (issue 13).
mod plan;
/// Products folded from components on the demo images: split packages,
/// app + receipt + cask, registry entry + folder, updates, installations.
mod products;
/// The sovereignty report (md, html) and `sovscan report` re-rendering a
/// saved scan byte for byte in every format.
mod report;
/// The embedded rule database: control chains, key facts, look-alike names,
/// and every kind of mistake in a rule file.
mod rules_db;
/// `sovscan assess`: Syft's and Trivy's SBOMs against a direct scan, SPDX,
/// the gate, invalid and streamed SBOMs.
mod sbom;
/// Whole-report insta snapshots of the demo images (`snapshots/`).
mod snapshot;
/// Every inventory source, end to end, on the generated demo images.
mod sources;
/// The table in a terminal and in a pipe: width, columns kept, grouping,
/// colours (issue 17).
mod terminal;
/// `sovscan summary`, `sovscan explain` and `rules check`.
mod views;
/// Walk guarantees on trees built on the spot: hard links, symlinked
/// binaries, file-system boundaries.
mod walk;
/// Windows images: registry, AppX, Chocolatey, Scoop, MSI, hostile hives,
/// case-insensitive paths, binary grouping.
mod windows;
