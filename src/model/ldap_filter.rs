//! LDAP search filters (RFC 4515) and the exclusion clauses pingform adds to them.
//!
//! Exclusions are accounts provisioning must never target. A channel's effective user
//! filter is its declared filter AND NOT each exclusion, so this module owns: escaping
//! assertion values, rendering one exclusion as a negated clause, composing the
//! effective filter (stable, idempotent), a small RFC 4515 parser so a malformed
//! declared filter is rejected with a position, and the check of which exclusions a
//! live filter (perhaps edited by hand in the PingFederate console) no longer enforces.
//! Pure text in, text out: no I/O.
//!
//! Escaping choice: besides the characters RFC 4515 requires (`*`, `(`, `)`, `\`, NUL),
//! every byte of a non-ASCII character is written as a `\xx` escape (lower-case hex).
//! RFC 4515 allows UTF-8 as is; escaping it keeps filters printable in any terminal or
//! log and gives one spelling per value, so a composed filter compares equal to itself
//! after a round trip through PingFederate.
//!
//! Distinguished-name exclusions use the `entryDN` attribute (RFC 5020) by default,
//! which PingDirectory and OpenLDAP support; Active Directory does not, and there the
//! attribute to pass is `distinguishedName`.

use std::fmt;

/// The attribute a DN exclusion is matched on unless the channel says otherwise.
pub const DEFAULT_DN_ATTRIBUTE: &str = "entryDN";

/// One account provisioning must never target, as the source directory sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExclusionMatch {
    /// An entry whose attribute `name` equals `value` (`uid` = `pingone-admin`).
    Attribute { name: String, value: String },
    /// The entry with this distinguished name.
    DistinguishedName(String),
}

impl ExclusionMatch {
    /// The negated clause with the default DN attribute: `(!(uid=pingone-admin))`.
    pub fn clause(&self) -> String {
        self.clause_with_dn_attribute(DEFAULT_DN_ATTRIBUTE)
    }

    /// The negated clause, matching a DN exclusion on `dn_attribute`.
    pub fn clause_with_dn_attribute(&self, dn_attribute: &str) -> String {
        let (attribute, value) = self.assertion(dn_attribute);
        format!("(!({attribute}={}))", escape_value(value))
    }

    fn assertion<'a>(&'a self, dn_attribute: &'a str) -> (&'a str, &'a str) {
        match self {
            ExclusionMatch::Attribute { name, value } => (name, value),
            ExclusionMatch::DistinguishedName(dn) => (dn_attribute, dn),
        }
    }

    /// Whether `filter` is exactly this exclusion's negated equality, comparing the
    /// attribute name case-insensitively and the value byte for byte after unescaping.
    /// Values are not case-folded: the matching rule of the attribute is the
    /// directory's business, and a false "missing" is the safe mistake.
    fn is_enforced_by(&self, filter: &Filter, dn_attribute: &str) -> bool {
        let (name, value) = self.assertion(dn_attribute);
        match filter {
            Filter::Not(inner) => matches!(
                inner.as_ref(),
                Filter::Equality { attribute, value: live }
                    if attribute.eq_ignore_ascii_case(name) && live.as_slice() == value.as_bytes()
            ),
            _ => false,
        }
    }
}

/// Escapes an assertion value for a filter (see the module notes for non-ASCII).
pub fn escape_value(value: &str) -> String {
    escape_bytes(value.as_bytes())
}

fn escape_bytes(bytes: &[u8]) -> String {
    let mut escaped = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'*' | b'(' | b')' | b'\\' | 0 | 0x80..=0xff => {
                escaped.push_str(&format!("\\{byte:02x}"));
            }
            _ => escaped.push(char::from(byte)),
        }
    }
    escaped
}

/// The channel's effective user filter: `declared` AND NOT each exclusion, with the
/// default DN attribute. See [`effective_filter_with_dn_attribute`].
pub fn effective_filter(declared: Option<&str>, exclusions: &[ExclusionMatch]) -> Option<String> {
    effective_filter_with_dn_attribute(declared, exclusions, DEFAULT_DN_ATTRIBUTE)
}

