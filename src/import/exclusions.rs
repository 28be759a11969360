//! Exclusions recovered from a live channel's user filter.
//!
//! pingform writes a channel's effective filter as its declared filter AND NOT each
//! exclusion, the clauses after the declared parts, sorted (`ldap_filter`). Reading a
//! live filter back, a trailing run of top-level clauses `(!(attr=value))` and
//! `(!(dn-attribute=DN))` becomes exclusions and the rest stays the declared filter,
//! exactly when composing them again gives the live text: then the next plan finds
//! nothing to change. Each exclusion needs the PingOne account it keeps out; it is
//! the username the channel's mapping gives the entry (`username = "uid"` and a clause
//! on `uid`, or a DN whose first RDN is `uid=...`), which the caller looks up in
//! PingOne. A clause that cannot be attributed so stays in the filter, with the reason.
//!
//! Pure text and data: no I/O.

use crate::model::ldap_filter::{
    ExclusionMatch, Filter, effective_filter_with_dn_attribute, top_level_parts,
};

/// How the channel's mapping fills PingOne's `username`, as far as an exclusion's
/// account can be derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsernameSource {
    /// One source attribute, with the entry's parser, trimming and case.
    Attribute {
        name: String,
        parser: Option<String>,
        trim: bool,
        case: Option<String>,
    },
    /// Something pingform cannot follow (an expression, several attributes), in words.
    Unknown(String),
}

impl UsernameSource {
    /// From the decoded `attribute_mapping.username` entry: `"uid"` or the full form.
    pub fn from_mapping(entry: Option<&serde_json::Value>) -> UsernameSource {
        use serde_json::Value;
        let Some(entry) = entry else {
            return UsernameSource::Unknown("the channel maps no `username`".into());
        };
        match entry {
            Value::String(name) => UsernameSource::Attribute {
                name: name.clone(),
                parser: None,
                trim: false,
                case: None,
            },
            Value::Object(fields) => {
                if fields.get("expression").is_some() {
                    return UsernameSource::Unknown(
                        "the channel maps `username` through an expression".into(),
                    );
                }
                let names: Vec<&str> = fields
                    .get("attributes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let [name] = names.as_slice() else {
                    return UsernameSource::Unknown(format!(
                        "the channel maps `username` from {} source attributes",
                        names.len()
                    ));
                };
                let text = |key: &str| {
                    fields
                        .get(key)
                        .and_then(Value::as_str)
                        .filter(|v| *v != "NONE")
                        .map(str::to_string)
                };
                UsernameSource::Attribute {
                    name: name.to_string(),
                    parser: text("parser"),
                    trim: fields.get("trim") == Some(&Value::Bool(true)),
                    case: text("character_case"),
                }
            }
            _ => UsernameSource::Unknown("the channel's `username` mapping is not readable".into()),
        }
    }

    /// The PingOne username the mapping gives the entry an exclusion matches, or why
    /// there is none.
    pub fn username(&self, exclusion: &ExclusionMatch) -> Result<String, String> {
        let UsernameSource::Attribute {
            name,
            parser,
            trim,
            case,
        } = self
        else {
            let UsernameSource::Unknown(why) = self else {
                unreachable!("two variants")
            };
            return Err(why.clone());
        };
        let value = match exclusion {
            ExclusionMatch::Attribute {
                name: attribute,
                value,
            } if attribute.eq_ignore_ascii_case(name) => value.clone(),
            ExclusionMatch::Attribute {
                name: attribute, ..
            } => {
                return Err(format!(
                    "the channel maps `username` from `{name}`, and the clause matches `{attribute}`"
                ));
            }
            ExclusionMatch::DistinguishedName(dn) => match first_rdn(dn) {
                Some((attribute, value)) if attribute.eq_ignore_ascii_case(name) => value,
                _ => {
                    return Err(format!(
                        "the channel maps `username` from `{name}`, and the DN does not start with `{name}=`"
                    ));
                }
            },
        };
        let mut username = match parser.as_deref() {
            None => value,
            Some("EXTRACT_USERNAME_FROM_EMAIL") => {
                value.split('@').next().unwrap_or_default().to_string()
            }
            Some("EXTRACT_CN_FROM_DN") => {
                match first_rdn(&value)
                    .filter(|(attribute, _)| attribute.eq_ignore_ascii_case("cn"))
                {
                    Some((_, cn)) => cn,
                    None => {
                        return Err(format!(
                            "the channel extracts the CN from `{name}`, and `{value}` does not start with `cn=`"
                        ));
                    }
                }
            }
            Some(other) => {
                return Err(format!(
                    "the channel parses `username` with {other}, which pingform does not know"
                ));
            }
        };
        if *trim {
            username = username.trim().to_string();
        }
        match case.as_deref() {
            Some("LOWER") => username = username.to_lowercase(),
            Some("UPPER") => username = username.to_uppercase(),
            _ => {}
        }
        if username.is_empty() {
            return Err("the mapping gives the entry an empty username".into());
        }
        Ok(username)
    }
}

