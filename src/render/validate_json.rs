//! `validate --json`: the outcome and every diagnostic (errors and warnings) as one
//! JSON document, each with its file, line and column (1-based), code, message and
//! hint, for editors and CI annotations.

use std::io::{self, Write};

use miette::Diagnostic;
use serde_json::{Value, json};

/// The document's format version; fields are only added within a major version.
pub const VALIDATE_FORMAT_VERSION: &str = "1.0";

/// One diagnostic as JSON. `severity` is `error` or `warning`.
pub fn diagnostic_json(diagnostic: &dyn Diagnostic, severity: &str) -> Value {
    let mut place = (Value::Null, Value::Null, Value::Null);
    if let (Some(source), Some(label)) = (
        diagnostic.source_code(),
        diagnostic.labels().and_then(|mut labels| labels.next()),
    ) && let Ok(contents) = source.read_span(label.inner(), 0, 0)
    {
        place = (
            json!(contents.name()),
            json!(contents.line() + 1),
            json!(contents.column() + 1),
        );
    }
    json!({
        "severity": severity,
        "code": diagnostic.code().map(|code| code.to_string()),
        "message": diagnostic.to_string(),
        "file": place.0,
        "line": place.1,
        "column": place.2,
        "help": diagnostic.help().map(|help| help.to_string()),
    })
}

/// The whole document: `valid`, the objects declared (when valid), the inputs left
/// unknown, and the diagnostics.
pub fn validate_json(
    objects: Option<usize>,
    diagnostics: &[Value],
    unknowns: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = json!({
        "format_version": VALIDATE_FORMAT_VERSION,
        "valid": objects.is_some(),
        "objects": objects,
        "unknown_inputs": unknowns,
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
