//! Just enough of Rust's syntax to check module boundaries without a parser crate:
//! tokens with their line numbers (comments and literals dropped, so a word in a doc
//! comment or a string never counts), `use` trees expanded to full paths, and the
//! paths that code names.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Ident(String),
    /// `::`
    PathSeparator,
    Punct(char),
}

/// A token and the line (1-based) it starts on.
#[derive(Debug, Clone)]
pub struct Spanned {
    pub token: Token,
    pub line: usize,
}

impl Spanned {
    pub fn ident(&self) -> Option<&str> {
        match &self.token {
            Token::Ident(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.token == Token::Punct(c)
    }
}

/// Splits `source` into identifiers, `::` and single punctuation characters.
pub fn tokens(source: &str) -> Vec<Spanned> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut at = 0;
    // Skips a string body starting after its opening quote, up to and including the
    // closing quote followed by `hashes` `#` (raw strings have no escapes).
    let skip_string = |at: &mut usize, line: &mut usize, raw: bool, hashes: usize| {
        while *at < chars.len() {
            let c = chars[*at];
            *at += 1;
            match c {
                '\n' => *line += 1,
                '\\' if !raw => {
                    if chars.get(*at) == Some(&'\n') {
                        *line += 1;
                    }
                    *at += 1;
                }
                '"' if chars[*at..]
                    .iter()
                    .take(hashes)
                    .filter(|&&h| h == '#')
                    .count()
                    == hashes =>
                {
                    *at += hashes;
                    return;
                }
                _ => {}
            }
        }
    };
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        match c {
            '\n' => {
                line += 1;
                at += 1;
            }
            c if c.is_whitespace() => at += 1,
            '/' if next == Some('/') => {
                while at < chars.len() && chars[at] != '\n' {
                    at += 1;
                }
            }
            '/' if next == Some('*') => {
                let mut depth = 0;
                while at < chars.len() {
                    if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                        depth += 1;
                        at += 2;
                    } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                        depth -= 1;
                        at += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[at] == '\n' {
                            line += 1;
                        }
                        at += 1;
                    }
                }
            }
            '"' => {
                at += 1;
                skip_string(&mut at, &mut line, false, 0);
            }
            '\'' => {
                // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a, 'static).
                if next == Some('\\') {
                    at += 2;
                    while at < chars.len() && chars[at] != '\'' {
                        at += 1;
                    }
                    at += 1;
                } else if chars.get(at + 2) == Some(&'\'') {
                    at += 3;
                } else {
                    at += 1;
                    while at < chars.len() && is_ident_char(chars[at]) {
                        at += 1;
                    }
                }
            }
            c if c.is_ascii_digit() => {
                while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                    at += 1;
                }
            }
            c if is_ident_start(c) => {
                let start = at;
                while at < chars.len() && is_ident_char(chars[at]) {
                    at += 1;
                }
                let word: String = chars[start..at].iter().collect();
                let prefix = matches!(word.as_str(), "b" | "c" | "r" | "br" | "cr");
                match chars.get(at) {
                    // b"..", c"..", r"..", r#".."#, br#".."#: literals.
                    Some('"') if prefix => {
                        at += 1;
                        skip_string(&mut at, &mut line, word.contains('r'), 0);
                    }
                    Some('#') if prefix && word.contains('r') => {
                        let hashes = chars[at..].iter().take_while(|&&h| h == '#').count();
                        if chars.get(at + hashes) == Some(&'"') {
                            at += hashes + 1;
                            skip_string(&mut at, &mut line, true, hashes);
                        } else if word == "r" {
                            // A raw identifier, r#type.
                            at += 1;
                            let start = at;
                            while at < chars.len() && is_ident_char(chars[at]) {
                                at += 1;
                            }
                            let word: String = chars[start..at].iter().collect();
                            tokens.push(Spanned {
                                token: Token::Ident(word),
                                line,
                            });
                        } else {
                            tokens.push(Spanned {
                                token: Token::Ident(word),
                                line,
                            });
                        }
                    }
                    // b'x': a byte literal.
                    Some('\'') if word == "b" => {
                        at += 1;
                        if chars.get(at) == Some(&'\\') {
                            at += 1;
                        }
                        while at < chars.len() && chars[at] != '\'' {
                            at += 1;
                        }
                        at += 1;
                    }
                    _ => tokens.push(Spanned {
                        token: Token::Ident(word),
                        line,
                    }),
                }
            }
            ':' if next == Some(':') => {
                tokens.push(Spanned {
                    token: Token::PathSeparator,
                    line,
                });
                at += 2;
            }
            c => {
                tokens.push(Spanned {
                    token: Token::Punct(c),
                    line,
                });
                at += 1;
            }
        }
    }
    tokens
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A path named in the source: `std::io::stdout`, `println` (a macro), the path of one
/// leaf of a `use` tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPath {
    pub segments: Vec<String>,
    pub line: usize,
    /// The index of its first token (for a `use` leaf, of the `use` keyword).
    pub index: usize,
    pub kind: PathKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A leaf of a `use` tree; `alias` is the name it binds (`None` for a glob or `_`).
    Use,
    /// A path in code (a type, a function, a module prefix).
    Code,
    /// A macro invocation: the path is followed by `!`.
    Macro,
}

