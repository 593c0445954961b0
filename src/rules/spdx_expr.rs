//! A stated licence (an rpm `License:` tag, a pacman `%LICENSE%` list, a
//! Debian copyright `License:` line) rewritten as an SPDX licence
//! expression: each licence name under the SPDX id the licence table or the
//! SPDX licence list knows it by (`GPL-2+` → `GPL-2.0-or-later`, `Expat` →
//! `MIT`, `ASL 2.0` → `Apache-2.0`), the operators in SPDX's spelling
//! (`and`, `,` and `;` → `AND`; `or`, `/` → `OR`; `with` → `WITH`),
//! parentheses kept. A name neither knows becomes `LicenseRef-NAME` (the
//! characters SPDX doesn't allow in a reference as `-`), so the expression
//! stays valid and the unknown stays visible; an exception SPDX doesn't list
//! is left out of its `WITH` (exceptions don't change what a licence
//! allows). No expression at all when not a single name is known: a wholly
//! unknown statement is no SPDX licence.
//!
//! It reads the tokens of the licence-expression judge ([`super::tokenize`])
//! so both see the same terms.

/// See the module doc. `table` maps a stated name to its SPDX id by the
/// licence table (aliases, case-insensitive).
pub fn spdx_expression(stated: &str, table: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let tokens = super::tokenize(stated);
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut known = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        i += 1;
        match t.to_ascii_uppercase().as_str() {
            "AND" | "OR" => push_operator(&mut out, t.to_ascii_uppercase()),
            "(" => out.push(t.clone()),
            ")" => close(&mut out),
            "WITH" => {
                let exception = tokens.get(i).map(|e| e.replace(' ', "-"));
                i += 1;
                if let Some(e) = exception.as_deref().and_then(spdx::exception_id) {
                    out.push("WITH".into());
                    out.push(e.name.to_owned());
                }
            }
            _ => {
                let (term, hit) = term(t, table);
                known += usize::from(hit);
                out.push(term);
            }
        }
    }
    // A trailing or leading operator (`MIT,`) has nothing to join.
    while out.last().is_some_and(|t| t == "AND" || t == "OR") {
        out.pop();
    }
    while out.first().is_some_and(|t| t == "AND" || t == "OR") {
        out.remove(0);
    }
    let expr = out.join(" ").replace("( ", "(").replace(" )", ")");
    (known > 0 && spdx::Expression::parse(&expr).is_ok()).then_some(expr)
}

/// Two operators in a row (`MIT, and BSD`: `,` and `and` are both `AND`)
/// are one.
fn push_operator(out: &mut Vec<String>, op: String) {
    match out.last() {
        Some(prev) if prev == "AND" || prev == "OR" => {
            // `A, or B`: the spelled-out operator wins over the comma.
            *out.last_mut().expect("just matched") = op;
        }
        _ => out.push(op),
    }
}

/// A `)`, or none where its group is one term (`(MIT)`: what is left of
/// `(GPL-3+ with Bison exception)` once an unlisted exception is dropped).
fn close(out: &mut Vec<String>) {
    let n = out.len();
    if n >= 2 && out[n - 2] == "(" && !matches!(out[n - 1].as_str(), "AND" | "OR" | "(" | ")") {
        out.remove(n - 2);
    } else {
        out.push(")".into());
    }
}

/// One licence name as SPDX writes it, and whether it is a known licence.
fn term(name: &str, table: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
    if let Some(id) = table(name) {
        return (id, true);
    }
    if name.starts_with("LicenseRef-") {
        return (sanitise(name), false);
    }
    // A licence on the SPDX list the table doesn't carry, with its `+`.
    let plus = name.ends_with('+');
    if let Some(id) = spdx::license_id(name.trim_end_matches('+')) {
        let id = if plus && !id.name.ends_with("-or-later") {
            format!("{}+", id.name)
        } else {
            id.name.to_owned()
        };
        return (id, true);
    }
    (format!("LicenseRef-{}", sanitise(name)), false)
}

/// SPDX references allow letters, digits, `.` and `-`.
fn sanitise(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::spdx_expression;

    fn table(name: &str) -> Option<String> {
        match name.to_ascii_lowercase().as_str() {
            "gpl-2+" | "gplv2+" => Some("GPL-2.0-or-later".into()),
            "expat" | "mit" => Some("MIT".into()),
            "lgpl-2.1+" => Some("LGPL-2.1-or-later".into()),
            "bsd-3-clause" => Some("BSD-3-Clause".into()),
            "asl 2.0" => Some("Apache-2.0".into()),
            _ => None,
        }
    }

    fn conv(s: &str) -> Option<String> {
        spdx_expression(s, &table)
    }

    #[test]
    fn debian_and_fedora_names_become_spdx_ids() {
        assert_eq!(
            conv("GPL-2+ or Expat").as_deref(),
            Some("GPL-2.0-or-later OR MIT")
        );
        assert_eq!(
            conv("GPLv2+ and ASL 2.0").as_deref(),
            Some("GPL-2.0-or-later AND Apache-2.0")
        );
        assert_eq!(
            conv("(GPL-2+ or Expat) and BSD-3-clause").as_deref(),
            Some("(GPL-2.0-or-later OR MIT) AND BSD-3-Clause")
        );
        assert_eq!(
            conv("MIT, LGPL-2.1+; BSD-3-clause").as_deref(),
            Some("MIT AND LGPL-2.1-or-later AND BSD-3-Clause")
        );
    }

    #[test]
    fn names_on_the_spdx_list_and_exceptions() {
        assert_eq!(
            conv("Zlib and MPL-1.1+").as_deref(),
            Some("Zlib AND MPL-1.1+")
        );
        assert_eq!(
            conv("GPL-2+ with OpenSSL exception").as_deref(),
            Some("GPL-2.0-or-later")
        );
        assert_eq!(
            conv("GPL-2+ WITH Classpath-exception-2.0").as_deref(),
            Some("GPL-2.0-or-later WITH Classpath-exception-2.0")
        );
    }

    #[test]
    fn unknown_names_are_references_and_nothing_known_is_nothing() {
        assert_eq!(
            conv("GPL-2+ and public-domain and Some Odd/1").as_deref(),
            Some(
                "GPL-2.0-or-later AND LicenseRef-public-domain AND LicenseRef-Some-Odd OR LicenseRef-1"
            )
        );
        assert_eq!(conv("public-domain"), None);
        assert_eq!(conv(""), None);
        assert_eq!(conv("MIT,").as_deref(), Some("MIT"));
        assert_eq!(conv("MIT, and Expat").as_deref(), Some("MIT AND MIT"));
        assert_eq!(
            conv("(GPL-2+ with Bison exception) and (MIT)").as_deref(),
            Some("GPL-2.0-or-later AND MIT")
        );
    }
}
