//! Nesting bounds for the two recursive parsers that come from crates:
//! `serde_json` (JSON from images: Homebrew receipts and casks, snap's
//! `state.json`, Scoop manifests, ELF package notes; and saved reports)
//! and `toml` (`--rules` and `--policy` files).
//!
//! Both descend by recursion, several stack frames per level of arrays and
//! objects in a debug build, and free the tree they build by recursion
//! too. Their own limits (serde_json 128 levels; toml 80 levels of
//! brackets, and apart from them 80 segments per key) are too deep for a
//! small stack: on 256 KiB, an eighth of a worker's, a debug build
//! overflows at about 80 levels of JSON objects and at 44 of TOML inline
//! tables, and a stack overflow aborts the process where `catch_unwind`
//! cannot help. So each text is checked against an explicit bound before
//! the crate parses it, and refused at the first opening that crosses the
//! bound, with its line and column.
//!
//! JSON is checked by a scanner written here: serde_json has no public
//! tokenizer, and none is needed. serde_json stops at the first syntax
//! error, so what it reads as structure is always a prefix the scanner
//! reads the same way: skip strings, count brackets.
//!
//! TOML is checked along toml's own lexer and event parser (`toml_parser`,
//! which toml builds its tree from). A byte scanner would have to redo
//! the parser's error recovery to count what it counts: after
//! `x = { [ { ] }` the parser has closed everything while a bracket
//! counter still holds two levels open, and reads the following lines'
//! headers as brackets in a value. The event parser recurses, but into an
//! array or inline table only when its receiver allows it, so the check
//! itself descends no deeper than the bound (toml bounds itself the same
//! way).
//!
//! What a level is: in JSON, an array or an object, the outermost one
//! being level 1. In TOML, the document is level 1 and every table, array
//! and inline table below it is one more: `x.y = [1]` is one for the table
//! `x` and one for the array; `[a.b]` opens two, `[[a.b]]` three (the
//! array and its table). A header's segment may name an array of tables,
//! so each but the last counts as two: more than the parser may build,
//! never less.

use serde::de::DeserializeOwned;
use toml_parser::decoder::Encoding;
use toml_parser::parser::EventReceiver;
use toml_parser::{ErrorSink, Span};

/// JSON read from an image (package manifests, ELF notes) nested deeper
/// than this is refused. Real manifests nest fewer than 10 levels; the
/// bound is the one property lists have (`image::read::MAX_PLIST_DEPTH`).
pub const MAX_JSON_DEPTH: usize = 32;

/// A saved report nested deeper than this is refused. A report nests 8
/// levels; its one free-form value, an ELF package note (itself within
/// [`MAX_JSON_DEPTH`]), sits below 4 levels of it, so every report sovscan
/// writes reads back, with room for the report to grow. Reading a report
/// this deep (typed, the note as a `Value`) fits a 256 KiB stack in a
/// debug build; about 70 levels would not.
pub const MAX_REPORT_DEPTH: usize = 48;

/// A rule or policy file nested deeper than this is refused. Rule files
/// nest 5 levels (`[product.match]` and its lists), policies 3; toml's
/// debug build overflows a 256 KiB stack at about 44 levels of inline
/// tables.
pub const MAX_TOML_DEPTH: usize = 24;

/// A text nests deeper than its bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nested deeper than {bound} levels")]
pub struct TooDeep {
    pub bound: usize,
    /// Byte offset of the opening (bracket, brace, key or table header)
    /// that crossed the bound.
    pub offset: usize,
    /// 1-based line of `offset`.
    pub line: usize,
    /// 1-based column of `offset`, in characters.
    pub column: usize,
}

