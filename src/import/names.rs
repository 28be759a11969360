//! Block names for imported objects: derived from what a person calls the object (its
//! name, else its id), valid as HCL block names, unique among the names already taken,
//! and stable from run to run (the same objects always get the same names).

use std::collections::BTreeSet;

/// The longest name derived, in characters: longer names are cut at a word boundary.
const MAX_LENGTH: usize = 40;

/// `Corp Directory (AD)` → `corp_directory_ad`: lower case, every run of other
/// characters than letters and digits one `_`, none at either end, cut at a word
/// boundary to at most 40 characters; `fallback` when nothing is left, and `fallback_`
/// in front of a name that would start with a digit.
pub fn slug(text: &str, fallback: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            current.push(character.to_ascii_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut name = String::new();
    for word in words {
        let extra = if name.is_empty() { 0 } else { 1 };
        if !name.is_empty() && name.len() + extra + word.len() > MAX_LENGTH {
            break;
        }
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(&word);
    }
    name.truncate(MAX_LENGTH);
    if name.is_empty() {
        return fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("{fallback}_{name}");
    }
    name
}

/// Whether an id looks made up by PingFederate rather than chosen by a person
/// (`LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3`, `IENFjGICXt3YsBKNxHSzkN28LWg`):
/// one of its parts is a run of 16 or more letters and digits with a digit in it.
pub fn looks_generated(id: &str) -> bool {
    id.split(['-', '_', '.']).any(|part| {
        part.len() >= 16
            && part.chars().all(|c| c.is_ascii_alphanumeric())
            && part.chars().any(|c| c.is_ascii_digit())
    })
}

/// The names taken in one name space (the blocks of one type and kind, or the
/// exclusions).
#[derive(Debug, Clone, Default)]
pub struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    pub fn new(taken: impl IntoIterator<Item = String>) -> Names {
        Names {
            taken: taken.into_iter().collect(),
        }
    }

    /// `wanted`, or `wanted_2`, `wanted_3`, ... when it is taken; the name is taken
    /// from then on.
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut number = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}_{number}");
            number += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Takes `name` as it is (a name the state already uses for the object).
    pub fn keep(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_words_joined_by_underscores() {
        assert_eq!(slug("ProvisionerDS (sa)", "store"), "provisionerds_sa");
        assert_eq!(slug("Corp Directory -- AD", "store"), "corp_directory_ad");
        assert_eq!(slug("pingone-admin", "account"), "pingone_admin");
        assert_eq!(slug("  ", "store"), "store");
        assert_eq!(slug("2nd directory", "ldap"), "ldap_2nd_directory");
        assert_eq!(slug("Grüße", "x"), "gr_e");
        let long = slug(
            "jdbc:postgresql://db.corp.example.com:5432/pf_provisioner (pf_provisioner)",
            "jdbc",
        );
        assert_eq!(long, "jdbc_postgresql_db_corp_example_com_5432");
        assert!(long.len() <= 40);
    }

    #[test]
    fn generated_ids_are_told_from_chosen_ones() {
        assert!(looks_generated(
            "LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3"
        ));
        assert!(looks_generated("IENFjGICXt3YsBKNxHSzkN28LWg"));
        assert!(!looks_generated("ProvisionerDS"));
        assert!(!looks_generated("corp_directory"));
        assert!(!looks_generated("provisioningconnectionpingone"));
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let mut names = Names::new(["corp".to_string()]);
        assert_eq!(names.claim("corp"), "corp_2");
        assert_eq!(names.claim("corp"), "corp_3");
        assert_eq!(names.claim("hr"), "hr");
    }
}
