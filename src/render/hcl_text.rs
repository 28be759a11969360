//! A configuration document as HCL text, laid out the way `terraform fmt` (hclwrite)
//! lays out HCL: two spaces per level, the `=` of consecutive one-line attributes
//! aligned (a comment line, a blank line, a block or a value spanning several lines
//! ends the run), one blank line between blocks, strings escaped so that they read
//! back as the same value (`${` as `$${`).

use std::ops::Range;

use serde_json::Value;

use crate::import::document::{Block, Document, Expression, Item};

/// Lines longer than this are split where the value allows it.
const WIDTH: usize = 100;

/// The text, and the byte range of each top-level block (its comments included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HclText {
    pub text: String,
    pub blocks: Vec<Range<usize>>,
}

pub fn hcl_text(document: &Document) -> HclText {
    let mut text = String::new();
    let mut lines = Vec::new();
    for line in &document.header {
        comment(&mut lines, 0, line);
    }
    text.push_str(&layout(&lines));
    let mut blocks = Vec::new();
    for block in &document.blocks {
        if !text.is_empty() {
            text.push('\n');
        }
        let mut lines = Vec::new();
        emit_block(&mut lines, 0, block);
        let start = text.len();
        text.push_str(&layout(&lines));
        blocks.push(start..text.len());
    }
    HclText { text, blocks }
}

enum Line {
    Blank,
    Text {
        indent: usize,
        text: String,
    },
    /// `KEY = VALUE` on one line, aligned with its neighbours.
    Assign {
        indent: usize,
        key: String,
        value: String,
    },
}

