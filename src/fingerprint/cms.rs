//! CMS SignedData (PKCS #7, RFC 5652) as code signatures carry it:
//! Authenticode's certificate table in PE files, and later the CMS blob of
//! Apple code signatures. We read who *claims* to have signed (the signer's
//! certificate subject and issuer) and the signed content; we validate no
//! chain and check no signature.
//!
//! Why a hand-written walker: the structure needed is five levels of
//! SEQUENCE/[0]/SET, and the crates that model CMS as types (`cms` 0.2,
//! `authenticode` 0.6) reject BER indefinite lengths, which Apple's signatures
//! use (`30 80 ...`). asn1-rs (the BER/DER layer under x509-parser, already
//! needed for the certificates) reads BER, so the walk is a few lines over its
//! `Any` with explicit tag checks; certificates themselves are DER and go to
//! x509-parser. See shared/docs/crates-research.md §2.

use crate::model::binary::Subject;
use x509_parser::asn1_rs::{Any, Class, FromBer, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

/// `1.2.840.113549.1.7.2` signedData, as encoded OID content bytes.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// What a SignedData says.
#[derive(Debug)]
pub struct Signed<'a> {
    /// The encapsulated content's type (OID content bytes).
    pub content_type: &'a [u8],
    /// The encapsulated content (one complete TLV), when not detached.
    pub content: Option<&'a [u8]>,
    /// The first signer's certificate subject and issuer; `None` when no
    /// embedded certificate matches its SignerInfo.
    pub signer: Option<(Subject, String)>,
}

/// Reads a ContentInfo holding SignedData (BER tolerated).
pub fn signed_data(blob: &[u8]) -> Result<Signed<'_>, String> {
    let mut top = blob;
    let ci = take(&mut top, "ContentInfo")?;
    expect(&ci, Class::Universal, Tag::Sequence, "ContentInfo")?;
    let mut ci = ci.data;
    let oid = take(&mut ci, "content type")?;
    expect(&oid, Class::Universal, Tag::Oid, "content type")?;
    if oid.data != OID_SIGNED_DATA {
        return Err("content is not SignedData".into());
    }
    let wrapper = take(&mut ci, "content")?;
    expect(&wrapper, Class::ContextSpecific, Tag(0), "content")?;
    let mut w = wrapper.data;
    let sd = take(&mut w, "SignedData")?;
    expect(&sd, Class::Universal, Tag::Sequence, "SignedData")?;
    let mut sd = sd.data;

    let version = take(&mut sd, "SignedData version")?;
    expect(
        &version,
        Class::Universal,
        Tag::Integer,
        "SignedData version",
    )?;
    let algs = take(&mut sd, "digestAlgorithms")?;
    expect(&algs, Class::Universal, Tag::Set, "digestAlgorithms")?;
    let encap = take(&mut sd, "encapContentInfo")?;
    expect(&encap, Class::Universal, Tag::Sequence, "encapContentInfo")?;
    let mut e = encap.data;
    let ctype = take(&mut e, "eContentType")?;
    expect(&ctype, Class::Universal, Tag::Oid, "eContentType")?;
    let content = if e.is_empty() {
        None
    } else {
        let explicit = take(&mut e, "eContent")?;
        expect(&explicit, Class::ContextSpecific, Tag(0), "eContent")?;
        let mut inner = explicit.data;
        Some(take_raw(&mut inner, "eContent")?.1)
    };

    let mut certs: Vec<X509Certificate> = Vec::new();
    let mut signer_info = None;
    while !sd.is_empty() {
        let item = take(&mut sd, "SignedData field")?;
        match (item.class(), item.tag()) {
            (Class::ContextSpecific, Tag(0)) => {
                let mut list = item.data;
                while !list.is_empty() {
                    let (_, raw) = take_raw(&mut list, "certificate")?;
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
                    signer_info = Some(take(&mut infos, "SignerInfo")?);
                }
            }
            _ => return Err("unexpected field in SignedData".into()),
        }
    }
    let info = signer_info.ok_or("SignedData has no SignerInfo")?;
    expect(&info, Class::Universal, Tag::Sequence, "SignerInfo")?;
    let mut si = info.data;
    let v = take(&mut si, "SignerInfo version")?;
    expect(&v, Class::Universal, Tag::Integer, "SignerInfo version")?;
    let (sid, sid_raw) = take_raw(&mut si, "SignerInfo sid")?;
    let cert = match (sid.class(), sid.tag()) {
        // issuerAndSerialNumber
        (Class::Universal, Tag::Sequence) => {
            let mut s = sid.data;
            let (_, issuer) = take_raw(&mut s, "signer issuer")?;
            let serial = take(&mut s, "signer serial")?;
            expect(&serial, Class::Universal, Tag::Integer, "signer serial")?;
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
        _ => {
            return Err(format!("unknown SignerInfo sid ({} bytes)", sid_raw.len()));
        }
    };
    let signer = cert.map(|c| {
        (
            subject(&c.tbs_certificate.subject),
            name_line(&c.tbs_certificate.issuer),
        )
    });
    Ok(Signed {
        content_type: ctype.data,
        content,
        signer,
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

/// A name as one line, in the certificate's order (`C=US, O=..., CN=...`).
fn name_line(name: &X509Name) -> String {
    name.to_string()
}

/// Reads the next element (BER) and advances.
fn take<'a>(input: &mut &'a [u8], what: &str) -> Result<Any<'a>, String> {
    take_raw(input, what).map(|(a, _)| a)
}

/// Reads the next element and returns it with its complete encoding.
fn take_raw<'a>(input: &mut &'a [u8], what: &str) -> Result<(Any<'a>, &'a [u8]), String> {
    let start = *input;
    let (rest, any) = Any::from_ber(start).map_err(|e| match e {
        x509_parser::nom::Err::Incomplete(_) => format!("{what}: truncated"),
        e => format!("{what}: {e}"),
    })?;
    *input = rest;
    Ok((any, &start[..start.len() - rest.len()]))
}

fn expect(any: &Any, class: Class, tag: Tag, what: &str) -> Result<(), String> {
    if any.class() == class && any.tag() == tag {
        Ok(())
    } else {
        Err(format!(
            "{what}: expected {class:?} tag {}, found {:?} tag {}",
            tag.0,
            any.class(),
            any.tag().0
        ))
    }
}

/// The content bytes of an OCTET STRING, joining BER's constructed chunks.
pub fn octets(any: &Any) -> Result<Vec<u8>, String> {
    if any.tag() != Tag::OctetString {
        return Err("expected an OCTET STRING".into());
    }
    if !any.header.is_constructed() {
        return Ok(any.data.to_vec());
    }
    let mut out = Vec::new();
    let mut rest = any.data;
    while !rest.is_empty() {
        out.extend(octets(&take(&mut rest, "OCTET STRING chunk")?)?);
    }
    Ok(out)
}

/// Public for format readers that walk their own content types.
pub fn next<'a>(input: &mut &'a [u8], what: &str) -> Result<Any<'a>, String> {
    take(input, what)
}

/// Checks an element's class and universal tag.
pub fn expect_universal(any: &Any, tag: Tag, what: &str) -> Result<(), String> {
    expect(any, Class::Universal, tag, what)
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
        ] {
            assert!(signed_data(blob).is_err(), "{blob:?}");
        }
    }

    #[test]
    fn strips_sign_padding() {
        assert_eq!(strip_sign(&[0, 0x80]), &[0x80]);
        assert_eq!(strip_sign(&[0]), &[0]);
        assert_eq!(strip_sign(&[0x10, 0]), &[0x10, 0]);
    }
}
