//! The canonical layout of a configuration file (`pingform fmt`), `terraform fmt`'s:
//! two spaces per nesting level, one space around `=` with the `=` of consecutive
//! single-line attributes aligned (a blank line, a comment line, a block or an
//! attribute with a multi-line value, which is not aligned, ends the group), `label {` headers with single spaces, no blank lines at the start or end
//! of a block, at most one blank line in a row, no trailing spaces, and one newline at
//! the end of the file.
//!
//! Comments are kept: the file is parsed with `hcl-edit`, whose document model keeps
//! every structure's span, and each structure is written again from its own source text
//! while the comments and blank lines between structures are carried over line by
//! line (re-indented). Expressions are kept as written; the lines of a multi-line value
//! move with their attribute, except heredocs, which are text. Pure: text in, text out.

use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};

/// Why a file could not be formatted: it does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

/// One line-level piece of a body.
#[derive(Debug)]
enum Item {
    /// One blank line (runs are collapsed).
    Blank,
    /// A comment line (or the lines of a `/* */` comment), trimmed.
    Comment(Vec<String>),
    Attribute {
        key: String,
        /// The value's source lines; the first follows `=`, the others keep their
        /// indentation relative to the attribute (`base` columns).
        value: Vec<String>,
        base: usize,
        /// Kept verbatim (a heredoc): the lines after the first are not re-indented.
        verbatim: bool,
        trailing: Option<String>,
    },
    Block {
        header: String,
        /// A comment after `{` on the header line.
        opening: Option<String>,
        items: Vec<Item>,
        trailing: Option<String>,
    },
}