impl TooDeep {
    fn at(text: &[u8], offset: usize, bound: usize) -> Self {
        let before = &text[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Self {
            bound,
            offset,
            line: 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count(),
            // UTF-8 continuation bytes continue a character.
            column: 1 + before[line_start..]
                .iter()
                .filter(|&&b| b & 0xc0 != 0x80)
                .count(),
        }
    }
}

/// Why a JSON text was not read.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("JSON {0} at line {line} column {column}", line = .0.line, column = .0.column)]
    TooDeep(TooDeep),
    #[error("not valid JSON: {0}")]
    Syntax(#[from] serde_json::Error),
}

/// Parses JSON read from an image, refusing it past [`MAX_JSON_DEPTH`]
/// before serde_json sees it.
pub fn parse_json<T: DeserializeOwned>(text: &[u8]) -> Result<T, JsonError> {
    check_json(text, MAX_JSON_DEPTH).map_err(JsonError::TooDeep)?;
    Ok(serde_json::from_slice(text)?)
}

/// Whether a JSON text stays within `bound` levels of arrays and objects.
/// Brackets inside strings don't count; anything else is left to the
/// parser (a stray closing bracket is its error, so it only lowers the
/// count to zero here).
pub fn check_json(text: &[u8], bound: usize) -> Result<(), TooDeep> {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            b'"' => {
                i = skip_string(text, i + 1);
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > bound {
                    return Err(TooDeep::at(text, i, bound));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// From just inside a string, the index past its closing quote (or the
/// end of the text). A backslash escapes a following backslash or quote;
/// other escapes end no string.
fn skip_string(text: &[u8], mut i: usize) -> usize {
    while let Some(&c) = text.get(i) {
        match c {
            b'"' => return i + 1,
            b'\\' if matches!(text.get(i + 1), Some(b'\\' | b'"')) => i += 1,
            _ => {}
        }
        i += 1;
    }
    text.len()
}

/// Whether a TOML text stays within `bound` levels (see the module docs
/// for what counts). It runs toml's own lexer and event parser, the ones
/// toml builds its tree from, so every level is counted as toml will see
/// it, error recovery included; the parser descends into an array or an
/// inline table only when the counter allows it, so this check itself
/// recurses no deeper than the bound.
pub fn check_toml(text: &str, bound: usize) -> Result<(), TooDeep> {
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut levels = TomlLevels {
        bound,
        crossed: None,
        open: Vec::new(),
        table: 1,
        header: None,
        key: Some(0),
        key_base: 1,
        value: 1,
    };
    toml_parser::parser::parse_document(&tokens, &mut levels, &mut ());
    match levels.crossed {
        Some(offset) => Err(TooDeep::at(text.as_bytes(), offset, bound)),
        None => Ok(()),
    }
}

/// Counts levels along toml_parser's events.
struct TomlLevels {
    bound: usize,
    /// Where the bound was first crossed; no event counts after it.
    crossed: Option<usize>,
    /// Open arrays and inline tables: (level, is an inline table). Levels
    /// rise along it and none passes the bound, so it is never longer.
    open: Vec<(usize, bool)>,
    /// The level of the table the last header named (1: the document).
    table: usize,
    /// While a header is read: (its opening's offset, is `[[`, segments).
    header: Option<(usize, bool, usize)>,
    /// While a key is read: its segments so far. `None` in a value.
    key: Option<usize>,
    /// The level of the table the key being read is in.
    key_base: usize,
    /// The level of the container a value met now goes into.
    value: usize,
}

impl TomlLevels {
    /// Whether a level at `offset` is within the bound; records the first
    /// one that isn't.
    fn within(&mut self, level: usize, offset: usize) -> bool {
        if self.crossed.is_none() && level > self.bound {
            self.crossed = Some(offset);
        }
        self.crossed.is_none()
    }

    /// A key starts in the table at level `base`.
    fn start_key(&mut self, base: usize) {
        self.key = Some(0);
        self.key_base = base;
        self.value = base;
    }

    fn open(&mut self, span: Span, inline_table: bool) -> bool {
        let level = self.value + 1;
        if !self.within(level, span.start()) {
            return false;
        }
        self.open.push((level, inline_table));
        if inline_table {
            self.start_key(level);
        } else {
            self.key = None;
            self.value = level;
        }
        true
    }

    fn close(&mut self) {
        self.open.pop();
        self.key = None;
        self.value = self.open.last().map_or(self.table, |&(level, _)| level);
    }

    fn header_open(&mut self, span: Span, array: bool) {
        self.header = Some((span.start(), array, 0));
    }
}

impl EventReceiver for TomlLevels {
    fn std_table_open(&mut self, span: Span, _: &mut dyn ErrorSink) {
        self.header_open(span, false);
    }

    fn array_table_open(&mut self, span: Span, _: &mut dyn ErrorSink) {
        self.header_open(span, true);
    }

    fn simple_key(&mut self, span: Span, _: Option<Encoding>, _: &mut dyn ErrorSink) {
        if let Some((at, array, n)) = &mut self.header {
            // Every segment but the last may name an array of tables (two
            // levels); the last names a table, or an array and its table.
            *n += 1;
            self.table = 2 * *n + usize::from(*array);
            let (table, at) = (self.table, *at);
            self.within(table, at);
            return;
        }
        // In an inline table a key may follow a value without a comma.
        let n = match self.key {
            Some(n) => n,
            None => {
                let base = self.open.last().map_or(self.table, |&(level, _)| level);
                self.start_key(base);
                0
            }
        };
        // Every segment but the last names a table.
        self.key = Some(n + 1);
        self.value = self.key_base + n;
        self.within(self.value, span.start());
    }

    fn key_val_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.key = None;
    }

    fn array_open(&mut self, span: Span, _: &mut dyn ErrorSink) -> bool {
        self.open(span, false)
    }

    fn array_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.close();
    }

    fn inline_table_open(&mut self, span: Span, _: &mut dyn ErrorSink) -> bool {
        self.open(span, true)
    }

    fn inline_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.close();
    }

    fn scalar(&mut self, _: Span, _: Option<Encoding>, _: &mut dyn ErrorSink) {
        self.key = None;
    }

    fn value_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        match self.open.last() {
            Some(&(level, true)) => self.start_key(level),
            Some(&(level, false)) => self.value = level,
            None => {}
        }
    }

