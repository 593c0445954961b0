//! CMS SignedData (PKCS #7, RFC 5652) as code signatures carry it:
//! Authenticode's certificate table in PE files and the CMS blob of Apple
//! code signatures (Mach-O). We read who *claims* to have signed (the
//! certificate the first SignerInfo names: its subject and issuer) and the
//! signed content; we validate no chain and check no signature.
//!
//! Why a hand-written walker: the structure needed is five levels of
//! SEQUENCE/`[0]`/SET, and the crates that model CMS as types (`cms` 0.2,
//! `authenticode` 0.6) reject BER indefinite lengths, which Apple's
//! signatures use (`30 80 ...`). asn1-rs (the BER/DER layer under
//! x509-parser, already needed for the certificates) reads BER, so the walk
//! is a few lines over its `Any` with explicit tag checks; certificates
//! themselves are DER and go to x509-parser. One reader serves both
//! formats, so PE and Mach-O name a signer by the same rule.
//!
//! Hostile input: the walk itself is flat (each level is one explicit
//! step). asn1-rs bounds its own recursion when it skips indefinite-length
//! content, and x509-parser bounds its DER. What remains recursive here is
//! joining BER's constructed OCTET STRING chunks ([`octets`]), which nest
//! without limit in the encoding; they are followed [`MAX_DEPTH`] levels
//! deep and no further, so a crafted signature is an error, not a stack
//! overflow that would abort the whole scan.

use crate::model::binary::Subject;
use x509_parser::asn1_rs::{Class, FromBer};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

pub use x509_parser::asn1_rs::{Any, Tag};

/// `1.2.840.113549.1.7.2` signedData, as encoded OID content bytes.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// How deep constructed OCTET STRING chunks are followed. Encoders that
/// split a string at all (BER streaming) nest once; 16 leaves room for odd
/// ones at a few hundred bytes of stack per level.
pub const MAX_DEPTH: usize = 16;

/// Why a blob is not a readable SignedData, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0}: truncated")]
    Truncated(&'static str),
    #[error("{what}: {reason}")]
    Ber { what: &'static str, reason: String },
    #[error("{what}: expected {class:?} tag {tag}, found {found_class:?} tag {found_tag}")]
    Tag {
        what: &'static str,
        class: Class,
        tag: u32,
        found_class: Class,
        found_tag: u32,
    },
    #[error("content is not SignedData")]
    NotSignedData,
    #[error("unexpected field in SignedData")]
    UnexpectedField,
    #[error("SignedData has no SignerInfo")]
    NoSignerInfo,
    #[error("unknown SignerInfo sid ({0} bytes)")]
    UnknownSid(usize),
    #[error("expected an OCTET STRING")]
    NotOctetString,
    #[error("OCTET STRING chunks nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// What a SignedData says.
#[derive(Debug)]
pub struct Signed<'a> {
    /// The encapsulated content's type (OID content bytes).
    pub content_type: &'a [u8],
    /// The encapsulated content (one complete TLV), when not detached.
    pub content: Option<&'a [u8]>,
    /// The first SignerInfo's certificate; `None` when no embedded
    /// certificate matches it.
    pub signer: Option<Signer>,
}

/// The claimed signer: its certificate's subject and issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub subject: Subject,
    /// The issuer as one line, in the certificate's order (`C=US, O=..., CN=...`).
    pub issuer: String,
}

