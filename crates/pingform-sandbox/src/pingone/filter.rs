//! The SCIM-style `filter` query parameter of PingOne collections (reference §3.3): a
//! parser for the subset the sandbox supports and its evaluation against a resource.
//!
//! Grammar: `expression := conjunction ("or" conjunction)*`,
//! `conjunction := term ("and" term)*`, `term := "(" expression ")" | attribute
//! operator value`; `and`/`or` and operators are case-insensitive; a value is a
//! double-quoted string (with `\"` and `\\` escapes), `true`, `false` or a bare number.
//! Each collection says which attributes and which operators per attribute it supports
//! (`Supported`); anything else is a 400 `INVALID_DATA` / `INVALID_FILTER` whose
//! `innerError` lists `supportedAttributes` or `supportedOperators`.
//!
//! Comparison is case-insensitive for every operator (`eq`, `sw`, `ew`, `co`). Source:
//! `reference/pingone-api.md` §3.3 (`eq` on usernames and names is case-insensitive, a
//! maintainer's note in terraform-provider-pingone PR #1127; usernames are matched
//! case-insensitively, §6); ids are lower-case UUIDs anyway. Whether `sw`, `ew` and
//! `co` ignore case too is an open question; the operators and attributes each
//! collection supports are the reference's table (§3.3).
//!
//! Owns parsing and evaluation. Must not know resources: values are looked up through
//! a function the caller gives.

use serde_json::json;

use super::error::PingOneError;

/// Attributes a collection can filter on, each with its operators.
pub type Supported = &'static [(&'static str, &'static [&'static str])];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Compare {
        attribute: String,
        operator: String,
        value: String,
    },
    And(Vec<Filter>),
    Or(Vec<Filter>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Word(String),
    Quoted(String),
}

fn invalid(message: impl Into<String>) -> PingOneError {
    PingOneError::invalid_filter(message, json!({}))
}

fn tokenize(text: &str) -> Result<Vec<Token>, PingOneError> {
    let mut tokens = Vec::new();
    let mut characters = text.chars().peekable();
    while let Some(&character) = characters.peek() {
        match character {
            ' ' | '\t' | '\n' | '\r' => {
                characters.next();
            }
            '(' => {
                characters.next();
                tokens.push(Token::Open);
            }
            ')' => {
                characters.next();
                tokens.push(Token::Close);
            }
            '"' => {
                characters.next();
                let mut value = String::new();
                let mut closed = false;
                while let Some(next) = characters.next() {
                    match next {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match characters.next() {
                            Some(escaped) => value.push(escaped),
                            None => break,
                        },
                        other => value.push(other),
                    }
                }
                if !closed {
                    return Err(invalid("The filter has an unterminated string."));
                }
                tokens.push(Token::Quoted(value));
            }
            _ => {
                let mut word = String::new();
                while let Some(&next) = characters.peek() {
                    if next.is_whitespace() || next == '(' || next == ')' || next == '"' {
                        break;
                    }
                    word.push(next);
                    characters.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    supported: Supported,
    text: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(word)) if word.eq_ignore_ascii_case(keyword))
    }

    fn expression(&mut self) -> Result<Filter, PingOneError> {
        let mut alternatives = vec![self.conjunction()?];
        while self.keyword("or") {
            self.position += 1;
            alternatives.push(self.conjunction()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Filter::Or(alternatives)
        })
    }

    fn conjunction(&mut self) -> Result<Filter, PingOneError> {
        let mut terms = vec![self.term()?];
        while self.keyword("and") {
            self.position += 1;
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Filter::And(terms)
        })
    }

    fn term(&mut self) -> Result<Filter, PingOneError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.expression()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(invalid(format!(
                        "The filter '{}' has an unbalanced parenthesis.",
                        self.text
                    ))),
                }
            }
            Some(Token::Word(attribute)) => self.comparison(attribute),
            _ => Err(invalid(format!(
                "The filter '{}' is not a valid filter expression.",
                self.text
            ))),
        }
    }

    fn comparison(&mut self, attribute: String) -> Result<Filter, PingOneError> {
        let Some((name, operators)) = self
            .supported
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&attribute))
        else {
            let names: Vec<&str> = self.supported.iter().map(|(name, _)| *name).collect();
            return Err(PingOneError::invalid_filter(
                format!("The attribute '{attribute}' cannot be used in a filter here."),
                json!({ "supportedAttributes": names }),
            ));
        };
        let operator = match self.next() {
            Some(Token::Word(operator)) => operator.to_ascii_lowercase(),
            _ => {
                return Err(invalid(format!(
                    "The filter '{}' lacks an operator after '{attribute}'.",
                    self.text
                )));
            }
        };
        if !operators.contains(&operator.as_str()) {
            return Err(PingOneError::invalid_filter(
                format!("The operator '{operator}' is not supported for '{name}'."),
                json!({ "supportedOperators": operators }),
            ));
        }
        let value = match self.next() {
            Some(Token::Quoted(value)) => value,
            Some(Token::Word(word))
                if word == "true" || word == "false" || word.parse::<f64>().is_ok() =>
            {
                word
            }
            _ => {
                return Err(invalid(format!(
                    "The filter '{}' lacks a quoted value after '{attribute} {operator}'.",
                    self.text
                )));
            }
        };
        Ok(Filter::Compare {
            attribute: (*name).to_string(),
            operator,
            value,
        })
    }
}