/// The lines as text, each run of consecutive `Assign` lines with its `=` aligned.
fn layout(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut index = 0;
    while index < lines.len() {
        match &lines[index] {
            Line::Blank => {
                out.push('\n');
                index += 1;
            }
            Line::Text { indent, text } => {
                out.push_str(&"  ".repeat(*indent));
                out.push_str(text);
                out.push('\n');
                index += 1;
            }
            Line::Assign { .. } => {
                let end = lines[index..]
                    .iter()
                    .position(|line| !matches!(line, Line::Assign { .. }))
                    .map_or(lines.len(), |offset| index + offset);
                let column = lines[index..end]
                    .iter()
                    .map(|line| match line {
                        Line::Assign { indent, key, .. } => indent * 2 + key.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for line in &lines[index..end] {
                    if let Line::Assign { indent, key, value } = line {
                        let padding = column - indent * 2 - key.chars().count();
                        out.push_str(&"  ".repeat(*indent));
                        out.push_str(key);
                        out.push_str(&" ".repeat(padding));
                        out.push_str(" = ");
                        out.push_str(value);
                        out.push('\n');
                    }
                }
                index = end;
            }
        }
    }
    out
}

/// `# text`, wrapped at word boundaries to the line width.
fn comment(lines: &mut Vec<Line>, indent: usize, text: &str) {
    let room = WIDTH.saturating_sub(indent * 2 + 2).max(40);
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            lines.push(Line::Text {
                indent,
                text: format!("# {line}"),
            });
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(Line::Text {
        indent,
        text: if line.is_empty() {
            "#".into()
        } else {
            format!("# {line}")
        },
    });
}

fn emit_block(lines: &mut Vec<Line>, indent: usize, block: &Block) {
    for text in &block.comments {
        comment(lines, indent, text);
    }
    let mut header = block.block_type.clone();
    for label in &block.labels {
        header.push(' ');
        header.push_str(&quote(label));
    }
    lines.push(Line::Text {
        indent,
        text: format!("{header} {{"),
    });
    for (position, item) in block.body.iter().enumerate() {
        match item {
            Item::Attribute {
                comments,
                name,
                value,
            } => {
                for text in comments {
                    comment(lines, indent + 1, text);
                }
                emit_attribute(lines, indent + 1, name, value, true);
            }
            Item::Block(nested) => {
                lines.push(Line::Blank);
                emit_block(lines, indent + 1, nested);
            }
            Item::Comment(texts) => {
                if position > 0 {
                    lines.push(Line::Blank);
                }
                for text in texts {
                    comment(lines, indent + 1, text);
                }
            }
        }
    }
    lines.push(Line::Text {
        indent,
        text: "}".into(),
    });
}

/// `KEY = VALUE`: on one line when the value has one that fits (a block's own object
/// attributes always span lines), else opened, one line per element, and closed.
fn emit_attribute(lines: &mut Vec<Line>, indent: usize, key: &str, value: &Expression, top: bool) {
    let key = object_key(key);
    if let Some(text) = inline(value, top)
        && indent * 2 + key.len() + 3 + text.len() <= WIDTH
    {
        lines.push(Line::Assign {
            indent,
            key,
            value: text,
        });
        return;
    }
    match value {
        Expression::Object(entries) => {
            lines.push(Line::Text {
                indent,
                text: format!("{key} = {{"),
            });
            for (inner, value) in entries {
                emit_attribute(lines, indent + 1, inner, value, false);
            }
            lines.push(Line::Text {
                indent,
                text: "}".into(),
            });
        }
        Expression::List(items) => {
            lines.push(Line::Text {
                indent,
                text: format!("{key} = ["),
            });
            for item in items {
                emit_element(lines, indent + 1, item);
            }
            lines.push(Line::Text {
                indent,
                text: "]".into(),
            });
        }
        other => lines.push(Line::Assign {
            indent,
            key,
            value: scalar(other),
        }),
    }
}

/// One element of a list spanning lines, with its comma.
fn emit_element(lines: &mut Vec<Line>, indent: usize, item: &Expression) {
    if let Some(text) = inline(item, false)
        && indent * 2 + text.len() < WIDTH
    {
        lines.push(Line::Text {
            indent,
            text: format!("{text},"),
        });
        return;
    }
    match item {
        Expression::Object(entries) => {
            lines.push(Line::Text {
                indent,
                text: "{".into(),
            });
            for (key, value) in entries {
                emit_attribute(lines, indent + 1, key, value, false);
            }
            lines.push(Line::Text {
                indent,
                text: "},".into(),
            });
        }
        Expression::List(items) => {
            lines.push(Line::Text {
                indent,
                text: "[".into(),
            });
            for inner in items {
                emit_element(lines, indent + 1, inner);
            }
            lines.push(Line::Text {
                indent,
                text: "],".into(),
            });
        }
        other => lines.push(Line::Text {
            indent,
            text: format!("{},", scalar(other)),
        }),
    }
}

/// The one-line form of a value, when it has one: scalars, lists of scalars, and
/// (not as a block's own attribute) objects of such values.
fn inline(value: &Expression, top: bool) -> Option<String> {
    match value {
        Expression::Literal(_) | Expression::Reference(_) => Some(scalar(value)),
        Expression::List(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Expression::List(_) => None,
                    other => inline(other, false),
                })
                .collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        Expression::Object(entries) if entries.is_empty() => Some("{}".into()),
        Expression::Object(_) if top => None,
        Expression::Object(entries) => {
            let parts: Option<Vec<String>> = entries
                .iter()
                .map(|(key, value)| match value {
                    Expression::Object(_) => None,
                    other => Some(format!("{} = {}", object_key(key), inline(other, false)?)),
                })
                .collect();
            Some(format!("{{ {} }}", parts?.join(", ")))
        }
    }
}

fn scalar(value: &Expression) -> String {
    match value {
        Expression::Reference(text) => text.clone(),
        Expression::Literal(Value::String(text)) => quote(text),
        Expression::Literal(Value::Null) => "null".into(),
        Expression::Literal(other) => other.to_string(),
        other => inline(other, false).unwrap_or_default(),
    }
}

/// Words HCL reads as something else than a name where an expression may stand.
const KEYWORDS: &[&str] = &["true", "false", "null", "for", "in", "if"];

/// An object key: as it is when it is an identifier, quoted otherwise.
fn object_key(key: &str) -> String {
    let mut characters = key.chars();
    let identifier = characters
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && characters.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier && !KEYWORDS.contains(&key) {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A quoted HCL string that reads back as `text`: escapes for `\`, `"` and control
/// characters, and template sequences doubled (`$${`, `%%{`).
fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '$' | '%' if characters.peek() == Some(&'{') => {
                quoted.push(character);
                quoted.push(character);
            }
            control if control.is_control() => {
                quoted.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_align_in_runs_and_values_span_lines_when_they_must() {
        let mut store = Block::new("datastore", vec!["ldap".into(), "corp".into()]);
        store.attribute("id", Expression::string("LDAP-1"));
        store.attribute("ldap_type", Expression::string("PING_DIRECTORY"));
        store.attribute(
            "hostnames",
            Expression::from_json(&json!(["a:636", "b:636"])),
        );
        let mut channel = Block::new("channel", vec!["staff".into()]);
        channel.attribute(
            "datastore",
            Expression::Reference("datastore.ldap.corp".into()),
        );
        channel.commented_attribute(
            vec!["(!(x=1)) stays in the filter.".into()],
            "user_filter",
            Expression::string("(&(a=1)(!(x=1)))"),
        );
        channel.attribute("max_threads", Expression::from_json(&json!(4)));
        channel.attribute(
            "attribute_mapping",
            Expression::from_json(
                &json!({"username": "uid", "email": {"attributes": ["mail"], "trim": true}}),
            ),
        );
        store.nested(channel);
        store.note(vec!["`password` is not written.".into()]);
        let document = Document {
            header: vec!["Written by a test.".into()],
            blocks: vec![store, Block::new("outbound_provisioning", Vec::new())],
        };
        let rendered = hcl_text(&document);
        assert_eq!(
            rendered.text,
            r#"# Written by a test.

datastore "ldap" "corp" {
  id        = "LDAP-1"
  ldap_type = "PING_DIRECTORY"
  hostnames = ["a:636", "b:636"]

  channel "staff" {
    datastore = datastore.ldap.corp
    # (!(x=1)) stays in the filter.
    user_filter = "(&(a=1)(!(x=1)))"
    max_threads = 4
    attribute_mapping = {
      username = "uid"
      email    = { attributes = ["mail"], trim = true }
    }
  }

  # `password` is not written.
}

outbound_provisioning {
}
"#
        );
        assert_eq!(
            &rendered.text[rendered.blocks[1].clone()],
            "outbound_provisioning {\n}\n"
        );
    }

    #[test]
    fn strings_read_back_as_themselves() {
        assert_eq!(
            quote("jdbc:hsqldb:${pf.server.data.dir}"),
            r#""jdbc:hsqldb:$${pf.server.data.dir}""#
        );
        assert_eq!(quote("a \"b\" \\ %{x}\n"), r#""a \"b\" \\ %%{x}\n""#);
        assert_eq!(object_key("Base URL"), "\"Base URL\"");
        assert_eq!(object_key("firstName"), "firstName");
        assert_eq!(object_key("null"), "\"null\"");
    }
}
