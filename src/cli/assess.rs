//! `sovscan assess`: SBOMs (CycloneDX, SPDX) resolved through the rules and
//! judged like a scan, with every output, the gate and the report.

use super::inputs::{load_policy, load_rules, scan_date};
use super::scan::deliver;
use super::{AssessArgs, Error};
use crate::bounded;
use crate::i18n::Lang;
use crate::scan;
use std::io::{BufReader, Read};
use std::process::ExitCode;

pub fn run(args: AssessArgs, lang: Lang) -> Result<ExitCode, Error> {
    deliver(&args.out, args.quiet, lang, || {
        let db = load_rules(&args.rules)?;
        let policy = load_policy(args.policy.as_deref(), &db, args.quiet)?;
        let mut inputs: Vec<(String, Box<dyn Read>)> = Vec::new();
        for p in &args.sboms {
            // `-` reads the SBOM from stdin (`syft … -o cyclonedx-json | sovscan assess -`).
            if p.as_os_str() == "-" {
                inputs.push(("-".to_owned(), Box::new(std::io::stdin().lock())));
                continue;
            }
            // A regular file, opened without blocking (a FIFO or a device
            // is refused); it is streamed, so its size needs no cap.
            let file = bounded::open(p, bounded::Links::Follow).map_err(|source| Error::Read {
                path: p.clone(),
                source,
            })?;
            inputs.push((p.display().to_string(), Box::new(file)));
        }
        let inputs = inputs
            .into_iter()
            .map(|(p, r)| (p, BufReader::with_capacity(1 << 16, r)))
            .collect();
        let opts = scan::Options {
            policy: policy.clone(),
            date: Some(scan_date()?),
            ..Default::default()
        };
        let report = crate::sbom::assess(inputs, &db, &opts)?;
        Ok((db, policy, report))
    })
}