/// The channel's effective user filter.
///
/// - No exclusions: `declared` unchanged (`None` stays `None`).
/// - A declared filter, with or without outer parentheses, goes inside `(&...)`; when
///   it is itself an AND its children are kept as written and the exclusion clauses
///   join them, so composing twice changes nothing.
/// - No declared filter (a group-DN-only channel): the clauses alone, `(!(...))` for
///   one, `(&(!(...))(!(...)))` for several.
///
/// Clauses come sorted by their text, duplicates removed, after the declared parts.
/// A declared filter that does not parse (the configuration rejects those first) is
/// wrapped as written rather than dropped.
pub fn effective_filter_with_dn_attribute(
    declared: Option<&str>,
    exclusions: &[ExclusionMatch],
    dn_attribute: &str,
) -> Option<String> {
    let declared = declared.map(str::trim).filter(|text| !text.is_empty());
    if exclusions.is_empty() {
        return declared.map(str::to_string);
    }
    let mut clauses: Vec<String> = exclusions
        .iter()
        .map(|exclusion| exclusion.clause_with_dn_attribute(dn_attribute))
        .collect();
    clauses.sort();
    clauses.dedup();

    let mut parts: Vec<String> = match declared {
        None => Vec::new(),
        Some(text) => match top_level_parts(text) {
            Ok(parts) => parts
                .into_iter()
                .filter(|(_, filter)| {
                    !exclusions
                        .iter()
                        .any(|exclusion| exclusion.is_enforced_by(filter, dn_attribute))
                })
                .map(|(source, _)| source)
                .collect(),
            Err(_) if text.starts_with('(') => vec![text.to_string()],
            Err(_) => vec![format!("({text})")],
        },
    };
    parts.extend(clauses);
    if parts.len() == 1 {
        return parts.pop();
    }
    Some(format!("(&{})", parts.concat()))
}

/// The indices of the exclusions `live_filter` no longer enforces, with the default
/// DN attribute. See [`missing_exclusions_with_dn_attribute`].
pub fn missing_exclusions(live_filter: &str, exclusions: &[ExclusionMatch]) -> Vec<usize> {
    missing_exclusions_with_dn_attribute(live_filter, exclusions, DEFAULT_DN_ATTRIBUTE)
}

/// The indices (into `exclusions`) of the exclusions `live_filter` no longer enforces.
///
/// An exclusion is enforced only when its negated clause is a direct child of the
/// top-level AND, or the whole filter: a clause nested under an OR or a NOT excludes
/// nothing for sure. A filter that does not parse enforces nothing.
pub fn missing_exclusions_with_dn_attribute(
    live_filter: &str,
    exclusions: &[ExclusionMatch],
    dn_attribute: &str,
) -> Vec<usize> {
    let parts = match parse(live_filter) {
        Ok(Filter::And(children)) => children,
        Ok(whole) => vec![whole],
        Err(_) => Vec::new(),
    };
    exclusions
        .iter()
        .enumerate()
        .filter(|(_, exclusion)| {
            !parts
                .iter()
                .any(|part| exclusion.is_enforced_by(part, dn_attribute))
        })
        .map(|(index, _)| index)
        .collect()
}

/// Whether `live_filter` enforces `clause`, a negated equality as an exclusion
/// composes it (`(!(uid=pingone-admin))`): the clause is a direct child of the
/// top-level AND, or the whole filter (attribute names compared ignoring case, values
/// byte for byte). A filter or clause that does not parse enforces nothing.
pub fn enforces_clause(live_filter: &str, clause: &str) -> bool {
    let Ok(clause) = parse(clause) else {
        return false;
    };
    conjuncts(live_filter)
        .is_some_and(|parts| parts.iter().any(|part| same_negation(part, &clause)))
}

/// Two negated equalities on the same attribute (ignoring case) and value.
fn same_negation(left: &Filter, right: &Filter) -> bool {
    match (left, right) {
        (Filter::Not(left), Filter::Not(right)) => matches!(
            (left.as_ref(), right.as_ref()),
            (
                Filter::Equality { attribute: a, value: x },
                Filter::Equality { attribute: b, value: y },
            ) if a.eq_ignore_ascii_case(b) && x == y
        ),
        _ => false,
    }
}

/// The children of the top-level AND, or the whole filter; `None` when it does not
/// parse. An empty or absent filter has no conjuncts (it selects everything under the
/// base DN, or the group decides).
fn conjuncts(filter: &str) -> Option<Vec<Filter>> {
    if filter.trim().is_empty() {
        return Some(Vec::new());
    }
    match parse(filter).ok()? {
        Filter::And(children) => Some(children),
        whole => Some(vec![whole]),
    }
}