/// The attribute and unescaped value of a DN's first RDN (`uid=pingone-admin`), when
/// it is single-valued.
fn first_rdn(dn: &str) -> Option<(String, String)> {
    let (attribute, rest) = dn.split_once('=')?;
    let mut value = String::new();
    let mut characters = rest.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            ',' | ';' => break,
            '+' => return None,
            '\\' => {
                let first = characters.next()?;
                if first.is_ascii_hexdigit() {
                    let second = characters.next()?;
                    let byte = u8::from_str_radix(&format!("{first}{second}"), 16).ok()?;
                    value.push(char::from(byte));
                } else {
                    value.push(first);
                }
            }
            other => value.push(other),
        }
    }
    let attribute = attribute.trim();
    (!attribute.is_empty()).then(|| (attribute.to_string(), value.trim().to_string()))
}

/// What one channel's live filter comes to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovered {
    /// The declared filter that remains (`None`: none).
    pub filter: Option<String>,
    /// The clauses that become exclusions, with the username the mapping gives.
    pub exclusions: Vec<(ExclusionMatch, String)>,
    /// Clauses that stay in the filter, with why, for a comment.
    pub kept: Vec<(String, String)>,
    /// Clauses of exclusions the configuration already applies to every channel that
    /// the live filter lacks (the channel cannot be imported as it is).
    pub missing: Vec<String>,
}

/// Reads a live filter back into a declared filter and exclusions.
///
/// `existing` are exclusions the configuration already applies to every channel (by
/// name): their clauses must be in the filter and are taken out, without new blocks.
/// With `group_dn`, nothing is taken out: pingform refuses exclusions on a channel
/// that selects users by group.
pub fn recover(
    live: Option<&str>,
    dn_attribute: &str,
    source: &UsernameSource,
    existing: &[(String, ExclusionMatch)],
    selects_by_group: bool,
) -> Recovered {
    let mut recovered = Recovered {
        filter: live.map(str::to_string),
        ..Recovered::default()
    };
    let Some(live) = live.filter(|text| !text.trim().is_empty()) else {
        recovered.missing = existing.iter().map(|(name, _)| name.clone()).collect();
        return recovered;
    };
    let Ok(parts) = top_level_parts(live) else {
        recovered.missing = existing.iter().map(|(name, _)| name.clone()).collect();
        return recovered;
    };
    // Each part that is a negated equality: the exclusion it would be, and either the
    // username its account has or why it has none.
    let candidates: Vec<Option<Candidate>> = parts
        .iter()
        .map(|(text, filter)| candidate(text, filter, dn_attribute, source, existing))
        .collect();
    if selects_by_group {
        recovered.kept = candidates
            .iter()
            .flatten()
            .map(|c| {
                (
                    c.text.clone(),
                    "the channel selects users by `group_dn`, and pingform keeps exclusions off such channels (PingFederate does not document whether the filter narrows a group's members)".to_string(),
                )
            })
            .collect();
        recovered.missing = existing.iter().map(|(name, _)| name.clone()).collect();
        return recovered;
    }
    let existing_matches: Vec<ExclusionMatch> =
        existing.iter().map(|(_, found)| found.clone()).collect();
    // The longest trailing run of clauses that composes back to the live text.
    let mut chosen: Option<usize> = None;
    for start in 0..=parts.len() {
        let run = &candidates[start..];
        if run.iter().any(|c| {
            c.as_ref()
                .is_none_or(|c| c.username.is_err() && !c.existing)
        }) {
            continue;
        }
        let declared = declared_filter(&parts[..start]);
        let mut matches = existing_matches.clone();
        matches.extend(
            run.iter()
                .flatten()
                .filter(|c| !c.existing)
                .map(|c| c.exclusion.clone()),
        );
        let composed =
            effective_filter_with_dn_attribute(declared.as_deref(), &matches, dn_attribute);
        if composed.as_deref() == Some(live) {
            chosen = Some(start);
            break;
        }
    }
    let Some(start) = chosen else {
        recovered.missing = existing
            .iter()
            .filter(|(_, found)| {
                !candidates
                    .iter()
                    .flatten()
                    .any(|c| c.existing && &c.exclusion == found)
            })
            .map(|(name, _)| name.clone())
            .collect();
        if recovered.missing.is_empty() {
            // Present, but not where pingform would compose them.
            recovered.missing = existing.iter().map(|(name, _)| name.clone()).collect();
        }
        recovered.kept = kept_reasons(&candidates);
        return recovered;
    };
    recovered.filter = declared_filter(&parts[..start]);
    recovered.exclusions = candidates[start..]
        .iter()
        .flatten()
        .filter(|c| !c.existing)
        .filter_map(|c| Some((c.exclusion.clone(), c.username.clone().ok()?)))
        .collect();
    recovered.kept = kept_reasons(&candidates[..start]);
    recovered
}

