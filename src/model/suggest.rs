//! Wording helpers every message uses: "did you mean", name lists and articles. Pure.

/// "did you mean `x`?" for the closest candidate, when one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

/// Lists names for a hint: "`a`, `b` or `c`".
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// "a JDBC data store", "an LDAP data store".
pub fn with_article(text: &str) -> String {
    let article = if text.starts_with("LDAP") || text.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_lists_and_articles_read_naturally() {
        assert_eq!(
            did_you_mean("conection_url", ["connection_url", "name"]).as_deref(),
            Some("did you mean `connection_url`?")
        );
        assert_eq!(did_you_mean("zzz", ["connection_url"]), None);
        assert_eq!(list_names(["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(list_names(["a"]), "`a`");
        assert_eq!(with_article("LDAP data store"), "an LDAP data store");
        assert_eq!(with_article("JDBC data store"), "a JDBC data store");
    }
}