/// Reads a ContentInfo holding SignedData (BER tolerated).
pub fn signed_data(blob: &[u8]) -> Result<Signed<'_>, Error> {
    let mut top = blob;
    let ci = next(&mut top, "ContentInfo")?;
    expect(&ci, Class::Universal, Tag::Sequence, "ContentInfo")?;
    let mut ci = ci.data;
    let oid = next(&mut ci, "content type")?;
    expect(&oid, Class::Universal, Tag::Oid, "content type")?;
    if oid.data != OID_SIGNED_DATA {
        return Err(Error::NotSignedData);
    }
    let wrapper = next(&mut ci, "content")?;
    expect(&wrapper, Class::ContextSpecific, Tag(0), "content")?;
    let mut w = wrapper.data;
    let sd = next(&mut w, "SignedData")?;
    expect(&sd, Class::Universal, Tag::Sequence, "SignedData")?;
    let mut sd = sd.data;

    let version = next(&mut sd, "SignedData version")?;
    expect_universal(&version, Tag::Integer, "SignedData version")?;
    let algs = next(&mut sd, "digestAlgorithms")?;
    expect_universal(&algs, Tag::Set, "digestAlgorithms")?;
    let (content_type, content) = encapsulated(&mut sd)?;

    let mut certs: Vec<X509Certificate> = Vec::new();
    let mut signer_info = None;
    while !sd.is_empty() {
        let item = next(&mut sd, "SignedData field")?;
        match (item.class(), item.tag()) {
            (Class::ContextSpecific, Tag(0)) => {
                let mut list = item.data;
                while !list.is_empty() {
                    let (_, raw) = next_raw(&mut list, "certificate")?;
                    // Other certificate choices (attribute certificates) are
                    // not X.509 certificates: skip them.
                    if let Ok((_, c)) = X509Certificate::from_der(raw) {
                        certs.push(c);
                    }
                }
            }
            (Class::ContextSpecific, Tag(1)) => {} // CRLs
            (Class::Universal, Tag::Set) => {
                let mut infos = item.data;
                if !infos.is_empty() {
                    signer_info = Some(next(&mut infos, "SignerInfo")?);
                }
            }
            _ => return Err(Error::UnexpectedField),
        }
    }
    let info = signer_info.ok_or(Error::NoSignerInfo)?;
    let signer = signer_certificate(&info, &certs)?.map(|c| Signer {
        subject: subject(&c.tbs_certificate.subject),
        issuer: c.tbs_certificate.issuer.to_string(),
    });
    Ok(Signed {
        content_type,
        content,
        signer,
    })
}

/// encapContentInfo: the content type and, unless detached, the content.
fn encapsulated<'a>(sd: &mut &'a [u8]) -> Result<(&'a [u8], Option<&'a [u8]>), Error> {
    let encap = next(sd, "encapContentInfo")?;
    expect_universal(&encap, Tag::Sequence, "encapContentInfo")?;
    let mut e = encap.data;
    let ctype = next(&mut e, "eContentType")?;
    expect_universal(&ctype, Tag::Oid, "eContentType")?;
    if e.is_empty() {
        return Ok((ctype.data, None));
    }
    let explicit = next(&mut e, "eContent")?;
    expect(&explicit, Class::ContextSpecific, Tag(0), "eContent")?;
    let mut inner = explicit.data;
    Ok((ctype.data, Some(next_raw(&mut inner, "eContent")?.1)))
}

/// The embedded certificate a SignerInfo names: by issuer and serial
/// number, or by subject key identifier. `None` when none matches (the
/// signer's certificate was left out); never a guess at another one.
fn signer_certificate<'c, 'a>(
    info: &Any,
    certs: &'c [X509Certificate<'a>],
) -> Result<Option<&'c X509Certificate<'a>>, Error> {
    expect_universal(info, Tag::Sequence, "SignerInfo")?;
    let mut si = info.data;
    let v = next(&mut si, "SignerInfo version")?;
    expect_universal(&v, Tag::Integer, "SignerInfo version")?;
    let (sid, sid_raw) = next_raw(&mut si, "SignerInfo sid")?;
    Ok(match (sid.class(), sid.tag()) {
        // issuerAndSerialNumber
        (Class::Universal, Tag::Sequence) => {
            let mut s = sid.data;
            let (_, issuer) = next_raw(&mut s, "signer issuer")?;
            let serial = next(&mut s, "signer serial")?;
            expect_universal(&serial, Tag::Integer, "signer serial")?;
            certs.iter().find(|c| {
                c.tbs_certificate.issuer.as_raw() == issuer
                    && strip_sign(c.raw_serial()) == strip_sign(serial.data)
            })
        }
        // [0] subjectKeyIdentifier
        (Class::ContextSpecific, Tag(0)) => certs.iter().find(|c| {
            c.extensions().iter().any(|x| {
                matches!(x.parsed_extension(),
                    ParsedExtension::SubjectKeyIdentifier(k) if k.0 == sid.data)
            })
        }),
        _ => return Err(Error::UnknownSid(sid_raw.len())),
    })
}