/// What a `use` leaf binds: `use std::io::{self, Write as W}` binds `io` and `W`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseBinding {
    pub alias: String,
    pub segments: Vec<String>,
}

/// Every path in `tokens`: each `use` leaf expanded to its full path, and every path
/// in code (`a::b::c`, or a single identifier followed by `!`), in source order. The
/// second result lists the names `use` declarations bind.
pub fn paths(tokens: &[Spanned]) -> (Vec<NamedPath>, Vec<UseBinding>) {
    let mut paths = Vec::new();
    let mut bindings = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        if tokens[at].ident() == Some("use") {
            let end = tokens[at..]
                .iter()
                .position(|t| t.is_punct(';'))
                .map_or(tokens.len(), |offset| at + offset);
            let mut leaves = Vec::new();
            expand_use(&tokens[at + 1..end], &[], &mut leaves);
            for (segments, alias, line) in leaves {
                if let Some(alias) = alias {
                    bindings.push(UseBinding {
                        alias,
                        segments: segments.clone(),
                    });
                }
                paths.push(NamedPath {
                    segments,
                    line,
                    index: at,
                    kind: PathKind::Use,
                });
            }
            at = end + 1;
            continue;
        }
        // A path starts at an identifier (or a leading `::`) not preceded by `::`,
        // and not a field or method after `.`.
        let starts_path = match &tokens[at].token {
            Token::Ident(_) => at == 0 || tokens[at - 1].token != Token::PathSeparator,
            Token::PathSeparator => {
                matches!(tokens.get(at + 1).map(|t| &t.token), Some(Token::Ident(_)))
                    && (at == 0 || tokens[at - 1].ident().is_none())
            }
            Token::Punct(_) => false,
        };
        if !starts_path {
            at += 1;
            continue;
        }
        let line = tokens[at].line;
        let mut segments = Vec::new();
        let mut next = at;
        if tokens[next].token == Token::PathSeparator {
            next += 1;
        }
        while let Some(word) = tokens.get(next).and_then(Spanned::ident) {
            segments.push(word.to_string());
            if tokens.get(next + 1).map(|t| &t.token) == Some(&Token::PathSeparator)
                && tokens.get(next + 2).and_then(Spanned::ident).is_some()
            {
                next += 2;
            } else {
                next += 1;
                break;
            }
        }
        let after_dot = at > 0 && tokens[at - 1].is_punct('.');
        let kind = if tokens.get(next).is_some_and(|t| t.is_punct('!')) {
            PathKind::Macro
        } else {
            PathKind::Code
        };
        if !after_dot || kind == PathKind::Macro {
            paths.push(NamedPath {
                segments,
                line,
                index: at,
                kind,
            });
        }
        at = next.max(at + 1);
    }
    (paths, bindings)
}