impl Filter {
    pub fn parse(text: &str, supported: Supported) -> Result<Filter, PingOneError> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            position: 0,
            supported,
            text,
        };
        if parser.tokens.is_empty() {
            return Err(invalid("The filter is empty."));
        }
        let filter = parser.expression()?;
        if parser.position != parser.tokens.len() {
            return Err(invalid(format!(
                "The filter '{text}' has unexpected text after a complete expression."
            )));
        }
        Ok(filter)
    }

    /// Whether a resource matches; `lookup` gives an attribute's value as text.
    pub fn matches(&self, lookup: &dyn Fn(&str) -> Option<String>) -> bool {
        match self {
            Self::And(terms) => terms.iter().all(|term| term.matches(lookup)),
            Self::Or(terms) => terms.iter().any(|term| term.matches(lookup)),
            Self::Compare {
                attribute,
                operator,
                value,
            } => {
                let Some(actual) = lookup(attribute) else {
                    return false;
                };
                let (actual, wanted) = (actual.to_lowercase(), value.to_lowercase());
                match operator.as_str() {
                    "eq" => actual == wanted,
                    "sw" => actual.starts_with(&wanted),
                    "ew" => actual.ends_with(&wanted),
                    "co" => actual.contains(&wanted),
                    _ => false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUPPORTED: Supported = &[("username", &["eq", "sw"]), ("population.id", &["eq"])];

    fn user(username: &'static str, population: &'static str) -> impl Fn(&str) -> Option<String> {
        move |attribute| match attribute {
            "username" => Some(username.to_string()),
            "population.id" => Some(population.to_string()),
            _ => None,
        }
    }

    #[test]
    fn or_of_equalities_is_case_insensitive() {
        let filter = Filter::parse(
            r#"username eq "Alice@example.com" OR username eq "bob""#,
            SUPPORTED,
        )
        .unwrap();
        assert!(filter.matches(&user("alice@example.com", "p")));
        assert!(filter.matches(&user("BOB", "p")));
        assert!(!filter.matches(&user("carol", "p")));
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        let filter = Filter::parse(
            r#"(username sw "a" or username eq "bob") and population.id eq "p1""#,
            SUPPORTED,
        )
        .unwrap();
        assert!(filter.matches(&user("ann", "p1")));
        assert!(!filter.matches(&user("bob", "p2")));
        let loose = Filter::parse(
            r#"username eq "bob" or username sw "a" and population.id eq "p1""#,
            SUPPORTED,
        )
        .unwrap();
        assert!(loose.matches(&user("bob", "p2")));
    }

    #[test]
    fn unsupported_attributes_operators_and_syntax_are_invalid_filters() {
        for text in [
            r#"email eq "x""#,
            r#"username ne "x""#,
            r#"username eq "x"#,
            r#"(username eq "x""#,
            r#"username eq "x" extra"#,
            "",
        ] {
            let error = Filter::parse(text, SUPPORTED).unwrap_err();
            assert_eq!(
                error.body()["details"][0]["code"],
                "INVALID_FILTER",
                "{text}"
            );
        }
        let error = Filter::parse(r#"username pr "x""#, SUPPORTED).unwrap_err();
        assert_eq!(
            error.body()["details"][0]["innerError"]["supportedOperators"],
            json!(["eq", "sw"])
        );
    }
}
