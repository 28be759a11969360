//! References between configuration values, and the order they must be evaluated in.
//!
//! Owns the visitor that finds `var.NAME`, `local.NAME` and references to resource
//! blocks in an expression (with exact spans, which evaluation errors lack): a block's
//! type, its kind label when the type has several kinds (`datastore.ldap.NAME`), its
//! name, then optionally `.id` or a nested block (`provisioning_connection.NAME.channel.CHANNEL`),
//! all read from the kind registry; and the dependency graph over locals and
//! resources with its cycle check. It evaluates nothing and knows nothing about field
//! types.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::expr::{Expression, TraversalOperator};
use hcl::edit::visit::{Visit, visit_expr};

use crate::model::{Address, ResourceKind};

use super::diagnostic::{ConfigError, Location, did_you_mean, list_names};

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Variable(String),
    Local(String),
    Resource(Address),
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub target: Target,
    pub span: Option<Range<usize>>,
}

/// A traversal that starts like a reference but cannot be one (`datastore.oracle.x`).
#[derive(Debug, Clone)]
pub struct MalformedReference {
    pub what: String,
    pub name: String,
    pub help: String,
    pub span: Option<Range<usize>>,
}

impl MalformedReference {
    pub fn into_error(self, location: Location) -> ConfigError {
        ConfigError::UnknownReference {
            what: self.what,
            name: self.name,
            src: location.src,
            span: location.span,
            help: Some(self.help),
        }
    }
}

#[derive(Default)]
pub struct References {
    pub found: Vec<Reference>,
    pub malformed: Vec<MalformedReference>,
}

/// Every reference in `expression`, in source order.
pub fn collect(expression: &Expression) -> References {
    let mut references = References::default();
    references.visit_expr(expression);
    references
}

const ROOT_VAR: &str = "var";
const ROOT_LOCAL: &str = "local";

/// The names a reference may start with: `var`, `local`, and every named resource
/// block type.
pub fn is_root(name: &str) -> bool {
    name == ROOT_VAR || name == ROOT_LOCAL || resource_root(name)
}

fn resource_root(name: &str) -> bool {
    ResourceKind::ALL
        .into_iter()
        .any(|kind| kind.block_type() == name && !kind.is_singleton())
}

/// A traversal read as a reference to a resource: the resource, and the nested block
/// it names (`channel`, `CHANNEL`), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePath {
    pub address: Address,
    pub nested: Option<(&'static str, String)>,
}