/// Leading zero bytes of a DER INTEGER are sign padding, not value.
fn strip_sign(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&x| x == 0).count();
    &b[n.min(b.len().saturating_sub(1))..]
}

fn subject(name: &X509Name) -> Subject {
    use x509_parser::oid_registry::*;
    // The first value of an attribute that is a string (BMPString and
    // UniversalString included).
    let first = |oid| {
        name.iter_by_oid(&oid)
            .find_map(|a| a.as_str().ok().map(str::to_owned))
    };
    Subject {
        cn: first(OID_X509_COMMON_NAME),
        o: first(OID_X509_ORGANIZATION_NAME),
        ou: first(OID_X509_ORGANIZATIONAL_UNIT),
        l: first(OID_X509_LOCALITY_NAME),
        st: first(OID_X509_STATE_OR_PROVINCE_NAME),
        c: first(OID_X509_COUNTRY_NAME),
    }
}

/// Reads the next element (BER) and advances; for format readers that walk
/// their own content types (Authenticode's SpcIndirectDataContent).
pub fn next<'a>(input: &mut &'a [u8], what: &'static str) -> Result<Any<'a>, Error> {
    next_raw(input, what).map(|(a, _)| a)
}

/// Reads the next element and returns it with its complete encoding.
fn next_raw<'a>(input: &mut &'a [u8], what: &'static str) -> Result<(Any<'a>, &'a [u8]), Error> {
    let start = *input;
    let (rest, any) = Any::from_ber(start).map_err(|e| match e {
        x509_parser::nom::Err::Incomplete(_) => Error::Truncated(what),
        e => Error::Ber {
            what,
            reason: e.to_string(),
        },
    })?;
    *input = rest;
    Ok((any, &start[..start.len() - rest.len()]))
}

fn expect(any: &Any, class: Class, tag: Tag, what: &'static str) -> Result<(), Error> {
    if any.class() == class && any.tag() == tag {
        Ok(())
    } else {
        Err(Error::Tag {
            what,
            class,
            tag: tag.0,
            found_class: any.class(),
            found_tag: any.tag().0,
        })
    }
}

/// Checks an element's class and universal tag.
pub fn expect_universal(any: &Any, tag: Tag, what: &'static str) -> Result<(), Error> {
    expect(any, Class::Universal, tag, what)
}

/// The content bytes of an OCTET STRING, joining BER's constructed chunks
/// (at most [`MAX_DEPTH`] levels of them).
pub fn octets(any: &Any) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    octets_into(any, MAX_DEPTH, &mut out)?;
    Ok(out)
}