/// How a user filter's new text changes who it selects, set against its old text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeShift {
    /// The same conditions.
    Same,
    /// Every old condition is kept and some are added: nobody new is selected, some
    /// may no longer be.
    Narrowed,
    /// Conditions are only dropped: nobody selected before leaves.
    Widened,
    /// Conditions are replaced: some selected before may no longer be.
    Changed,
}

/// Compares two user filters condition by condition (the children of a top-level
/// AND), leaving out the negated clauses in `ignored` (the exclusions, reviewed on
/// their own). A filter that does not parse compares as changed unless its text is
/// the same.
pub fn scope_shift(before: Option<&str>, after: Option<&str>, ignored: &[String]) -> ScopeShift {
    let before_text = before.unwrap_or("").trim();
    let after_text = after.unwrap_or("").trim();
    if before_text == after_text {
        return ScopeShift::Same;
    }
    let ignored: Vec<Filter> = ignored.iter().filter_map(|c| parse(c).ok()).collect();
    let keep = |parts: Vec<Filter>| -> Vec<String> {
        let mut kept: Vec<String> = parts
            .into_iter()
            .filter(|part| !ignored.iter().any(|clause| same_negation(part, clause)))
            .map(|part| part.to_string())
            .collect();
        kept.sort();
        kept.dedup();
        kept
    };
    let (Some(old), Some(new)) = (conjuncts(before_text), conjuncts(after_text)) else {
        return ScopeShift::Changed;
    };
    let (old, new) = (keep(old), keep(new));
    let old_kept = old.iter().all(|part| new.contains(part));
    let new_known = new.iter().all(|part| old.contains(part));
    match (old_kept, new_known) {
        (true, true) => ScopeShift::Same,
        (true, false) => ScopeShift::Narrowed,
        (false, true) => ScopeShift::Widened,
        (false, false) => ScopeShift::Changed,
    }
}

/// A parsed LDAP filter. Assertion values are held unescaped, as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Equality {
        attribute: String,
        value: Vec<u8>,
    },
    Approximate {
        attribute: String,
        value: Vec<u8>,
    },
    GreaterOrEqual {
        attribute: String,
        value: Vec<u8>,
    },
    LessOrEqual {
        attribute: String,
        value: Vec<u8>,
    },
    Present {
        attribute: String,
    },
    Substring {
        attribute: String,
        initial: Option<Vec<u8>>,
        any: Vec<Vec<u8>>,
        last: Option<Vec<u8>>,
    },
    Extensible {
        attribute: Option<String>,
        dn_attributes: bool,
        matching_rule: Option<String>,
        value: Vec<u8>,
    },
}

impl fmt::Display for Filter {
    /// The canonical text: parenthesised, no whitespace, values escaped as
    /// [`escape_value`] does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::And(children) | Filter::Or(children) => {
                f.write_str(if matches!(self, Filter::And(_)) {
                    "(&"
                } else {
                    "(|"
                })?;
                for child in children {
                    write!(f, "{child}")?;
                }
                f.write_str(")")
            }
            Filter::Not(inner) => write!(f, "(!{inner})"),
            Filter::Equality { attribute, value } => {
                write!(f, "({attribute}={})", escape_bytes(value))
            }
            Filter::Approximate { attribute, value } => {
                write!(f, "({attribute}~={})", escape_bytes(value))
            }
            Filter::GreaterOrEqual { attribute, value } => {
                write!(f, "({attribute}>={})", escape_bytes(value))
            }
            Filter::LessOrEqual { attribute, value } => {
                write!(f, "({attribute}<={})", escape_bytes(value))
            }
            Filter::Present { attribute } => write!(f, "({attribute}=*)"),
            Filter::Substring {
                attribute,
                initial,
                any,
                last,
            } => {
                write!(f, "({attribute}=")?;
                if let Some(initial) = initial {
                    f.write_str(&escape_bytes(initial))?;
                }
                f.write_str("*")?;
                for middle in any {
                    write!(f, "{}*", escape_bytes(middle))?;
                }
                if let Some(last) = last {
                    f.write_str(&escape_bytes(last))?;
                }
                f.write_str(")")
            }
            Filter::Extensible {
                attribute,
                dn_attributes,
                matching_rule,
                value,
            } => {
                f.write_str("(")?;
                if let Some(attribute) = attribute {
                    f.write_str(attribute)?;
                }
                if *dn_attributes {
                    f.write_str(":dn")?;
                }
                if let Some(rule) = matching_rule {
                    write!(f, ":{rule}")?;
                }
                write!(f, ":={})", escape_bytes(value))
            }
        }
    }
}