/// Reads `root.names...` as a resource reference: `TYPE[.KIND].NAME`, then nothing,
/// `.id`, or `.BLOCK.LABEL` for a nested block of the kind. `Err` for a traversal that
/// starts like one but cannot be.
pub fn resource_path(root: &str, names: &[String]) -> Result<ResourcePath, MalformedReference> {
    let malformed = |what: String, name: String, help: String| MalformedReference {
        what,
        name,
        help,
        span: None,
    };
    let kinds: Vec<ResourceKind> = ResourceKind::ALL
        .into_iter()
        .filter(|kind| kind.block_type() == root)
        .collect();
    let noun = kinds
        .first()
        .map_or("block", |kind| kind.collection().noun());
    let labels = ResourceKind::kind_labels(root);
    let form = if labels.is_empty() {
        format!("write `{root}.NAME`")
    } else {
        let forms: Vec<String> = labels
            .iter()
            .map(|label| format!("{root}.{label}.NAME"))
            .collect();
        format!(
            "{noun}s are referenced as {}",
            list_names(forms.iter().map(String::as_str))
        )
    };
    let (kind, name, rest) = if labels.is_empty() {
        match names {
            [name, rest @ ..] => (kinds.first().copied(), name, rest),
            [] => {
                return Err(malformed("reference".into(), root.to_string(), form));
            }
        }
    } else {
        match names {
            [label, name, rest @ ..] => {
                let Some(kind) = ResourceKind::from_block(root, Some(label)) else {
                    let help = did_you_mean(label, labels.iter().copied()).unwrap_or(form);
                    return Err(malformed(format!("{noun} kind"), label.clone(), help));
                };
                (Some(kind), name, rest)
            }
            _ => {
                let text = std::iter::once(root.to_string())
                    .chain(names.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(".");
                return Err(malformed("reference".into(), text, form));
            }
        }
    };
    let Some(kind) = kind else {
        return Err(malformed("reference".into(), root.to_string(), form));
    };
    let address = Address::new(kind, name.clone());
    let nested_blocks: Vec<&'static str> = kind
        .descriptor()
        .nested_blocks()
        .map(|(_, nested)| nested.block)
        .collect();
    let nested = match rest {
        [] => None,
        [attribute] if attribute == "id" => None,
        [block, label] if nested_blocks.contains(&block.as_str()) => {
            let block = nested_blocks
                .iter()
                .copied()
                .find(|b| *b == block.as_str())
                .unwrap_or_default();
            Some((block, label.clone()))
        }
        [attribute, ..] => {
            let mut readable = vec!["`.id`".to_string()];
            readable.extend(nested_blocks.iter().map(|block| format!("`.{block}.NAME`")));
            return Err(malformed(
                format!("{noun} attribute"),
                attribute.clone(),
                format!(
                    "only {} can be read from {} block",
                    readable.join(" or "),
                    super::diagnostic::with_article(noun)
                ),
            ));
        }
    };
    Ok(ResourcePath { address, nested })
}

impl References {
    fn classify(&mut self, root: &str, names: &[String], span: Option<Range<usize>>) {
        match (root, names) {
            (ROOT_VAR, [name, ..]) => self.found.push(Reference {
                target: Target::Variable(name.clone()),
                span,
            }),
            (ROOT_LOCAL, [name, ..]) => self.found.push(Reference {
                target: Target::Local(name.clone()),
                span,
            }),
            (ROOT_VAR | ROOT_LOCAL, []) => self.malformed.push(MalformedReference {
                what: "reference".into(),
                name: root.to_string(),
                help: format!("write `{root}.NAME`"),
                span,
            }),
            _ if resource_root(root) => match resource_path(root, names) {
                Ok(path) => self.found.push(Reference {
                    target: Target::Resource(path.address),
                    span,
                }),
                Err(mut malformed) => {
                    malformed.span = span;
                    self.malformed.push(malformed);
                }
            },
            _ => {}
        }
    }
}

impl Visit for References {
    fn visit_expr(&mut self, expression: &Expression) {
        match expression {
            Expression::Traversal(traversal) => {
                if let Expression::Variable(root) = &traversal.expr {
                    let names: Vec<String> = traversal
                        .operators
                        .iter()
                        .map_while(|operator| match operator.value() {
                            TraversalOperator::GetAttr(name) => Some(name.to_string()),
                            _ => None,
                        })
                        .collect();
                    self.classify(root.as_str(), &names, traversal.span());
                    for operator in &traversal.operators {
                        if let TraversalOperator::Index(index) = operator.value() {
                            self.visit_expr(index);
                        }
                    }
                    return;
                }
                visit_expr(self, expression);
            }
            Expression::Variable(root) if is_root(root.as_str()) => {
                self.classify(root.as_str(), &[], root.span());
            }
            _ => visit_expr(self, expression),
        }
    }
}

/// Something evaluated on its own: a local value or a resource block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Local(String),
    Resource(Address),
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Local(name) => write!(f, "local.{name}"),
            Node::Resource(address) => write!(f, "{address}"),
        }
    }
}

/// Which nodes refer to which, with where each reference is written.
#[derive(Default)]
pub struct Graph {
    edges: BTreeMap<Node, Vec<(Node, Location)>>,
}

/// A cycle: the nodes in order, and the reference that closes it.
pub struct Cycle {
    pub nodes: Vec<Node>,
    pub closing: Location,
}

impl Cycle {
    pub fn into_error(self) -> ConfigError {
        let mut names: Vec<String> = self.nodes.iter().map(ToString::to_string).collect();
        if let Some(first) = names.first().cloned() {
            names.push(first);
        }
        ConfigError::ReferenceCycle {
            cycle: names.join(" → "),
            src: self.closing.src,
            span: self.closing.span,
        }
    }
}

impl Graph {
    pub fn add_node(&mut self, node: Node) {
        self.edges.entry(node).or_default();
    }

    pub fn add_edge(&mut self, from: Node, to: Node, location: Location) {
        self.edges.entry(to.clone()).or_default();
        self.edges.entry(from).or_default().push((to, location));
    }

