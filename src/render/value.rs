//! Values written the way HCL writes them: `"text"`, `true`, `42`, `["a", "b"]`,
//! `{ "key" = "value" }`.

use serde_json::Value;

pub fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Several lines, indented by `indent`, for values too long for one line.
pub fn multiline(value: &Value, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    match value {
        Value::String(s) if s.contains('\n') => {
            let mut lines = vec!["<<-EOT".to_string()];
            lines.extend(s.lines().map(|l| format!("{pad}    {l}")));
            lines.push(format!("{pad}EOT"));
            lines
        }
        Value::Array(items) if !items.is_empty() => {
            let mut lines = vec!["[".to_string()];
            for item in items {
                let mut rendered = compact(item, indent + 4);
                rendered[0] = format!("{pad}    {}", rendered[0]);
                if let Some(last) = rendered.last_mut() {
                    last.push(',');
                }
                lines.extend(rendered);
            }
            lines.push(format!("{pad}]"));
            lines
        }
        Value::Object(map) if !map.is_empty() => {
            let width = map.keys().map(|k| key(k).len()).max().unwrap_or(0);
            let mut lines = vec!["{".to_string()];
            for (k, v) in map {
                let mut rendered = compact(v, indent + 4);
                rendered[0] = format!("{pad}    {:width$} = {}", key(k), rendered[0]);
                lines.extend(rendered);
            }
            lines.push(format!("{pad}}}"));
            lines
        }
        other => vec![inline(other)],
    }
}

/// One line when it fits, several when it does not.
fn compact(value: &Value, indent: usize) -> Vec<String> {
    if is_long(value) {
        multiline(value, indent)
    } else {
        vec![inline(value)]
    }
}

/// Whether the value reads better over several lines.
pub fn is_long(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\n'),
        Value::Array(_) | Value::Object(_) => inline(value).len() > 60,
        _ => false,
    }
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !text.starts_with(|c: char| c.is_ascii_digit());
    if bare { text.to_string() } else { quote(text) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_like_hcl() {
        assert_eq!(inline(&json!("a\"b")), r#""a\"b""#);
        assert_eq!(inline(&json!(["x:1", "y:2"])), r#"["x:1", "y:2"]"#);
        assert_eq!(
            inline(&json!({"Base URL": "u", "k": 1})),
            r#"{ "Base URL" = "u", k = 1 }"#
        );
    }

    #[test]
    fn long_values_spread_over_lines_and_short_parts_stay_inline() {
        let long_url = "jdbc:postgresql://primary.db.example.com:5432/pf_provisioner";
        let lines = multiline(
            &json!([
                {"connection_url": "jdbc:x", "default_source": true},
                {"connection_url": long_url, "tags": "dc1 dc2"}
            ]),
            6,
        );
        assert_eq!(
            lines,
            [
                "[".to_string(),
                "          { connection_url = \"jdbc:x\", default_source = true },".to_string(),
                "          {".to_string(),
                format!("              connection_url = \"{long_url}\""),
                "              tags           = \"dc1 dc2\"".to_string(),
                "          },".to_string(),
                "      ]".to_string(),
            ]
        );
    }
}
