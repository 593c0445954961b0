//! The errors of the disk layers below the file systems: a container
//! (qcow2, VHDX, VMDK) or a partition table that cannot be read. Each names
//! the format and the structure, so a report can say "qcow2: L2 table 3
//! entry 17 points past the end of the file" instead of a bare I/O error.

use std::io;

/// A disk image that cannot be read as what its magic says it is.
#[derive(Debug, thiserror::Error)]
pub enum DiskError {
    /// The host file could not be read where a structure lies.
    #[error("{format}: reading the {structure}: {source}")]
    Io {
        format: &'static str,
        structure: &'static str,
        #[source]
        source: io::Error,
    },
    /// A structure holds values that cannot be right (an offset past the
    /// end, a size out of range, a bad signature or checksum).
    #[error("{format}: corrupt {structure}: {detail}")]
    Corrupt {
        format: &'static str,
        structure: &'static str,
        detail: String,
    },
    /// A valid image using a feature this reader does not implement.
    #[error("{format}: {detail} is not supported")]
    Unsupported {
        format: &'static str,
        detail: String,
    },
    /// A differencing image (qcow2 backing file, VHDX parent, VMDK extent)
    /// whose other file the caller did not name.
    #[error("{format}: this image needs its {what} \"{name}\", which was not given")]
    Missing {
        format: &'static str,
        what: &'static str,
        name: String,
    },
    /// A VHDX whose log holds writes not yet applied: reading it without
    /// replaying the log (which writes) would give stale data.
    #[error(
        "vhdx: the log holds changes that were never applied (unclean shutdown); the log must be replayed before the disk can be read (attach the VHDX once in Hyper-V or run `qemu-img check -r all` on a copy)"
    )]
    DirtyLog,
}

impl DiskError {
    pub(crate) fn corrupt(
        format: &'static str,
        structure: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self::Corrupt {
            format,
            structure,
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(format: &'static str, detail: impl Into<String>) -> Self {
        Self::Unsupported {
            format,
            detail: detail.into(),
        }
    }

    /// A reader for `structure` of `format`: an end of file becomes
    /// "corrupt: truncated", any other error stays an I/O error.
    pub(crate) fn io(format: &'static str, structure: &'static str) -> impl Fn(io::Error) -> Self {
        move |source| {
            if source.kind() == io::ErrorKind::UnexpectedEof {
                Self::corrupt(
                    format,
                    structure,
                    format!("the file is truncated ({source})"),
                )
            } else {
                Self::Io {
                    format,
                    structure,
                    source,
                }
            }
        }
    }
}

impl From<DiskError> for io::Error {
    /// A corrupt table met during a read (`ReadAt::read_at` returns
    /// `io::Result`): `InvalidData` carrying the typed error.
    fn from(e: DiskError) -> Self {
        let kind = match &e {
            DiskError::Io { source, .. } => source.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}
