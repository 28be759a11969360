//! PingFederate's error `fieldPath` (`connectionUrlTags[0].connectionUrl`) in the
//! configuration's terms (`connection_url_tags[0].connection_url`), from the fields'
//! wire paths.

use crate::model::{Field, FieldType, ResourceKind, Wire};

/// The configuration's name for a server field path, e.g. `driverClass` →
/// `driver_class`, `connectionUrlTags[0].connectionUrl` →
/// `connection_url_tags[0].connection_url`, `outboundProvision.channels[0].channelSource.baseDn`
/// → `channels[0].base_dn`. Plugin configuration paths are PingFederate's own.
pub fn configuration_path(kind: ResourceKind, wire_path: &str) -> Option<String> {
    let steps = parse_path(wire_path);
    map_path(kind.fields(), &steps, wire_path)
}

#[derive(Debug, Clone, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(&'a str),
}

fn parse_path(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut indices) = match part.find('[') {
            Some(open) => (&part[..open], &part[open..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name));
        }
        while let Some(rest) = indices.strip_prefix('[') {
            let Some(close) = rest.find(']') else { break };
            steps.push(Step::Index(&rest[..close]));
            indices = &rest[close + 1..];
        }
    }
    steps
}

fn render_steps(steps: &[Step<'_>]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn wire_keys(wire: Wire) -> Vec<&'static str> {
    match wire {
        Wire::None => Vec::new(),
        Wire::Key(key) => vec![key],
        Wire::Path(path) | Wire::Entries(path) | Wire::Tables(path) => path.to_vec(),
        Wire::Setting { list, .. } | Wire::Entry { list, .. } => list.to_vec(),
    }
}

fn map_path(fields: &'static [Field], steps: &[Step<'_>], whole: &str) -> Option<String> {
    for field in fields {
        for wire in std::iter::once(field.wire).chain(field.encrypted) {
            let keys = wire_keys(wire);
            if keys.is_empty()
                || steps.len() < keys.len()
                || !keys
                    .iter()
                    .zip(steps)
                    .all(|(key, step)| *step == Step::Key(key))
            {
                continue;
            }
            let rest = &steps[keys.len()..];
            if matches!(wire, Wire::Entries(_) | Wire::Tables(_)) {
                return Some(whole.to_string());
            }
            let nested = match field.ty {
                FieldType::ObjectList(nested) => Some(nested),
                FieldType::Blocks(nested) => Some(nested.fields),
                _ => None,
            };
            if let (Some(nested), [Step::Index(index), more @ ..]) = (nested, rest) {
                let inner = match more {
                    [] => String::new(),
                    more => match map_path(nested, more, whole) {
                        Some(mapped) => format!(".{mapped}"),
                        None => render_steps(more),
                    },
                };
                return Some(format!("{}[{index}]{inner}", field.name));
            }
            return Some(format!("{}{}", field.name, render_steps(rest)));
        }
    }
    None
}
