//! Leaf parsers: file and encoding formats read from untrusted bytes, that
//! know no image, no package and no rule. Collectors and fingerprinters call
//! them, and so do the readers of rule, policy and report files; they call
//! nothing of the crate above `model`.
//!
//! - [`regf`]: Windows registry hive files (with a test-only writer);
//! - [`cms`]: CMS SignedData, as Authenticode and Apple code signatures
//!   carry it, depth-bounded;
//! - [`nesting`]: the depth bounds checked before serde_json and toml
//!   parse (JSON from images and saved reports, rule and policy files);
//! - [`bytes`]: bounds-checked fixed-width integers;
//! - [`sbom`]: CycloneDX and SPDX JSON documents, streamed component by
//!   component (`sovscan assess`).

pub mod bytes;
pub mod cms;
pub mod nesting;
pub mod regf;
pub mod sbom;
pub mod zone;
