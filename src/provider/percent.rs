//! Percent-encoding for query values, path segments and form bodies.
//!
//! Everything except the RFC 3986 unreserved characters is encoded, so one function
//! serves a path segment, a query value and an `application/x-www-form-urlencoded`
//! field (where `%20` for a space is as valid as `+`).

/// `value` with every byte outside `A-Z a-z 0-9 - . _ ~` written as `%XX`.
pub(crate) fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The length [`percent_encode`] would produce, without building the string.
pub(crate) fn percent_encoded_length(value: &str) -> usize {
    value
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                1
            } else {
                3
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(
            percent_encode(r#"username eq "a&b""#),
            "username%20eq%20%22a%26b%22"
        );
        assert_eq!(percent_encode("p+s/=?%"), "p%2Bs%2F%3D%3F%25");
        assert_eq!(percent_encode("é"), "%C3%A9");
        for text in ["", "abc", "a b", "é&\"\\"] {
            assert_eq!(percent_encoded_length(text), percent_encode(text).len());
        }
    }
}