fn octets_into(any: &Any, depth: usize, out: &mut Vec<u8>) -> Result<(), Error> {
    if any.tag() != Tag::OctetString {
        return Err(Error::NotOctetString);
    }
    if !any.header.is_constructed() {
        out.extend_from_slice(any.data);
        return Ok(());
    }
    let depth = depth.checked_sub(1).ok_or(Error::TooDeep)?;
    let mut rest = any.data;
    while !rest.is_empty() {
        octets_into(&next(&mut rest, "OCTET STRING chunk")?, depth, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for blob in [
            &b""[..],
            b"\x30",
            b"\x30\x80",
            b"\x30\x03\x06\x01\x00",
            b"\x30\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
            b"\xff\xff\xff\xff",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x80\x06",
            b"\x30\x03\x02\x01\x01",
        ] {
            assert!(signed_data(blob).is_err(), "{blob:?}");
        }
        assert_eq!(
            signed_data(b"\x30\x05\x06\x03\x2a\x03\x04").unwrap_err(),
            Error::NotSignedData
        );
    }

    #[test]
    fn strips_sign_padding() {
        assert_eq!(strip_sign(&[0, 0x80]), &[0x80]);
        assert_eq!(strip_sign(&[0]), &[0]);
        assert_eq!(strip_sign(&[0x10, 0]), &[0x10, 0]);
    }

    /// The BER CMS blob of a demo-macos binary's code signature, as Apple's
    /// codesign writes it (indefinite lengths, detached content).
    fn zoom_cms() -> Vec<u8> {
        let bin = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/demo-macos/Applications/zoom.us.app/Contents/MacOS/zoom.us"
        ))
        .unwrap();
        let start = [0x30, 0x80, 0x06, 0x09];
        let at = bin.windows(4).position(|w| w == start).unwrap();
        bin[at..].to_vec()
    }

    /// Where the serial number of the first SignerInfo's sid sits in `blob`.
    fn sid_serial_at(blob: &[u8]) -> usize {
        let mut b = blob;
        let ci = next(&mut b, "ContentInfo").unwrap();
        let mut ci = ci.data;
        next(&mut ci, "content type").unwrap();
        let mut w = next(&mut ci, "content").unwrap().data;
        let mut sd = next(&mut w, "SignedData").unwrap().data;
        // signerInfos is the last field.
        let infos = loop {
            let item = next(&mut sd, "field").unwrap();
            if sd.is_empty() {
                assert_eq!(item.tag(), Tag::Set);
                break item;
            }
        };
        let mut infos = infos.data;
        let mut si = next(&mut infos, "SignerInfo").unwrap().data;
        next(&mut si, "version").unwrap();
        let mut sid = next(&mut si, "sid").unwrap().data;
        next(&mut sid, "issuer").unwrap();
        let serial = next(&mut sid, "serial").unwrap();
        serial.data.as_ptr() as usize - blob.as_ptr() as usize
    }

    #[test]
    fn apple_ber_signature_names_its_signer() {
        let blob = zoom_cms();
        let signed = signed_data(&blob).unwrap();
        assert_eq!(signed.content, None, "detached");
        let signer = signed.signer.unwrap();
        assert_eq!(
            signer.subject.cn.as_deref(),
            Some("Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3)")
        );
        assert_eq!(signer.subject.ou.as_deref(), Some("BJ4HAAB9B3"));
        assert_eq!(signer.subject.c.as_deref(), Some("US"));
        assert!(signer.issuer.contains("CN=sovscan Test Developer ID CA"));
    }

    #[test]
    fn no_other_certificate_stands_in_for_the_signers() {
        // The SignerInfo names a serial number no embedded certificate has:
        // the CA's certificate beside it is not taken for the signer.
        let mut blob = zoom_cms();
        let at = sid_serial_at(&blob);
        blob[at] ^= 0x40;
        let signed = signed_data(&blob).unwrap();
        assert_eq!(signed.signer, None);
    }

    /// An OCTET STRING of `levels` constructed wrappers (definite lengths
    /// in four bytes, `24 84 ...`) around the primitive `04 02 ab cd`.
    fn nested_octets(levels: usize) -> Vec<u8> {
        let mut der = vec![0x04, 0x02, 0xab, 0xcd];
        for _ in 0..levels {
            let mut outer = vec![0x24, 0x84];
            outer.extend_from_slice(&(der.len() as u32).to_be_bytes());
            outer.extend_from_slice(&der);
            der = outer;
        }
        der
    }

    #[test]
    fn constructed_chunks_are_joined() {
        // Two chunks, one of them itself constructed (BER streaming).
        let ber = [
            0x24, 0x80, 0x04, 0x01, 0x01, 0x24, 0x80, 0x04, 0x02, 0x02, 0x03, 0, 0, 0, 0,
        ];
        let any = next(&mut &ber[..], "digest").unwrap();
        assert_eq!(octets(&any).unwrap(), [1, 2, 3]);
        let ok = nested_octets(MAX_DEPTH);
        assert_eq!(
            octets(&next(&mut &ok[..], "digest").unwrap()).unwrap(),
            [0xab, 0xcd]
        );
        let deeper = nested_octets(MAX_DEPTH + 1);
        assert_eq!(
            octets(&next(&mut &deeper[..], "digest").unwrap()),
            Err(Error::TooDeep)
        );
    }

    /// 100 times the bound, on a stack far smaller than a worker's: an
    /// error, not an abort.
    #[test]
    fn nesting_past_the_bound_is_an_error_on_a_small_stack() {
        let hostile = nested_octets(MAX_DEPTH * 100);
        let result = crate::isolate::on_small_stack(move || {
            octets(&next(&mut &hostile[..], "digest").unwrap())
        });
        assert_eq!(result, Err(Error::TooDeep));
    }
}