/// Why a filter text is not an LDAP filter, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed LDAP filter at column {column}: expected {expected}, found {found}")]
pub struct FilterError {
    /// 1-based, in characters.
    pub column: usize,
    pub expected: String,
    /// What was there instead, quoted, or `the end of the filter`.
    pub found: String,
}

/// Parses an RFC 4515 filter. Outer parentheses may be left off a filter
/// (`objectClass=person`); whitespace is accepted around components.
pub fn parse(filter: &str) -> Result<Filter, FilterError> {
    let mut parser = Parser::new(filter);
    parser.skip_whitespace();
    let parsed = if parser.peek() == Some(b'(') {
        parser.parse_filter()?
    } else {
        parser.parse_body(Terminator::End)?
    };
    parser.skip_whitespace();
    if parser.peek().is_some() {
        return Err(parser.error("the end of the filter"));
    }
    Ok(parsed)
}

/// The top-level parts of a filter with their source text (parenthesised): the
/// children of a top-level AND, or the whole filter.
fn top_level_parts(text: &str) -> Result<Vec<(String, Filter)>, FilterError> {
    let mut parser = Parser::new(text);
    parser.skip_whitespace();
    if parser.peek() != Some(b'(') {
        let filter = parse(text)?;
        return Ok(vec![(format!("({})", text.trim()), filter)]);
    }
    let start = parser.position;
    parser.expect(b'(')?;
    parser.skip_whitespace();
    if parser.peek() != Some(b'&') {
        parser.position = start;
        let filter = parser.parse_filter()?;
        let source = text[start..parser.position].to_string();
        parser.skip_whitespace();
        if parser.peek().is_some() {
            return Err(parser.error("the end of the filter"));
        }
        return Ok(vec![(source, filter)]);
    }
    parser.position += 1;
    let mut parts = Vec::new();
    loop {
        parser.skip_whitespace();
        match parser.peek() {
            Some(b'(') => {
                let child_start = parser.position;
                let child = parser.parse_filter()?;
                parts.push((text[child_start..parser.position].to_string(), child));
            }
            Some(b')') if !parts.is_empty() => break,
            _ => return Err(parser.error("`(`")),
        }
    }
    parser.expect(b')')?;
    parser.skip_whitespace();
    if parser.peek().is_some() {
        return Err(parser.error("the end of the filter"));
    }
    Ok(parts)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terminator {
    /// The item ends at `)`, the component was parenthesised.
    Parenthesis,
    /// The item runs to the end of the text (a filter without outer parentheses).
    End,
}

struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, position: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.position += 1;
        }
    }

    fn error(&self, expected: &str) -> FilterError {
        let column = self.text[..self.position].chars().count() + 1;
        let found = match self.text[self.position..].chars().next() {
            Some(character) => format!("`{character}`"),
            None => "the end of the filter".to_string(),
        };
        FilterError {
            column,
            expected: expected.to_string(),
            found,
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), FilterError> {
        if self.peek() == Some(byte) {
            self.position += 1;
            Ok(())
        } else {
            Err(self.error(&format!("`{}`", char::from(byte))))
        }
    }

    /// `(` body `)`.
    fn parse_filter(&mut self) -> Result<Filter, FilterError> {
        self.expect(b'(')?;
        self.skip_whitespace();
        let filter = self.parse_body(Terminator::Parenthesis)?;
        self.skip_whitespace();
        self.expect(b')')?;
        Ok(filter)
    }

    fn parse_body(&mut self, terminator: Terminator) -> Result<Filter, FilterError> {
        match self.peek() {
            Some(b'&') => {
                self.position += 1;
                Ok(Filter::And(self.parse_list()?))
            }
            Some(b'|') => {
                self.position += 1;
                Ok(Filter::Or(self.parse_list()?))
            }
            Some(b'!') => {
                self.position += 1;
                self.skip_whitespace();
                Ok(Filter::Not(Box::new(self.parse_filter()?)))
            }
            _ => self.parse_item(terminator),
        }
    }

    fn parse_list(&mut self) -> Result<Vec<Filter>, FilterError> {
        let mut children = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'(') => children.push(self.parse_filter()?),
                _ if children.is_empty() => return Err(self.error("`(` starting a filter")),
                _ => return Ok(children),
            }
        }
    }

    fn parse_item(&mut self, terminator: Terminator) -> Result<Filter, FilterError> {
        let attribute = self.take_while(is_attribute_byte);
        let attribute = (!attribute.is_empty()).then(|| attribute.to_string());
        if self.peek() == Some(b':') {
            return self.parse_extensible(attribute, terminator);
        }
        let Some(attribute) = attribute else {
            return Err(self.error("an attribute name, `&`, `|` or `!`"));
        };
        let operator = match self.peek() {
            Some(b'=') => {
                self.position += 1;
                b'='
            }
            Some(operator @ (b'~' | b'>' | b'<')) => {
                self.position += 1;
                self.expect(b'=')?;
                operator
            }
            _ => return Err(self.error("`=`, `~=`, `>=` or `<=`")),
        };
        let value_start = self.position;
        let pieces = self.parse_value_pieces(terminator, operator == b'=')?;
        if operator != b'=' {
            let value = pieces.into_iter().next().unwrap_or_default();
            return Ok(match operator {
                b'~' => Filter::Approximate { attribute, value },
                b'>' => Filter::GreaterOrEqual { attribute, value },
                _ => Filter::LessOrEqual { attribute, value },
            });
        }
        match pieces.len() {
            1 => Ok(Filter::Equality {
                attribute,
                value: pieces.into_iter().next().unwrap_or_default(),
            }),
            2 if pieces.iter().all(Vec::is_empty) => Ok(Filter::Present { attribute }),
            _ => {
                let mut pieces = pieces;
                let last = pieces.pop().filter(|piece| !piece.is_empty());
                let mut rest = pieces.into_iter();
                let initial = rest.next().filter(|piece| !piece.is_empty());
                let any: Vec<Vec<u8>> = rest.collect();
                if any.iter().any(Vec::is_empty) {
                    self.position = value_start;
                    return Err(self.error("a value between `*` wildcards"));
                }
                Ok(Filter::Substring {
                    attribute,
                    initial,
                    any,
                    last,
                })
            }
        }
    }

    /// `[attr][:dn][:rule]:=value`, entered at the first `:`.
    fn parse_extensible(
        &mut self,
        attribute: Option<String>,
        terminator: Terminator,
    ) -> Result<Filter, FilterError> {
        let mut dn_attributes = false;
        let mut matching_rule = None;
        loop {
            self.expect(b':')?;
            if self.peek() == Some(b'=') {
                self.position += 1;
                break;
            }
            let word = self.take_while(is_attribute_byte);
            if word.is_empty() {
                return Err(self.error("`dn`, a matching rule or `=`"));
            }
            if word.eq_ignore_ascii_case("dn") && !dn_attributes && matching_rule.is_none() {
                dn_attributes = true;
            } else if matching_rule.is_none() {
                matching_rule = Some(word.to_string());
            } else {
                return Err(self.error("`:=`"));
            }
        }
        if attribute.is_none() && matching_rule.is_none() {
            return Err(self.error("a matching rule in an extensible match without attribute"));
        }
        let value = self
            .parse_value_pieces(terminator, false)?
            .into_iter()
            .next()
            .unwrap_or_default();
        Ok(Filter::Extensible {
            attribute,
            dn_attributes,
            matching_rule,
            value,
        })
    }

    /// The assertion value up to the terminator, unescaped, split at unescaped `*`
    /// when `wildcards` allows them.
    fn parse_value_pieces(
        &mut self,
        terminator: Terminator,
        wildcards: bool,
    ) -> Result<Vec<Vec<u8>>, FilterError> {
        let mut pieces = vec![Vec::new()];
        loop {
            match self.peek() {
                None if terminator == Terminator::End => return Ok(pieces),
                None => return Err(self.error("`)`")),
                Some(b')') if terminator == Terminator::Parenthesis => return Ok(pieces),
                Some(b'(' | b')') => {
                    return Err(self.error("a value character (write `(` as \\28, `)` as \\29)"));
                }
                Some(0) => return Err(self.error("a value character (write NUL as \\00)")),
                Some(b'*') if wildcards => {
                    self.position += 1;
                    pieces.push(Vec::new());
                }
                Some(b'*') => return Err(self.error("a value character (write `*` as \\2a)")),
                Some(b'\\') => {
                    self.position += 1;
                    let high = self.hex_digit()?;
                    let low = self.hex_digit()?;
                    if let Some(piece) = pieces.last_mut() {
                        piece.push(high * 16 + low);
                    }
                }
                Some(byte) => {
                    self.position += 1;
                    if let Some(piece) = pieces.last_mut() {
                        piece.push(byte);
                    }
                }
            }
        }
    }

    fn hex_digit(&mut self) -> Result<u8, FilterError> {
        let digit = self
            .peek()
            .and_then(|byte| char::from(byte).to_digit(16))
            .ok_or_else(|| self.error("two hex digits after `\\`"))?;
        self.position += 1;
        Ok(digit as u8)
    }

    fn take_while(&mut self, accept: fn(u8) -> bool) -> &'a str {
        let start = self.position;
        while self.peek().is_some_and(accept) {
            self.position += 1;
        }
        &self.text[start..self.position]
    }
}