struct Candidate {
    text: String,
    exclusion: ExclusionMatch,
    /// An exclusion the configuration already has.
    existing: bool,
    username: Result<String, String>,
}

fn candidate(
    text: &str,
    filter: &Filter,
    dn_attribute: &str,
    source: &UsernameSource,
    existing: &[(String, ExclusionMatch)],
) -> Option<Candidate> {
    let Filter::Not(inner) = filter else {
        return None;
    };
    let Filter::Equality { attribute, value } = inner.as_ref() else {
        return None;
    };
    let value = String::from_utf8(value.clone()).ok()?;
    let exclusion = if attribute == dn_attribute {
        ExclusionMatch::DistinguishedName(value)
    } else {
        ExclusionMatch::Attribute {
            name: attribute.clone(),
            value,
        }
    };
    let existing = existing.iter().any(|(_, found)| {
        found.clause_with_dn_attribute(dn_attribute)
            == exclusion.clause_with_dn_attribute(dn_attribute)
    });
    Some(Candidate {
        text: text.to_string(),
        username: source.username(&exclusion),
        exclusion,
        existing,
    })
}

/// The declared filter that a run of top-level parts stands for.
fn declared_filter(parts: &[(String, Filter)]) -> Option<String> {
    match parts {
        [] => None,
        [(text, _)] => Some(text.clone()),
        several => Some(format!(
            "(&{})",
            several
                .iter()
                .map(|(text, _)| text.as_str())
                .collect::<String>()
        )),
    }
}