    fn newline(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if self.open.is_empty() {
            self.header = None;
            self.start_key(self.table);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isolate::on_small_stack;
    use serde_json::Value;

    /// `levels` JSON objects, one inside the other, around a number.
    fn json_objects(levels: usize) -> String {
        format!("{}1{}", "{\"a\":".repeat(levels), "}".repeat(levels))
    }

    fn json_arrays(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn json_brackets_in_strings_and_escapes_do_not_count() {
        let text = r#"{"a": "[[[[{{{{", "b\"[{": ["\\", "]]", "\\\"[["], "c": {}}"#;
        assert_eq!(check_json(text.as_bytes(), 2), Ok(()));
        // An escaped backslash does not escape the quote after it: the
        // string ends there, and the brackets after it count.
        let text = r#"["\\", [["x"]]]"#;
        let e = check_json(text.as_bytes(), 2).unwrap_err();
        assert_eq!((e.offset, e.line, e.column), (8, 1, 9));
        assert_eq!(check_json(text.as_bytes(), 3), Ok(()));
    }

    #[test]
    fn json_at_the_bound_passes_and_one_more_names_its_bracket() {
        let at = json_objects(MAX_JSON_DEPTH);
        assert_eq!(check_json(at.as_bytes(), MAX_JSON_DEPTH), Ok(()));
        let text = format!("{{\n  \"é\": {}\n}}", json_arrays(MAX_JSON_DEPTH));
        let e = check_json(text.as_bytes(), MAX_JSON_DEPTH).unwrap_err();
        // Line 2: two spaces, "é", a colon and a space, then 31 brackets
        // within the bound (the object is the first level).
        assert_eq!((e.line, e.column, e.bound), (2, 8 + 31, MAX_JSON_DEPTH));
        assert_eq!(&text[e.offset..e.offset + 1], "[");
        assert_eq!(e.to_string(), "nested deeper than 32 levels");
    }

    #[test]
    fn json_errors_keep_serde_json_words_and_say_where_nesting_ends() {
        let e = parse_json::<Value>(b"{\"a\": [1,}").unwrap_err();
        assert!(matches!(e, JsonError::Syntax(_)));
        assert!(e.to_string().starts_with("not valid JSON: "), "{e}");
        let e = parse_json::<Value>(json_arrays(MAX_JSON_DEPTH + 1).as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "JSON nested deeper than 32 levels at line 1 column 33"
        );
    }

    /// Image JSON 100 times deeper than the bound, objects and arrays, on
    /// a stack an eighth of a worker's: an error, not an abort; at the
    /// bound, the deepest kind (objects) parses there.
    #[test]
    fn image_json_past_the_bound_is_an_error_on_a_small_stack() {
        for hostile in [
            json_objects(MAX_JSON_DEPTH * 100),
            json_arrays(MAX_JSON_DEPTH * 100),
        ] {
            let r = on_small_stack(move || parse_json::<Value>(hostile.as_bytes()).map(|_| ()));
            assert!(matches!(r, Err(JsonError::TooDeep(_))), "{r:?}");
        }
        let at = json_objects(MAX_JSON_DEPTH);
        let v = on_small_stack(move || {
            parse_json::<Value>(at.as_bytes()).map(|v| v.pointer("/a/a").is_some())
        });
        assert!(v.unwrap());
    }

    /// The demo Linux image's report as saved, with the package note of
    /// its first ELF binary replaced by `note` (JSON text).
    fn demo_report_with_note(note: &str) -> String {
        let db = crate::rules::RuleDb::embedded().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-linux");
        let progress = crate::progress::Progress::hidden();
        let report = crate::scan::scan(&[root], &db, &Default::default(), &progress).unwrap();
        let mut v = serde_json::to_value(&report).unwrap();
        let elf = v["binaries"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find_map(|b| b.get_mut("elf"))
            .unwrap();
        elf["package_note"] = Value::from("@NOTE@");
        serde_json::to_string_pretty(&v)
            .unwrap()
            .replace("\"@NOTE@\"", note)
    }

    /// A saved report (read back by `report`, `summary`, `explain`, `diff`
    /// and `--baseline`) 100 times deeper than its bound is one error
    /// naming the file, line and column, on a stack an eighth of a
    /// worker's; one exactly at the bound is read there. The note sits
    /// below 4 levels of the report.
    #[test]
    fn saved_reports_past_the_bound_are_errors_on_a_small_stack() {
        let dir = tempfile::tempdir().unwrap();
        let (hostile, at_bound) = (dir.path().join("hostile.json"), dir.path().join("ok.json"));
        let deep = json_arrays(MAX_REPORT_DEPTH * 100);
        let text = demo_report_with_note(&deep);
        std::fs::write(&hostile, &text).unwrap();
        let note_at = text.find(&deep).unwrap();
        // The note's first bracket is level 5: level 49 is its 45th.
        let (line, column) = crate::diag::line_col(&text, note_at + 44);
        let note = json_objects(MAX_REPORT_DEPTH - 4);
        std::fs::write(&at_bound, demo_report_with_note(&note)).unwrap();
        let (h, a) = (hostile.clone(), at_bound.clone());
        let (hostile_read, at_bound_read) = on_small_stack(move || {
            let hostile = crate::cli::read_report(&h)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let at_bound = crate::cli::read_report(&a).map(|r| {
                let elf = r.binaries.iter().find_map(|b| b.elf.as_ref());
                elf.and_then(|e| e.package_note.as_ref())
                    .map(|n| n.pointer("/a/a/a").is_some())
            });
            (format!("{hostile:?}"), format!("{at_bound:?}"))
        });
        let expected = format!(
            "{}:{line}:{column}: not a sovscan report: nested deeper than 48 levels",
            hostile.display()
        );
        assert!(hostile_read.contains(&expected), "{hostile_read}");
        assert_eq!(at_bound_read, "Ok(Some(true))");
    }

    /// The TOML levels of `text`: the least bound it passes.
    fn toml_levels(text: &str) -> usize {
        (1..=MAX_TOML_DEPTH)
            .find(|&b| check_toml(text, b).is_ok())
            .unwrap_or_else(|| panic!("deeper than {MAX_TOML_DEPTH}: {text}"))
    }

    #[test]
    fn toml_counts_tables_keys_arrays_and_inline_tables() {
        assert_eq!(toml_levels("a = 1\n"), 1);
        assert_eq!(toml_levels("a = [1, [2]]\n"), 3);
        assert_eq!(toml_levels("a.b.c = 1\n"), 3);
        assert_eq!(toml_levels("a = { b.c = [1] }\n"), 4);
        assert_eq!(toml_levels("[a]\nb = 1\n"), 2);
        assert_eq!(toml_levels("[a.b]\nc = [1]\n"), 5);
        assert_eq!(toml_levels("[[a]]\nb = { c = 1 }\n"), 4);
        // A new line starts again from the last header's table.
        assert_eq!(toml_levels("[a]\nb = [[[1]]]\nc = 2\n[d]\n"), 5);
        // In an inline table, a key may follow a value without a comma
        // (an error toml reports); its segments still count.
        assert_eq!(toml_levels("a = { b = \"x\" c.d.e = 2 }\n"), 4);
    }

    #[test]
    fn toml_brackets_in_strings_and_comments_do_not_count() {
        let text = r#"
# [[[[ {{{{ a comment
a = "[[[[\" {{{{"   # [[[[
b = '[[[[ {{{{'
c = """
[[[[ {{{{ \""" still in the string
"""
d = '''
[[[[ {{{{
'''
"e[[[" = [ "]]]]", '}}}}', """]]""" ]
"#;
        assert_eq!(toml_levels(text), 2);
    }

    /// After `x = { [ { ] }` toml has closed the inline table (the array
    /// in key position is skipped to its `]`) while a bracket counter
    /// still has levels open and reads the next header as an array. The
    /// events see the header and the key below it.
    #[test]
    fn toml_levels_follow_the_parser_through_its_error_recovery() {
        let header = ["h"; 8].join(".");
        let key = ["k"; 12].join(".");
        let text = format!("x = {{ [ {{ ] }}\n[{header}]\n{key} = 1\n");
        let e = check_toml(&text, MAX_TOML_DEPTH).unwrap_err();
        // The header's table is level 16; the key's 10th segment names a
        // table at 25.
        assert_eq!((e.line, e.column), (3, 19));
        assert_eq!(&text[e.offset..e.offset + 1], "k");
    }

    #[test]
    fn toml_errors_name_the_opening_that_crossed_the_bound() {
        let text = format!("a = 1\nb = {}1{}\n", "[".repeat(30), "]".repeat(30));
        let e = check_toml(&text, MAX_TOML_DEPTH).unwrap_err();
        // Level 1 is the document: the 23rd bracket is level 24.
        assert_eq!((e.line, e.column), (2, 5 + 23));
        let header = format!("# h\n[{}]\n", vec!["t"; 13].join("."));
        let e = check_toml(&header, MAX_TOML_DEPTH).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
    }

    /// What the house's own rule files and a full policy nest: far below
    /// the bound.
    #[test]
    fn real_rule_and_policy_files_nest_a_few_levels() {
        let deepest = crate::rules::embedded_sources()
            .iter()
            .map(|s| toml_levels(&s.text))
            .max();
        assert_eq!(deepest, Some(5));
        let policy = include_str!("../../tests/compat/policy.toml");
        assert_eq!(toml_levels(policy), 3);
    }

    /// One hostile TOML text per way of nesting, each 100 times the bound.
    fn toml_hostile() -> Vec<String> {
        let n = MAX_TOML_DEPTH * 100;
        vec![
            format!("a = {}1{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
            format!("{} = 1\n", vec!["k"; n].join(".")),
            format!("[[{}]]\n", vec!["k"; n].join(".")),
            // Mixed: each part within toml's own limits of 80.
            format!(
                "[{h}]\n{h} = {o}1{c}\n",
                h = vec!["k"; 70].join("."),
                o = "[".repeat(70),
                c = "]".repeat(70)
            ),
        ]
    }

    /// The same ways of nesting, exactly at the bound (the document and
    /// 23 more levels).
    fn toml_at_bound() -> Vec<String> {
        let n = MAX_TOML_DEPTH - 1;
        let keys = |k: usize| vec!["k"; k].join(".");
        vec![
            format!("a = {}1{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
            format!("{} = 1\n", keys(n + 1)),
            format!("[{}]\nx = 1\n", keys(MAX_TOML_DEPTH / 2)),
            format!("[{}]\n{} = {{a = [1]}}\n", keys(6), keys(11)),
        ]
    }

    #[test]
    fn toml_past_the_bound_is_an_error_on_a_small_stack() {
        for text in toml_hostile() {
            let r = on_small_stack(move || check_toml(&text, MAX_TOML_DEPTH));
            assert!(r.is_err());
        }
        for text in toml_at_bound() {
            assert_eq!(toml_levels(&text), MAX_TOML_DEPTH, "{text}");
            // toml parses it into its most general type on the same stack.
            let r = on_small_stack(move || toml::from_str::<toml::Table>(&text).map(|t| t.len()));
            assert_eq!(r, Ok(1));
        }
    }
}