/// Formats one configuration file.
pub fn format(source: &str) -> Result<String, FormatError> {
    let body = hcl::edit::parser::parse_body(source).map_err(|e| FormatError(e.to_string()))?;
    let items = body_items(source, &body, 0, source.len(), true)?;
    let mut out = String::new();
    write_items(&mut out, &items, 0);
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn span_of(range: Option<Range<usize>>) -> Result<Range<usize>, FormatError> {
    range.ok_or_else(|| FormatError("a structure without a source span".into()))
}

/// The column of `position` in `source` (characters since the line start).
fn column(source: &str, position: usize) -> usize {
    let start = source[..position].rfind('\n').map_or(0, |i| i + 1);
    source[start..position].chars().count()
}

/// The items of `body`, whose structures lie in `start..end` of `source`.
/// `at_line_start`: whether `start` begins a line (a file) rather than following
/// `{` (a block).
fn body_items(
    source: &str,
    body: &Body,
    start: usize,
    end: usize,
    at_line_start: bool,
) -> Result<Vec<Item>, FormatError> {
    let mut items = Vec::new();
    let mut cursor = start;
    let mut first_gap = at_line_start;
    for structure in body.iter() {
        let span = span_of(structure.span())?;
        // The structure's own decor (a leading comment hcl-edit attached to it) is in
        // the gap too: spans leave decor out.
        gap_items(&source[cursor..span.start], first_gap, &mut items);
        first_gap = false;
        let (item, after) = match structure {
            Structure::Attribute(attribute) => {
                let key = attribute.key.as_str().to_string();
                let value_span = span_of(attribute.value.span())?;
                let key_end = span_of(attribute.key.span())?.end;
                if source[key_end..value_span.start].trim() != "=" {
                    return Err(FormatError(format!(
                        "a comment between `{key}` and its value: pingform fmt would move it, so it leaves the file as it is"
                    )));
                }
                let text = &source[value_span.clone()];
                let verbatim = text.contains("<<");
                let item = Item::Attribute {
                    key,
                    value: text.lines().map(str::to_string).collect(),
                    base: column(source, span.start),
                    verbatim,
                    trailing: None,
                };
                (item, value_span.end.max(span.end))
            }
            Structure::Block(block) => block_item(source, block, span.clone())?,
        };
        items.push(item);
        cursor = after;
        // A comment on the rest of the structure's last line belongs to it.
        let rest = &source[cursor..end];
        let line_end = rest.find('\n').map_or(rest.len(), |i| i);
        let remainder = rest[..line_end].trim();
        if !remainder.is_empty() && is_comment(remainder) {
            if let Some(Item::Attribute { trailing, .. } | Item::Block { trailing, .. }) =
                items.last_mut()
            {
                *trailing = Some(remainder.to_string());
            }
            cursor += line_end;
        }
    }
    gap_items(&source[cursor..end], first_gap, &mut items);
    while matches!(items.last(), Some(Item::Blank)) {
        items.pop();
    }
    while matches!(items.first(), Some(Item::Blank)) {
        items.remove(0);
    }
    Ok(items)
}

fn is_comment(text: &str) -> bool {
    text.starts_with('#') || text.starts_with("//") || text.starts_with("/*")
}

fn block_item(
    source: &str,
    block: &Block,
    span: Range<usize>,
) -> Result<(Item, usize), FormatError> {
    let mut header = block.ident.as_str().to_string();
    let mut header_end = span_of(block.ident.span())?.end;
    for label in &block.labels {
        let label_span = match label {
            BlockLabel::Ident(ident) => ident.span(),
            BlockLabel::String(text) => text.span(),
        };
        let label_span = span_of(label_span)?;
        if !source[header_end..label_span.start].trim().is_empty() {
            return Err(FormatError(format!(
                "a comment inside the header of `{header}`: pingform fmt would move it, so it leaves the file as it is"
            )));
        }
        header.push(' ');
        header.push_str(&source[label_span.clone()]);
        header_end = label_span.end;
    }
    let open = source[header_end..span.end]
        .find('{')
        .map(|i| header_end + i + 1)
        .ok_or_else(|| FormatError(format!("no `{{` after `{header}`")))?;
    if !source[header_end..open - 1].trim().is_empty() {
        return Err(FormatError(format!(
            "a comment inside the header of `{header}`: pingform fmt would move it, so it leaves the file as it is"
        )));
    }
    let close = source[..span.end]
        .rfind('}')
        .filter(|&i| i >= open)
        .ok_or_else(|| FormatError(format!("no `}}` closing `{header}`")))?;
    // A comment after `{` on the header line.
    let rest = &source[open..close];
    let line_end = rest.find('\n').map_or(rest.len(), |i| i);
    let remainder = rest[..line_end].trim();
    let (opening, body_start) = if !remainder.is_empty()
        && is_comment(remainder)
        && block
            .body
            .iter()
            .next()
            .is_none_or(|s| s.span().is_some_and(|inner| inner.start > open + line_end))
    {
        (Some(remainder.to_string()), open + line_end)
    } else {
        (None, open)
    };
    let items = body_items(source, &block.body, body_start, close, false)?;
    Ok((
        Item::Block {
            header,
            opening,
            items,
            trailing: None,
        },
        close + 1,
    ))
}

/// The blank lines and comments between two structures. `from_line_start`: the gap
/// starts a line (otherwise its first line is the rest of the line before, already
/// taken).
fn gap_items(gap: &str, from_line_start: bool, items: &mut Vec<Item>) {
    let mut lines: Vec<&str> = gap.split('\n').collect();
    if !from_line_start && lines.len() > 1 {
        // The rest of the previous line (nothing, or what was taken as trailing).
        lines.remove(0);
    } else if !from_line_start {
        return;
    }
    // The last piece is the indentation before the next structure (or before `}`, or
    // the end of the file), unless it holds a comment: the end of a file without a
    // final newline, or `/* ... */ }`.
    if lines.last().is_some_and(|last| last.trim().is_empty()) {
        lines.pop();
    }
    let mut block_comment: Option<Vec<String>> = None;
    for line in lines {
        let trimmed = line.trim();
        if let Some(lines) = block_comment.as_mut() {
            lines.push(line.trim_end().to_string());
            if trimmed.contains("*/") {
                items.push(Item::Comment(block_comment.take().unwrap_or_default()));
            }
            continue;
        }
        if trimmed.is_empty() {
            if !matches!(items.last(), Some(Item::Blank)) {
                items.push(Item::Blank);
            }
        } else if trimmed.starts_with("/*") && !trimmed.contains("*/") {
            block_comment = Some(vec![trimmed.to_string()]);
        } else {
            items.push(Item::Comment(vec![trimmed.to_string()]));
        }
    }
    if let Some(lines) = block_comment {
        items.push(Item::Comment(lines));
    }
}

fn write_items(out: &mut String, items: &[Item], depth: usize) {
    let indent = "  ".repeat(depth);
    let mut index = 0;
    while index < items.len() {
        match &items[index] {
            Item::Blank => out.push('\n'),
            Item::Comment(lines) => {
                for (n, line) in lines.iter().enumerate() {
                    if n == 0 {
                        out.push_str(&indent);
                    }
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Item::Attribute { .. } => {
                // The group of attributes whose `=` line up.
                // A multi-line value stands alone, as in `terraform fmt`: the
                // single-line attributes around it line up among themselves.
                let multi_line =
                    |item: &Item| matches!(item, Item::Attribute { value, .. } if value.len() > 1);
                let mut end = index + 1;
                if !multi_line(&items[index]) {
                    while end < items.len()
                        && matches!(items[end], Item::Attribute { .. })
                        && !multi_line(&items[end])
                    {
                        end += 1;
                    }
                }
                let width = items[index..end]
                    .iter()
                    .map(|item| match item {
                        Item::Attribute { key, .. } => key.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for item in &items[index..end] {
                    if let Item::Attribute {
                        key,
                        value,
                        base,
                        verbatim,
                        trailing,
                    } = item
                    {
                        write_attribute(out, &indent, key, width, value, *base, *verbatim);
                        if let Some(comment) = trailing {
                            out.push(' ');
                            out.push_str(comment);
                        }
                        out.push('\n');
                    }
                }
                index = end;
                continue;
            }
            Item::Block {
                header,
                opening,
                items: children,
                trailing,
            } => {
                out.push_str(&indent);
                out.push_str(header);
                if children.is_empty() && opening.is_none() {
                    out.push_str(" {}");
                } else {
                    out.push_str(" {");
                    if let Some(comment) = opening {
                        out.push(' ');
                        out.push_str(comment);
                    }
                    out.push('\n');
                    write_items(out, children, depth + 1);
                    out.push_str(&indent);
                    out.push('}');
                }
                if let Some(comment) = trailing {
                    out.push(' ');
                    out.push_str(comment);
                }
                out.push('\n');
            }
        }
        index += 1;
    }
}

fn write_attribute(
    out: &mut String,
    indent: &str,
    key: &str,
    width: usize,
    value: &[String],
    base: usize,
    verbatim: bool,
) {
    out.push_str(indent);
    out.push_str(key);
    out.push_str(&" ".repeat(width - key.chars().count()));
    out.push_str(" = ");
    for (n, line) in value.iter().enumerate() {
        if n == 0 {
            out.push_str(line.trim_end());
            continue;
        }
        out.push('\n');
        if verbatim {
            out.push_str(line);
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let leading = line.chars().count() - trimmed.chars().count();
        out.push_str(indent);
        out.push_str(&" ".repeat(leading.saturating_sub(base)));
        out.push_str(trimmed.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_align_and_blocks_indent() {
        let source = "datastore  \"jdbc\"   \"a\"{\n driver_class=\"d\"\n    connection_url   =  \"u\"\n\n\n\n  min_pool_size=1\n}\n\n\n";
        assert_eq!(
            format(source).unwrap(),
            "datastore \"jdbc\" \"a\" {\n  driver_class   = \"d\"\n  connection_url = \"u\"\n\n  min_pool_size = 1\n}\n"
        );
    }

    #[test]
    fn comments_are_kept_where_they_are() {
        let source = "# header\n\n# about a\ndatastore \"jdbc\" \"a\" { # opening\n      # inside\n  driver_class = \"d\" # trailing\n  /* one\n     two */\n  x = 1\n  # last\n} # after\n# end\n";
        let formatted = format(source).unwrap();
        assert_eq!(
            formatted,
            "# header\n\n# about a\ndatastore \"jdbc\" \"a\" { # opening\n  # inside\n  driver_class = \"d\" # trailing\n  /* one\n     two */\n  x = 1\n  # last\n} # after\n# end\n"
        );
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn multi_line_values_move_with_their_attribute_and_stand_alone() {
        let source = "locals {\n      x=1\n      yyy = 2\n      long_name = {\n        a = 1\n      }\n      b = [\n        1,\n      ]\n      cc = 3\n   d=4\n}\n";
        assert_eq!(
            format(source).unwrap(),
            "locals {\n  x   = 1\n  yyy = 2\n  long_name = {\n    a = 1\n  }\n  b = [\n    1,\n  ]\n  cc = 3\n  d  = 4\n}\n"
        );
    }

    #[test]
    fn a_comment_without_a_final_newline_or_before_a_brace_is_kept() {
        assert_eq!(format("a = 1\n# end").unwrap(), "a = 1\n# end\n");
        assert_eq!(
            format("locals {\n  a = 1\n  /* last */ }\n").unwrap(),
            "locals {\n  a = 1\n  /* last */\n}\n"
        );
    }

    #[test]
    fn a_comment_it_would_have_to_move_is_refused_rather_than_lost() {
        assert!(format("datastore \"jdbc\" /* x */ \"a\" {}\n").is_err());
        assert!(format("locals {\n  a /* x */ = 1\n}\n").is_err());
        assert!(format("locals # x\n{\n}\n").is_err());
    }

    #[test]
    fn heredocs_are_text() {
        let source = "locals {\n    text = <<EOT\n  keep\n    this\nEOT\n}\n";
        assert_eq!(
            format(source).unwrap(),
            "locals {\n  text = <<EOT\n  keep\n    this\nEOT\n}\n"
        );
    }

    #[test]
    fn empty_blocks_stay_on_one_line_and_errors_are_reported() {
        assert_eq!(format("locals {\n}\n").unwrap(), "locals {}\n");
        assert!(format("locals {\n").is_err());
    }
}