/// Attribute descriptions: names, OIDs and options (`cn;lang-en`, `2.5.4.3`).
fn is_attribute_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b';' | b'.' | b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_shifts_compare_conditions_and_leave_exclusions_aside() {
        let admin = vec!["(!(uid=admin))".to_string()];
        let base = Some("(objectClass=person)");
        assert_eq!(scope_shift(base, base, &[]), ScopeShift::Same);
        assert_eq!(
            scope_shift(base, Some("(&(objectClass=person)(!(uid=admin)))"), &admin),
            ScopeShift::Same
        );
        assert_eq!(
            scope_shift(
                base,
                Some("(&(objectClass=person)(departmentNumber=7))"),
                &[]
            ),
            ScopeShift::Narrowed
        );
        assert_eq!(
            scope_shift(
                Some("(&(objectClass=person)(departmentNumber=7))"),
                base,
                &[]
            ),
            ScopeShift::Widened
        );
        assert_eq!(
            scope_shift(base, Some("(objectClass=inetOrgPerson)"), &[]),
            ScopeShift::Changed
        );
        assert_eq!(scope_shift(None, base, &[]), ScopeShift::Narrowed);
        assert_eq!(scope_shift(base, None, &[]), ScopeShift::Widened);
        assert_eq!(
            scope_shift(Some("(broken"), Some("(broken2"), &[]),
            ScopeShift::Changed
        );
    }

    #[test]
    fn a_clause_is_enforced_only_at_the_top_level() {
        let clause = "(!(uid=admin))";
        assert!(enforces_clause(
            "(&(objectClass=person)(!(UID=admin)))",
            clause
        ));
        assert!(enforces_clause("(!(uid=admin))", clause));
        assert!(!enforces_clause(
            "(|(objectClass=person)(!(uid=admin)))",
            clause
        ));
        assert!(!enforces_clause("(objectClass=person)", clause));
        assert!(!enforces_clause(
            "(&(objectClass=person)(!(uid=Admin)))",
            clause
        ));
    }

    fn uid(value: &str) -> ExclusionMatch {
        ExclusionMatch::Attribute {
            name: "uid".into(),
            value: value.into(),
        }
    }

    #[test]
    fn special_characters_are_escaped_as_rfc_4515_asks() {
        assert_eq!(escape_value("a*b"), "a\\2ab");
        assert_eq!(escape_value("(x)"), "\\28x\\29");
        assert_eq!(escape_value("back\\slash"), "back\\5cslash");
        assert_eq!(escape_value("nul\0byte"), "nul\\00byte");
        assert_eq!(escape_value("plain-value_1.2@x"), "plain-value_1.2@x");
    }

    #[test]
    fn non_ascii_is_escaped_byte_by_byte_in_lower_case_hex() {
        assert_eq!(escape_value("José"), "Jos\\c3\\a9");
        assert_eq!(escape_value("日"), "\\e6\\97\\a5");
        // And the parser reads it back to the same text.
        let filter = parse("(cn=Jos\\C3\\A9)").unwrap();
        assert_eq!(
            filter,
            Filter::Equality {
                attribute: "cn".into(),
                value: "José".as_bytes().to_vec()
            }
        );
        // Raw UTF-8 in a filter is accepted too (RFC 4515 allows it).
        assert_eq!(parse("(cn=José)").unwrap(), filter);
    }

    #[test]
    fn an_exclusion_renders_as_a_negated_clause() {
        assert_eq!(uid("pingone-admin").clause(), "(!(uid=pingone-admin))");
        assert_eq!(uid("adm*n").clause(), "(!(uid=adm\\2an))");
        let dn = ExclusionMatch::DistinguishedName("cn=Admin (ops),ou=people,dc=example".into());
        assert_eq!(
            dn.clause(),
            "(!(entryDN=cn=Admin \\28ops\\29,ou=people,dc=example))"
        );
        assert_eq!(
            dn.clause_with_dn_attribute("distinguishedName"),
            "(!(distinguishedName=cn=Admin \\28ops\\29,ou=people,dc=example))"
        );
    }

    #[test]
    fn no_exclusions_leave_the_declared_filter_unchanged() {
        assert_eq!(
            effective_filter(Some("objectClass=person"), &[]).as_deref(),
            Some("objectClass=person")
        );
        assert_eq!(effective_filter(None, &[]), None);
    }

    #[test]
    fn declared_filters_with_and_without_parentheses_compose_alike() {
        let exclusions = [uid("pingone-admin")];
        let expected = Some("(&(objectClass=person)(!(uid=pingone-admin)))".to_string());
        assert_eq!(
            effective_filter(Some("objectClass=person"), &exclusions),
            expected
        );
        assert_eq!(
            effective_filter(Some("(objectClass=person)"), &exclusions),
            expected
        );
        assert_eq!(
            effective_filter(Some("  (objectClass=person) "), &exclusions),
            expected
        );
    }

    #[test]
    fn several_exclusions_come_sorted_without_duplicates() {
        let exclusions = [
            uid("zed"),
            ExclusionMatch::DistinguishedName("cn=admin,dc=example".into()),
            uid("amy"),
            uid("zed"),
        ];
        assert_eq!(
            effective_filter(Some("(objectClass=inetOrgPerson)"), &exclusions).as_deref(),
            Some(
                "(&(objectClass=inetOrgPerson)(!(entryDN=cn=admin,dc=example))(!(uid=amy))(!(uid=zed)))"
            )
        );
    }

    #[test]
    fn a_declared_and_keeps_its_children_as_written() {
        let composed = effective_filter(
            Some("(&(objectClass=person) (mail=*))"),
            &[uid("pingone-admin")],
        );
        assert_eq!(
            composed.as_deref(),
            Some("(&(objectClass=person)(mail=*)(!(uid=pingone-admin)))")
        );
        // An OR is one part: it is not flattened.
        let composed = effective_filter(Some("(|(a=1)(b=2))"), &[uid("x")]);
        assert_eq!(composed.as_deref(), Some("(&(|(a=1)(b=2))(!(uid=x)))"));
    }

    #[test]
    fn group_dn_only_channels_get_the_clauses_alone() {
        assert_eq!(
            effective_filter(None, &[uid("pingone-admin")]).as_deref(),
            Some("(!(uid=pingone-admin))")
        );
        assert_eq!(
            effective_filter(Some("   "), &[uid("b"), uid("a")]).as_deref(),
            Some("(&(!(uid=a))(!(uid=b)))")
        );
    }

    #[test]
    fn composing_a_composed_filter_again_changes_nothing() {
        let exclusions = [uid("b"), uid("a")];
        for declared in [
            None,
            Some("objectClass=person"),
            Some("(&(objectClass=person)(mail=*))"),
        ] {
            let once = effective_filter(declared, &exclusions).unwrap();
            let twice = effective_filter(Some(&once), &exclusions).unwrap();
            assert_eq!(once, twice, "declared {declared:?}");
        }
        let single = effective_filter(None, &[uid("a")]).unwrap();
        assert_eq!(
            effective_filter(Some(&single), &[uid("a")]).unwrap(),
            single
        );
    }

    #[test]
    fn a_hand_edited_filter_that_dropped_a_clause_is_reported() {
        let exclusions = [uid("a"), uid("b"), uid("c")];
        let live = "(&(objectClass=person)(!(UID=a))(!(uid=c)))";
        assert_eq!(missing_exclusions(live, &exclusions), vec![1]);
        let composed = effective_filter(Some("objectClass=person"), &exclusions).unwrap();
        assert!(missing_exclusions(&composed, &exclusions).is_empty());
    }

    #[test]
    fn only_top_level_negations_count_as_enforced() {
        let exclusions = [uid("a")];
        assert!(missing_exclusions("(!(uid=a))", &exclusions).is_empty());
        assert!(missing_exclusions(" ( & (cn=x) ( ! (uid=a) ) ) ", &exclusions).is_empty());
        assert_eq!(
            missing_exclusions("(|(cn=x)(!(uid=a)))", &exclusions),
            vec![0]
        );
        assert_eq!(missing_exclusions("(&(cn=x)(uid=a))", &exclusions), vec![0]);
        assert_eq!(
            missing_exclusions("(&(cn=x)(!(uid=a*)))", &exclusions),
            vec![0]
        );
        assert_eq!(missing_exclusions("(&(cn=x", &exclusions), vec![0]);
        // Values compare after unescaping.
        let star = [uid("a*b")];
        assert!(missing_exclusions("(&(cn=x)(!(uid=a\\2Ab)))", &star).is_empty());
    }

    #[test]
    fn dn_exclusions_are_checked_on_the_chosen_attribute() {
        let exclusions = [ExclusionMatch::DistinguishedName(
            "cn=admin,dc=example".into(),
        )];
        let live = "(&(objectClass=user)(!(distinguishedName=cn=admin,dc=example)))";
        assert_eq!(missing_exclusions(live, &exclusions), vec![0]);
        assert!(
            missing_exclusions_with_dn_attribute(live, &exclusions, "distinguishedName").is_empty()
        );
    }

    #[test]
    fn malformed_filters_are_rejected_with_a_position() {
        let error = parse("(&(objectClass=person)(uid=a)").unwrap_err();
        assert_eq!(error.column, 30);
        assert_eq!(error.expected, "`)`");
        assert_eq!(error.found, "the end of the filter");

        let error = parse("(uid=a(b))").unwrap_err();
        assert_eq!(error.column, 7);
        assert!(
            error
                .to_string()
                .starts_with("malformed LDAP filter at column 7")
        );

        let error = parse("(uid=a\\zz)").unwrap_err();
        assert_eq!(
            (error.column, error.expected.as_str()),
            (8, "two hex digits after `\\`")
        );

        assert_eq!(parse("(&)").unwrap_err().column, 3);
        assert_eq!(parse("(=x)").unwrap_err().column, 2);
        assert_eq!(parse("(uid x)").unwrap_err().column, 5);
        assert_eq!(
            parse("(uid=a))").unwrap_err().expected,
            "the end of the filter"
        );
        assert_eq!(parse("").unwrap_err().column, 1);
    }

    #[test]
    fn every_item_kind_parses_and_prints_canonically() {
        let cases = [
            ("(cn=*)", "(cn=*)"),
            ("(cn=ab*cd*ef)", "(cn=ab*cd*ef)"),
            ("(cn=*cd*)", "(cn=*cd*)"),
            ("(cn~=jon)", "(cn~=jon)"),
            ("(age>=18)", "(age>=18)"),
            ("(age<=65)", "(age<=65)"),
            ("(cn:caseExactMatch:=Fred)", "(cn:caseExactMatch:=Fred)"),
            ("(ou:dn:=Sales)", "(ou:dn:=Sales)"),
            ("(:dn:2.4.6.8.10:=Dino)", "(:dn:2.4.6.8.10:=Dino)"),
            ("objectClass=person", "(objectClass=person)"),
            ("( | (a=1) (!(b=2)) )", "(|(a=1)(!(b=2)))"),
        ];
        for (text, canonical) in cases {
            let filter = parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert_eq!(filter.to_string(), canonical, "{text}");
            assert_eq!(parse(canonical).unwrap(), filter, "{text}");
        }
        assert!(parse("(cn=a**b)").is_err());
    }
}
