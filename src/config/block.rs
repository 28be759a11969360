//! One block of a configuration file and the file it is written in: where its header,
//! attributes and nested blocks are, for placing diagnostics.
//!
//! Owns nothing but the syntax tree of one block. It must not decide what a block
//! means: `declarations` sorts blocks by type, `shape` checks them against the field
//! tables.

use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::structure::{Attribute, Block};

use crate::model::Address;

use super::diagnostic::{ConfigError, Location, Source};

/// A resource block and its address.
pub struct ResourceDeclaration {
    pub address: Address,
    pub declaration: BlockDeclaration,
}

/// A block and the file it is written in.
pub struct BlockDeclaration {
    pub source: Source,
    pub block: Block,
}

impl BlockDeclaration {
    /// The block header (`datastore "jdbc" "db"`), where "missing attribute" points.
    pub fn header(&self) -> Location {
        let start = self.block.ident.span().map(|s| s.start);
        let end = self
            .block
            .labels
            .last()
            .and_then(|label| label.span())
            .or_else(|| self.block.ident.span())
            .map(|s| s.end);
        let span = start.zip(end).map(|(start, end)| start..end);
        Location::new(&self.source, span)
    }

    pub fn at(&self, span: Option<Range<usize>>) -> Location {
        Location::new(&self.source, span)
    }

    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.block.body.attributes()
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.block.body.get_attribute(name)
    }

    /// The label of a block with exactly one (`channel "NAME"`).
    pub fn single_label(&self) -> Option<&str> {
        match self.block.labels.as_slice() {
            [label] => Some(label.as_str()),
            _ => None,
        }
    }

    /// The nested blocks of this block called `name` (`channel`), each with this
    /// block's source.
    pub fn nested(&self, name: &str) -> Vec<BlockDeclaration> {
        self.block
            .body
            .blocks()
            .filter(|inner| inner.ident.as_str() == name)
            .map(|inner| BlockDeclaration {
                source: self.source.clone(),
                block: inner.clone(),
            })
            .collect()
    }

    /// The error for a block nested where none may be.
    pub fn unexpected(
        &self,
        inner: &Block,
        description: &str,
        help: Option<String>,
    ) -> ConfigError {
        let location = self.at(inner.ident.span());
        ConfigError::UnexpectedBlock {
            name: inner.ident.to_string(),
            block: description.to_string(),
            src: location.src,
            span: location.span,
            help,
        }
    }

    /// The nested block called `name` with the label `label`.
    pub fn nested_labelled(&self, name: &str, label: &str) -> Option<BlockDeclaration> {
        self.nested(name)
            .into_iter()
            .find(|inner| inner.single_label() == Some(label))
    }
}

/// Block names are identifiers, which are also valid PingFederate ids.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers() {
        assert!(is_valid_name("corp_directory-2"));
        assert!(!is_valid_name("2fast"));
        assert!(!is_valid_name("has space"));
        assert!(!is_valid_name("dotted.name"));
    }
}
