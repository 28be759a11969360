//! References between configuration values, and the order they must be evaluated in.
//!
//! Owns the visitor that finds `var.NAME`, `local.NAME`, `datastore.KIND.NAME[.id]`,
//! `pingone_connection.NAME[.id]` and `provisioning_connection.NAME[.id]` (or a
//! channel of it, `provisioning_connection.NAME.channel.CHANNEL`) in an expression (with exact spans, which evaluation errors lack), and the
//! dependency graph over locals and resources with its cycle check. It evaluates
//! nothing and knows nothing about field types.

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
const ROOT_DATASTORE: &str = "datastore";
const ROOT_PINGONE_CONNECTION: &str = "pingone_connection";
const ROOT_PROVISIONING_CONNECTION: &str = "provisioning_connection";

/// The names a reference starts with.
pub const ROOTS: [&str; 5] = [
    ROOT_VAR,
    ROOT_LOCAL,
    ROOT_DATASTORE,
    ROOT_PINGONE_CONNECTION,
    ROOT_PROVISIONING_CONNECTION,
];

const DATASTORE_FORM: &str = "data stores are referenced as `datastore.jdbc.NAME`, `datastore.ldap.NAME` or `datastore.custom.NAME`";

impl References {
    fn classify(&mut self, root: &str, names: &[String], span: Option<Range<usize>>) {
        let malformed = |what: &str, name: &str, help: String| MalformedReference {
            what: what.to_string(),
            name: name.to_string(),
            help,
            span: span.clone(),
        };
        match (root, names) {
            ("var", [name, ..]) => self.found.push(Reference {
                target: Target::Variable(name.clone()),
                span,
            }),
            ("local", [name, ..]) => self.found.push(Reference {
                target: Target::Local(name.clone()),
                span,
            }),
            ("datastore", [kind, name, rest @ ..]) => {
                let Some(kind) = ResourceKind::from_kind_label(kind) else {
                    let help = did_you_mean(kind, ["jdbc", "ldap", "custom"])
                        .unwrap_or_else(|| DATASTORE_FORM.to_string());
                    self.malformed
                        .push(malformed("data store kind", kind, help));
                    return;
                };
                match rest {
                    [] => {}
                    [attribute] if attribute == "id" => {}
                    [attribute, ..] => {
                        self.malformed.push(malformed(
                            "data store attribute",
                            attribute,
                            "only `.id` can be read from a data store block".to_string(),
                        ));
                        return;
                    }
                }
                self.found.push(Reference {
                    target: Target::Resource(Address::new(kind, name.clone())),
                    span,
                });
            }
            ("pingone_connection" | "provisioning_connection", [name, rest @ ..]) => {
                let (kind, readable) = if root == "pingone_connection" {
                    (ResourceKind::PingOneConnection, "`.id`")
                } else {
                    (
                        ResourceKind::ProvisioningConnection,
                        "`.id` or `.channel.NAME`",
                    )
                };
                let is_channel = kind == ResourceKind::ProvisioningConnection
                    && rest.len() == 2
                    && rest[0] == "channel";
                match rest {
                    [] => {}
                    [attribute] if attribute == "id" => {}
                    _ if is_channel => {}
                    [attribute, ..] => {
                        self.malformed.push(malformed(
                            "attribute",
                            &format!("{root}.{name}.{attribute}"),
                            format!("only {readable} can be read from a `{root}` block"),
                        ));
                        return;
                    }
                }
                self.found.push(Reference {
                    target: Target::Resource(Address::new(kind, name.clone())),
                    span,
                });
            }
            (
                ROOT_VAR
                | ROOT_LOCAL
                | ROOT_DATASTORE
                | ROOT_PINGONE_CONNECTION
                | ROOT_PROVISIONING_CONNECTION,
                _,
            ) => {
                let help = match root {
                    "var" => "write `var.NAME`".to_string(),
                    "local" => "write `local.NAME`".to_string(),
                    "pingone_connection" => "write `pingone_connection.NAME`".to_string(),
                    "provisioning_connection" => {
                        "write `provisioning_connection.NAME` or `provisioning_connection.NAME.channel.CHANNEL`".to_string()
                    }
                    _ => DATASTORE_FORM.to_string(),
                };
                let text = std::iter::once(root.to_string())
                    .chain(names.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(".");
                self.malformed.push(malformed("reference", &text, help));
            }
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
            Expression::Variable(root) if ROOTS.contains(&root.as_str()) => {
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

    /// Every node, dependencies before dependents, and every cycle found on the way.
    pub fn order(&self) -> (Vec<Node>, Vec<Cycle>) {
        let mut walk = Walk {
            graph: self,
            done: BTreeSet::new(),
            stack: Vec::new(),
            order: Vec::new(),
            cycles: Vec::new(),
        };
        for node in self.edges.keys() {
            walk.visit(node);
        }
        (walk.order, walk.cycles)
    }

    /// Nodes that can be reached from `node` (not including itself unless in a cycle).
    pub fn reachable(&self, node: &Node) -> BTreeSet<Node> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![node.clone()];
        while let Some(current) = pending.pop() {
            for (next, _) in self.edges.get(&current).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    pending.push(next.clone());
                }
            }
        }
        seen
    }
}

struct Walk<'a> {
    graph: &'a Graph,
    done: BTreeSet<Node>,
    stack: Vec<Node>,
    order: Vec<Node>,
    cycles: Vec<Cycle>,
}

impl Walk<'_> {
    fn visit(&mut self, node: &Node) {
        if self.done.contains(node) {
            return;
        }
        self.stack.push(node.clone());
        for (next, location) in self.graph.edges.get(node).into_iter().flatten() {
            if let Some(position) = self.stack.iter().position(|n| n == next) {
                self.cycles.push(Cycle {
                    nodes: self.stack[position..].to_vec(),
                    closing: location.clone(),
                });
            } else {
                self.visit(next);
            }
        }
        self.stack.pop();
        self.done.insert(node.clone());
        self.order.push(node.clone());
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
