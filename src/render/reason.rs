//! Why a change is planned, in words: one sentence per typed reason.

use serde_json::Value;

use crate::plan::Reason;

pub fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::DeletedOutside => "it was deleted outside pingform".into(),
        Reason::RenamedFrom { from, id } => format!("renamed from {from}; the id stays `{id}`"),
        Reason::AdoptedSettings => "pingform will manage these settings from now on".into(),
        Reason::Adopted => {
            "it exists in PingFederate already; pingform will manage it from now on".into()
        }
        Reason::PartAdded { part } => format!(
            "PingFederate holds the connection without `{part}`: it is added, and everything else in the connection is kept"
        ),
        Reason::PartRemoved { part } => format!(
            "removed from the configuration: the connection also carries SSO, so only its `{part}` is removed and the connection stays"
        ),
        Reason::TypeChanges { from, to } => {
            format!("the type changes from {from} to {to}, which PingFederate cannot do in place")
        }
        Reason::FieldForcesReplacement => {
            "a field that PingFederate cannot change in place differs".into()
        }
        Reason::ReplaceRequested => {
            "replacement requested with --replace: deleted, then created again".into()
        }
        Reason::Forgotten => {
            "it is gone from PingFederate and from the configuration; pingform forgets it".into()
        }
        Reason::RemovedDefaultsReturn { defaults } => {
            let values: Vec<String> = defaults
                .iter()
                .map(|(name, value)| match value {
                    Value::String(text) => format!("{name} `{text}`"),
                    other => format!("{name} {other}"),
                })
                .collect();
            format!(
                "removed from the configuration: PingFederate's defaults come back ({})",
                values.join(", ")
            )
        }
        Reason::Removed => "removed from the configuration".into(),
        Reason::ExclusionNotEnforced { exclusion, channel } => format!(
            "exclusion `{exclusion}` is not enforced by the live user filter of channel `{}`",
            channel.channel
        ),
    }
}