/// Why each clause among `candidates` stays in the filter.
fn kept_reasons(candidates: &[Option<Candidate>]) -> Vec<(String, String)> {
    candidates
        .iter()
        .flatten()
        .filter(|c| !c.existing)
        .map(|c| {
            let why = match &c.username {
                Err(why) => format!("{why}, so no PingOne account can be named for it"),
                Ok(_) => "pingform writes exclusions after the rest of the filter, sorted; taking it out would change the live filter's text".to_string(),
            };
            (c.text.clone(), why)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid() -> UsernameSource {
        UsernameSource::from_mapping(Some(&serde_json::json!("uid")))
    }

    fn attribute(name: &str, value: &str) -> ExclusionMatch {
        ExclusionMatch::Attribute {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn trailing_clauses_become_exclusions_and_the_rest_stays_declared() {
        let live = "(&(objectClass=inetOrgPerson)(!(entryDN=uid=svc,ou=people,dc=x))(!(uid=pingone-admin)))";
        let recovered = recover(Some(live), "entryDN", &uid(), &[], false);
        assert_eq!(
            recovered.filter.as_deref(),
            Some("(objectClass=inetOrgPerson)")
        );
        assert_eq!(
            recovered.exclusions,
            [
                (
                    ExclusionMatch::DistinguishedName("uid=svc,ou=people,dc=x".into()),
                    "svc".to_string()
                ),
                (
                    attribute("uid", "pingone-admin"),
                    "pingone-admin".to_string()
                ),
            ]
        );
        assert!(recovered.kept.is_empty());
        // Composing them again gives the live text.
        let matches: Vec<ExclusionMatch> = recovered
            .exclusions
            .iter()
            .map(|(m, _)| m.clone())
            .collect();
        assert_eq!(
            effective_filter_with_dn_attribute(recovered.filter.as_deref(), &matches, "entryDN")
                .as_deref(),
            Some(live)
        );
    }

    #[test]
    fn a_clause_no_account_can_be_named_for_stays_with_its_reason() {
        let live = "(&(objectClass=person)(!(employeeNumber=7))(!(uid=a)))";
        let recovered = recover(Some(live), "entryDN", &uid(), &[], false);
        assert_eq!(
            recovered.filter.as_deref(),
            Some("(&(objectClass=person)(!(employeeNumber=7)))")
        );
        assert_eq!(
            recovered.exclusions,
            [(attribute("uid", "a"), "a".to_string())]
        );
        assert_eq!(
            recovered.kept,
            [(
                "(!(employeeNumber=7))".to_string(),
                "the channel maps `username` from `uid`, and the clause matches `employeeNumber`, so no PingOne account can be named for it".to_string()
            )]
        );

        // `uid=a` would have to come out from before a clause that stays: nothing moves.
        let live = "(&(objectClass=person)(!(uid=a))(!(employeeNumber=7)))";
        let recovered = recover(Some(live), "entryDN", &uid(), &[], false);
        assert_eq!(recovered.filter.as_deref(), Some(live));
        assert!(recovered.exclusions.is_empty());
        assert_eq!(recovered.kept.len(), 2);
        assert!(
            recovered.kept[0]
                .1
                .starts_with("pingform writes exclusions after")
        );
    }

    #[test]
    fn a_filter_pingform_would_write_otherwise_is_left_alone() {
        // Spaces between the parts, a lone clause wrapped in an AND: composing would
        // change the text, so nothing comes out.
        for live in ["(&(objectClass=person) (!(uid=a)))", "(&(!(uid=a)))"] {
            let recovered = recover(Some(live), "entryDN", &uid(), &[], false);
            assert_eq!(recovered.filter.as_deref(), Some(live), "{live}");
            assert!(recovered.exclusions.is_empty(), "{live}");
        }
        // Clauses out of order: only the last one can come out.
        let live = "(&(objectClass=person)(!(uid=b))(!(uid=a)))";
        let recovered = recover(Some(live), "entryDN", &uid(), &[], false);
        assert_eq!(
            recovered.filter.as_deref(),
            Some("(&(objectClass=person)(!(uid=b)))")
        );
        assert_eq!(
            recovered.exclusions,
            [(attribute("uid", "a"), "a".to_string())]
        );
        assert_eq!(recovered.kept[0].0, "(!(uid=b))");
        // A clause alone is the whole filter, and no filter remains.
        let recovered = recover(Some("(!(uid=a))"), "entryDN", &uid(), &[], false);
        assert_eq!(recovered.filter, None);
        assert_eq!(recovered.exclusions.len(), 1);
    }

    #[test]
    fn exclusions_the_configuration_applies_everywhere_are_taken_out_or_reported_missing() {
        let existing = [("admin".to_string(), attribute("uid", "admin"))];
        let live = "(&(objectClass=person)(!(uid=admin))(!(uid=zed)))";
        let recovered = recover(Some(live), "entryDN", &uid(), &existing, false);
        assert_eq!(recovered.filter.as_deref(), Some("(objectClass=person)"));
        assert_eq!(
            recovered.exclusions,
            [(attribute("uid", "zed"), "zed".to_string())]
        );
        assert!(recovered.missing.is_empty());

        let recovered = recover(
            Some("(objectClass=person)"),
            "entryDN",
            &uid(),
            &existing,
            false,
        );
        assert_eq!(recovered.missing, ["admin"]);
    }

    #[test]
    fn usernames_follow_the_mapping() {
        let mail = UsernameSource::from_mapping(Some(&serde_json::json!({
            "attributes": ["mail"], "parser": "EXTRACT_USERNAME_FROM_EMAIL", "character_case": "LOWER"
        })));
        assert_eq!(
            mail.username(&attribute("MAIL", "Admin@corp.example")),
            Ok("admin".into())
        );
        assert!(mail.username(&attribute("uid", "admin")).is_err());
        let dn = ExclusionMatch::DistinguishedName("uid=svc\\2c1,ou=people,dc=x".into());
        assert_eq!(uid().username(&dn), Ok("svc,1".into()));
        let expression = UsernameSource::from_mapping(Some(&serde_json::json!({
            "attributes": ["givenName", "sn"], "expression": "#givenName + #sn"
        })));
        assert_eq!(
            expression.username(&attribute("uid", "x")),
            Err("the channel maps `username` through an expression".into())
        );
    }

    #[test]
    fn a_channel_selecting_by_group_keeps_its_clauses() {
        let recovered = recover(Some("(&(a=1)(!(uid=x)))"), "entryDN", &uid(), &[], true);
        assert_eq!(recovered.filter.as_deref(), Some("(&(a=1)(!(uid=x)))"));
        assert!(recovered.exclusions.is_empty());
        assert!(recovered.kept[0].1.contains("group_dn"));
    }
}
