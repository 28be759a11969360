//! The SCIM filter that finds a batch of users by username in one request, and its
//! split into chunks when one filter would make the URL too long.
//!
//! `username eq "a" or username eq "b"`: PingOne compares usernames
//! case-insensitively, so names that differ only in case are asked for once. String
//! values escape `\` and `"` as SCIM (RFC 7644 §3.4.2.2, JSON string rules) asks.

use crate::provider::percent::percent_encoded_length;

/// The longest URL pingform sends: well under the 8 KiB many proxies allow, and a
/// size PingOne accepts for filtered lists.
pub(crate) const MAX_URL_LENGTH: usize = 2_000;

const OR: &str = " or ";

/// `value` as a SCIM string literal, quotes included.
pub(crate) fn scim_string(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('"');
    for character in value.chars() {
        match character {
            '\\' => literal.push_str("\\\\"),
            '"' => literal.push_str("\\\""),
            _ => literal.push(character),
        }
    }
    literal.push('"');
    literal
}

/// The filters to send for `usernames`, each short enough that its percent-encoded
/// form fits `budget` characters (the URL length left once the rest of the URL is
/// counted). Usernames are deduplicated case-insensitively, first spelling kept, in
/// input order. A single name longer than the budget still gets a filter of its own
/// (PingOne usernames are at most 128 characters, so this does not happen with a
/// sane budget). No usernames, no filters.
pub(crate) fn username_filters(usernames: &[String], budget: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut filters = Vec::new();
    let mut current = String::new();
    let mut current_length = 0;
    let or_length = percent_encoded_length(OR);
    for username in usernames {
        if !seen.insert(username.to_lowercase()) {
            continue;
        }
        let clause = format!("username eq {}", scim_string(username));
        let clause_length = percent_encoded_length(&clause);
        if current.is_empty() {
            current = clause;
            current_length = clause_length;
        } else if current_length + or_length + clause_length <= budget {
            current.push_str(OR);
            current.push_str(&clause);
            current_length += or_length + clause_length;
        } else {
            filters.push(std::mem::replace(&mut current, clause));
            current_length = clause_length;
        }
    }
    if !current.is_empty() {
        filters.push(current);
    }
    filters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::percent::percent_encode;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn one_filter_asks_for_the_whole_batch() {
        assert_eq!(
            username_filters(&names(&["alice", "bob@example.com"]), MAX_URL_LENGTH),
            vec![r#"username eq "alice" or username eq "bob@example.com""#]
        );
        assert!(username_filters(&[], MAX_URL_LENGTH).is_empty());
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(scim_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            username_filters(&names(&[r#"x" or username pr or "#]), MAX_URL_LENGTH),
            vec![r#"username eq "x\" or username pr or ""#]
        );
    }

    #[test]
    fn names_differing_only_in_case_are_asked_for_once() {
        assert_eq!(
            username_filters(&names(&["JDoe", "jdoe", "other", "JDOE"]), MAX_URL_LENGTH),
            vec![r#"username eq "JDoe" or username eq "other""#]
        );
    }

    #[test]
    fn long_batches_are_chunked_to_the_budget_without_losing_a_name() {
        let usernames: Vec<String> = (0..200)
            .map(|index| format!("user-{index:03}@corp.example.com"))
            .collect();
        let budget = 1_000;
        let filters = username_filters(&usernames, budget);
        assert!(filters.len() > 1, "{} filter(s)", filters.len());
        for filter in &filters {
            assert!(percent_encode(filter).len() <= budget);
        }
        // Chunks are full: adding the next chunk's first clause would exceed the budget.
        for pair in filters.windows(2) {
            let first_of_next = pair[1].split(" or ").next().unwrap();
            let joined = format!("{} or {first_of_next}", pair[0]);
            assert!(percent_encode(&joined).len() > budget);
        }
        let asked: Vec<String> = filters
            .iter()
            .flat_map(|filter| filter.split(" or "))
            .map(|clause| {
                clause
                    .trim_start_matches("username eq \"")
                    .trim_end_matches('"')
                    .to_string()
            })
            .collect();
        assert_eq!(asked, usernames);
    }

    #[test]
    fn a_name_longer_than_the_budget_still_gets_its_own_filter() {
        let filters = username_filters(&names(&["a", &"x".repeat(50), "b"]), 40);
        assert_eq!(filters.len(), 3);
    }
}