/// Expands one `use` tree (without `use` and `;`) below `prefix`: each leaf's full
/// path, the name it binds, and its line.
fn expand_use(
    tree: &[Spanned],
    prefix: &[String],
    leaves: &mut Vec<(Vec<String>, Option<String>, usize)>,
) {
    let mut segments = prefix.to_vec();
    let mut at = 0;
    // `pub use`, `pub(crate) use` come before `use`; a leading `::` is the extern prelude.
    if tree.first().map(|t| &t.token) == Some(&Token::PathSeparator) {
        at += 1;
    }
    while at < tree.len() {
        let token = &tree[at];
        match &token.token {
            Token::Ident(word) if word == "self" && at + 1 == tree.len() => {
                let alias = segments.last().cloned();
                leaves.push((segments, alias, token.line));
                return;
            }
            Token::Ident(word) => {
                segments.push(word.clone());
                at += 1;
                if tree.get(at).map(|t| &t.token) == Some(&Token::PathSeparator) {
                    at += 1;
                    continue;
                }
                let alias = if tree.get(at).and_then(Spanned::ident) == Some("as") {
                    tree.get(at + 1)
                        .and_then(Spanned::ident)
                        .filter(|alias| *alias != "_")
                        .map(str::to_string)
                } else {
                    Some(word.clone())
                };
                leaves.push((segments, alias, token.line));
                return;
            }
            Token::Punct('*') => {
                leaves.push((segments, None, token.line));
                return;
            }
            Token::Punct('{') => {
                // Split the group at its top-level commas.
                let mut depth = 0;
                let mut start = at + 1;
                for index in at + 1..tree.len() {
                    match tree[index].token {
                        Token::Punct('{') => depth += 1,
                        Token::Punct('}') if depth == 0 => {
                            if start < index {
                                expand_use(&tree[start..index], &segments, leaves);
                            }
                            return;
                        }
                        Token::Punct('}') => depth -= 1,
                        Token::Punct(',') if depth == 0 => {
                            if start < index {
                                expand_use(&tree[start..index], &segments, leaves);
                            }
                            start = index + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            _ => at += 1,
        }
    }
}

/// Every `*.rs` file under `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The repository root (where `Cargo.toml` is).
pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `path` relative to the repository, with `/` separators.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repository())
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(source: &str) -> Vec<String> {
        tokens(source)
            .iter()
            .filter_map(|t| t.ident().map(str::to_string))
            .collect()
    }

    #[test]
    fn comments_strings_chars_and_lifetimes_are_not_tokens() {
        let source = r##"
// println!("a")
/* std::fs /* nested */ reqwest */
/// doc comment: std::net
fn f<'a>(x: &'a str) -> char {
    let s = "std::fs \" still a string";
    let r = r#"println!("x")"#;
    let b = b"redb";
    let c = '\'';
    let d = 'x';
    let e = b'y';
    keep
}
"##;
        assert_eq!(
            idents(source),
            [
                "fn", "f", "x", "str", "char", "let", "s", "let", "r", "let", "b", "let", "c",
                "let", "d", "let", "e", "keep"
            ]
        );
        let keep = tokens(source)
            .into_iter()
            .find(|t| t.ident() == Some("keep"))
            .unwrap();
        assert_eq!(keep.line, 12);
    }

    #[test]
    fn use_trees_expand_to_full_paths_and_bindings() {
        let source = "pub(crate) use std::io::{self, Write as _, stdout as out};\nuse super::{a::{B, C}, d};\nuse ::tempfile::*;";
        let (paths, bindings) = paths(&tokens(source));
        let uses: Vec<&NamedPath> = paths.iter().filter(|p| p.kind == PathKind::Use).collect();
        let listed: Vec<String> = uses.iter().map(|p| p.segments.join("::")).collect();
        assert_eq!(
            listed,
            [
                "std::io",
                "std::io::Write",
                "std::io::stdout",
                "super::a::B",
                "super::a::C",
                "super::d",
                "tempfile"
            ]
        );
        assert_eq!(uses[3].line, 2);
        let bound: Vec<(String, String)> = bindings
            .iter()
            .map(|b| (b.alias.clone(), b.segments.join("::")))
            .collect();
        assert_eq!(
            bound,
            [
                ("io".to_string(), "std::io".to_string()),
                ("out".to_string(), "std::io::stdout".to_string()),
                ("B".to_string(), "super::a::B".to_string()),
                ("C".to_string(), "super::a::C".to_string()),
                ("d".to_string(), "super::d".to_string()),
            ]
        );
    }

    #[test]
    fn code_paths_macros_and_methods() {
        let source = "let x = io::stdout(); println!(\"{}\", std::fs::read(p)); y.is_terminal(); z.print!();";
        let (paths, _) = paths(&tokens(source));
        let listed: Vec<(String, PathKind)> = paths
            .iter()
            .map(|p| (p.segments.join("::"), p.kind))
            .collect();
        assert_eq!(
            listed,
            [
                ("let".to_string(), PathKind::Code),
                ("x".to_string(), PathKind::Code),
                ("io::stdout".to_string(), PathKind::Code),
                ("println".to_string(), PathKind::Macro),
                ("std::fs::read".to_string(), PathKind::Code),
                ("p".to_string(), PathKind::Code),
                ("y".to_string(), PathKind::Code),
                ("z".to_string(), PathKind::Code),
                ("print".to_string(), PathKind::Macro),
            ]
        );
    }
}