    /// The nodes `node` refers to directly.
    pub fn edges(&self, node: &Node) -> impl Iterator<Item = &Node> {
        self.edges
            .get(node)
            .into_iter()
            .flatten()
            .map(|(next, _)| next)
    }

    /// Every node, dependencies before dependents, and every cycle found on the way.
    /// Iterative depth-first search: a chain of thirty thousand locals needs no deep
    /// call stack.
    pub fn order(&self) -> (Vec<Node>, Vec<Cycle>) {
        let mut done: BTreeSet<&Node> = BTreeSet::new();
        let mut on_path: BTreeMap<&Node, usize> = BTreeMap::new();
        let mut order = Vec::with_capacity(self.edges.len());
        let mut cycles = Vec::new();
        for start in self.edges.keys() {
            if done.contains(start) {
                continue;
            }
            // The path from `start`: each node with the index of its next edge.
            let mut path: Vec<(&Node, usize)> = vec![(start, 0)];
            on_path.insert(start, 0);
            while let Some(top) = path.len().checked_sub(1) {
                let (node, next_edge) = path[top];
                let edges = self.edges.get(node).map(Vec::as_slice).unwrap_or_default();
                match edges.get(next_edge) {
                    Some((next, location)) => {
                        path[top].1 += 1;
                        if let Some(&position) = on_path.get(next) {
                            cycles.push(Cycle {
                                nodes: path[position..].iter().map(|(n, _)| (*n).clone()).collect(),
                                closing: location.clone(),
                            });
                        } else if !done.contains(next) {
                            on_path.insert(next, path.len());
                            path.push((next, 0));
                        }
                    }
                    None => {
                        path.pop();
                        on_path.remove(node);
                        done.insert(node);
                        order.push(node.clone());
                    }
                }
            }
        }
        (order, cycles)
    }
}

/// Names for "did you mean" and "declared are" hints.
pub fn suggest(name: &str, declared: &[&str]) -> Option<String> {
    did_you_mean(name, declared.iter().copied()).or_else(|| {
        if declared.is_empty() {
            None
        } else if declared.len() <= 6 {
            Some(format!(
                "declared are {}",
                list_names(declared.iter().copied())
            ))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::files::named_source;

    fn parse(text: &str) -> Expression {
        hcl::edit::parser::parse_expr(text).unwrap()
    }

    #[test]
    fn references_are_found_in_templates_calls_and_lists() {
        let expression =
            parse(r#"["${var.a}-${local.b}", upper(datastore.jdbc.c.id), datastore.ldap.d]"#);
        let targets: Vec<Target> = collect(&expression)
            .found
            .into_iter()
            .map(|r| r.target)
            .collect();
        assert_eq!(
            targets,
            [
                Target::Variable("a".into()),
                Target::Local("b".into()),
                Target::Resource("datastore.jdbc.c".parse().unwrap()),
                Target::Resource("datastore.ldap.d".parse().unwrap()),
            ]
        );
    }

    #[test]
    fn malformed_data_store_references_are_reported() {
        let references = collect(&parse(
            "[datastore.oracle.x, datastore.jdbc.y.name, datastore.jdbc]",
        ));
        let names: Vec<&str> = references
            .malformed
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["oracle", "name", "datastore.jdbc"]);
        assert!(references.found.is_empty());
    }

    #[test]
    fn cycles_are_found_and_acyclic_nodes_are_ordered() {
        let source = named_source("main.hcl", "x");
        let here = Location::new(&source, Some(0..1));
        let local = |n: &str| Node::Local(n.to_string());
        let mut graph = Graph::default();
        graph.add_edge(local("a"), local("b"), here.clone());
        graph.add_edge(local("b"), local("a"), here.clone());
        graph.add_edge(local("c"), local("d"), here);
        let (order, cycles) = graph.order();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].nodes, [local("a"), local("b")]);
        let position = |n: &str| order.iter().position(|o| *o == local(n)).unwrap();
        assert!(position("d") < position("c"));
        let message = cycles.into_iter().next().unwrap().into_error().to_string();
        assert_eq!(message, "reference cycle: local.a → local.b → local.a");
    }
}
