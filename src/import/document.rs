//! A configuration file as data: blocks with attributes, nested blocks and comments,
//! values as HCL expressions (literals, references, lists, objects). `import` builds
//! one; `render::hcl_text` lays it out the way `terraform fmt` would.

use serde_json::Value;

/// A whole file: comment lines at the top, then blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub header: Vec<String>,
    pub blocks: Vec<Block>,
}

/// `TYPE "LABEL"... { BODY }`, with comment lines above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub comments: Vec<String>,
    pub block_type: String,
    pub labels: Vec<String>,
    pub body: Vec<Item>,
}

impl Block {
    pub fn new(block_type: &str, labels: Vec<String>) -> Block {
        Block {
            comments: Vec::new(),
            block_type: block_type.to_string(),
            labels,
            body: Vec::new(),
        }
    }

    pub fn attribute(&mut self, name: &str, value: Expression) {
        self.body.push(Item::Attribute {
            comments: Vec::new(),
            name: name.to_string(),
            value,
        });
    }

    /// An attribute with comment lines above it.
    pub fn commented_attribute(&mut self, comments: Vec<String>, name: &str, value: Expression) {
        self.body.push(Item::Attribute {
            comments,
            name: name.to_string(),
            value,
        });
    }

    /// Comment lines of their own, after a blank line.
    pub fn note(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.body.push(Item::Comment(lines));
        }
    }

    pub fn nested(&mut self, block: Block) {
        self.body.push(Item::Block(block));
    }

    /// The value of an attribute of this block.
    pub fn get(&self, name: &str) -> Option<&Expression> {
        self.body.iter().find_map(|item| match item {
            Item::Attribute {
                name: found, value, ..
            } if found == name => Some(value),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute {
        comments: Vec<String>,
        name: String,
        value: Expression,
    },
    Block(Block),
    /// Comment lines standing on their own.
    Comment(Vec<String>),
}

/// An HCL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    /// A string, number, bool or null.
    Literal(Value),
    /// A reference to a block: `datastore.ldap.corp`,
    /// `provisioning_connection.hr.channel.staff`.
    Reference(String),
    List(Vec<Expression>),
    /// Keys in the order given.
    Object(Vec<(String, Expression)>),
}

impl Expression {
    pub fn string(text: impl Into<String>) -> Expression {
        Expression::Literal(Value::String(text.into()))
    }

    /// A JSON value as an HCL literal, list or object (object keys in their order).
    pub fn from_json(value: &Value) -> Expression {
        match value {
            Value::Array(items) => {
                Expression::List(items.iter().map(Expression::from_json).collect())
            }
            Value::Object(map) => Expression::Object(
                map.iter()
                    .map(|(key, inner)| (key.clone(), Expression::from_json(inner)))
                    .collect(),
            ),
            other => Expression::Literal(other.clone()),
        }
    }
}
