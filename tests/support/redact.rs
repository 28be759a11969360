//! Redaction of the volatile parts of output before it is snapshotted: the sandbox's
//! port, elapsed times, and ids the sandbox generated.
//!
//! `redact` is what the older snapshots were taken with (port and durations only; the
//! PingOne ids in them come from the sandbox's fixed default seed). New snapshots also
//! go through [`Ids`], which numbers every UUID in order of first appearance, so a
//! snapshot still shows which values are the same id without depending on the seed.

use serde_json::Value;

use super::sandbox_process::SandboxProcess;

/// Replaces the sandbox's port and elapsed times so output can be snapshotted.
pub fn redact(text: &str, sandbox: &SandboxProcess) -> String {
    redact_durations(&text.replace(&sandbox.root(), "https://127.0.0.1:[PORT]"))
}

/// `... complete after 0.1s [id=x]` becomes `... complete after [TIME] [id=x]`.
pub fn redact_durations(text: &str) -> String {
    let mut redacted = String::with_capacity(text.len());
    for line in text.lines() {
        let line = match line.find(" complete after ") {
            Some(index) => {
                let rest = &line[index + " complete after ".len()..];
                let after = rest.find(' ').map(|i| &rest[i..]).unwrap_or("");
                format!("{} complete after [TIME]{after}", &line[..index])
            }
            None => line.to_string(),
        };
        redacted.push_str(&line);
        redacted.push('\n');
    }
    redacted
}

/// Numbers UUIDs in order of first appearance (`[ID-1]`, `[ID-2]`, ...), except those
/// given a name up front (`[ENVIRONMENT_ID]`).
pub struct Ids {
    named: Vec<(String, String)>,
    seen: Vec<String>,
}

impl Ids {
    pub fn new(named: &[(&str, &str)]) -> Ids {
        Ids {
            named: named
                .iter()
                .map(|(id, name)| (id.to_string(), format!("[{name}]")))
                .collect(),
            seen: Vec::new(),
        }
    }

    pub fn text(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((start, end)) = find_uuid(rest) {
            out.push_str(&rest[..start]);
            out.push_str(&self.label(&rest[start..end]));
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// Redacts every string in `value`, object keys included, in document order.
    pub fn json(&mut self, value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.text(&text)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (self.text(&key), self.json(value)))
                    .collect(),
            ),
            other => other,
        }
    }

    fn label(&mut self, id: &str) -> String {
        if let Some((_, name)) = self.named.iter().find(|(known, _)| known == id) {
            return name.clone();
        }
        let index = match self.seen.iter().position(|seen| seen == id) {
            Some(index) => index,
            None => {
                self.seen.push(id.to_string());
                self.seen.len() - 1
            }
        };
        format!("[ID-{}]", index + 1)
    }
}

/// The byte range of the first UUID (`8-4-4-4-12` hex digits) in `text` that is not
/// part of a longer run of hex digits.
fn find_uuid(text: &str) -> Option<(usize, usize)> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    const LENGTH: usize = 36;
    let bytes = text.as_bytes();
    let is_hex = |b: u8| b.is_ascii_hexdigit();
    (0..bytes.len().saturating_sub(LENGTH - 1)).find_map(|start| {
        if start > 0 && (is_hex(bytes[start - 1]) || bytes[start - 1] == b'-') {
            return None;
        }
        let mut at = start;
        for (index, group) in GROUPS.iter().enumerate() {
            if index > 0 {
                if bytes[at] != b'-' {
                    return None;
                }
                at += 1;
            }
            if !bytes[at..at + group].iter().all(|&b| is_hex(b)) {
                return None;
            }
            at += group;
        }
        let followed = bytes.get(at).is_some_and(|&b| is_hex(b) || b == b'-');
        (!followed).then_some((start, at))
    })
}

#[test]
fn uuids_are_numbered_in_order_of_first_appearance_and_named_ones_keep_their_name() {
    let mut ids = Ids::new(&[("8f3c2a10-5b7e-4d21-9a64-0c1d2e3f4a5b", "ENVIRONMENT_ID")]);
    let text = "env 8f3c2a10-5b7e-4d21-9a64-0c1d2e3f4a5b, pop 9a9a0000-0000-4000-8000-000000000001 \
                (9a9a0000-0000-4000-8000-000000000001), user 5E5E0000-0000-4000-8000-000000000000, \
                not 9a9a0000-0000-4000-8000-0000000000011 nor 9a9a0000-0000-4000-8000-00000000";
    assert_eq!(
        ids.text(text),
        "env [ENVIRONMENT_ID], pop [ID-1] ([ID-1]), user [ID-2], \
         not 9a9a0000-0000-4000-8000-0000000000011 nor 9a9a0000-0000-4000-8000-00000000"
    );
    let json = serde_json::json!({"9a9a0000-0000-4000-8000-000000000002": ["workforce|5E5E0000-0000-4000-8000-000000000000"]});
    assert_eq!(
        ids.json(json),
        serde_json::json!({"[ID-3]": ["workforce|[ID-2]"]})
    );
}

#[test]
fn durations_are_redacted_and_the_id_after_them_kept() {
    assert_eq!(
        redact_durations(
            "a: Creation complete after 0.1s [id=a]\nb: Modifications complete after 12.0s\nc"
        ),
        "a: Creation complete after [TIME] [id=a]\nb: Modifications complete after [TIME]\nc\n"
    );
}
