//! The dependency pass: every reference in every block checked against the
//! declarations, the graph over locals and resources, the order to evaluate them in,
//! and, per node, the variables it reads and the resources it depends on, directly
//! or through others.
//!
//! Owns the "undeclared variable / local / block" diagnostics and the cycle
//! diagnostics. Linear in the size of the configuration: one walk in dependency
//! order, no search per node.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Address;

use super::declarations::Declarations;
use super::diagnostic::{ConfigError, Location, Source};
use super::references::{self, Graph, Node, Target, suggest};

/// What the dependency pass found.
pub struct Dependencies {
    /// Every local and resource, dependencies first (nodes in cycles included, once).
    pub order: Vec<Node>,
    /// For each local, every variable it reads, directly or through other locals.
    pub local_variables: BTreeMap<String, BTreeSet<String>>,
    /// For each resource, every resource it depends on, directly or through locals.
    pub depends_on: BTreeMap<Address, BTreeSet<Address>>,
}

pub fn analyse(declarations: &Declarations, errors: &mut Vec<ConfigError>) -> Dependencies {
    let mut checker = Checker::new(declarations);
    for local in &declarations.locals {
        let node = Node::Local(local.name.clone());
        checker.check(&local.source, &local.attribute.value, Some(&node), errors);
    }
    for resource in &declarations.resources {
        let node = Node::Resource(resource.address.clone());
        let descriptor = resource.address.kind().descriptor();
        let nested: Vec<_> = descriptor
            .nested_blocks()
            .flat_map(|(_, blocks)| resource.declaration.nested(blocks.block))
            .collect();
        let attributes = resource
            .declaration
            .attributes()
            .chain(nested.iter().flat_map(|block| block.attributes()));
        for attribute in attributes {
            checker.check(
                &resource.declaration.source,
                &attribute.value,
                Some(&node),
                errors,
            );
        }
    }
    let unordered = [&declarations.pingfederate, &declarations.pingone]
        .into_iter()
        .flatten()
        .chain(declarations.exclusions.iter().map(|e| &e.declaration));
    for block in unordered {
        for attribute in block.attributes() {
            checker.check(&block.source, &attribute.value, None, errors);
        }
    }
    let (order, cycles) = checker.graph.order();
    for cycle in cycles {
        errors.push(cycle.into_error());
    }

    // In dependency order, each node's transitive reads are its own plus those of
    // the nodes it refers to, which are already complete.
    let mut reads: BTreeMap<&Node, BTreeSet<String>> = BTreeMap::new();
    let mut reached: BTreeMap<&Node, BTreeSet<Address>> = BTreeMap::new();
    for node in &order {
        let mut variables = checker
            .variable_reads
            .get(node)
            .cloned()
            .unwrap_or_default();
        let mut resources = BTreeSet::new();
        for next in checker.graph.edges(node) {
            if let Some(inner) = reads.get(next) {
                variables.extend(inner.iter().cloned());
            }
            if let Node::Resource(address) = next {
                resources.insert(address.clone());
            }
            if let Some(inner) = reached.get(next) {
                resources.extend(inner.iter().cloned());
            }
        }
        reads.insert(node, variables);
        reached.insert(node, resources);
    }
    let local_variables = declarations
        .locals
        .iter()
        .map(|local| {
            let node = Node::Local(local.name.clone());
            (
                local.name.clone(),
                reads.get(&node).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let depends_on = reached
        .iter()
        .filter_map(|(node, resources)| match node {
            Node::Resource(address) => Some((address.clone(), resources.clone())),
            Node::Local(_) => None,
        })
        .collect();
    Dependencies {
        order,
        local_variables,
        depends_on,
    }
}

/// Checks every reference against the declarations and builds the graph.
struct Checker<'a> {
    variables: BTreeSet<&'a str>,
    locals: BTreeSet<&'a str>,
    resources: BTreeSet<&'a Address>,
    graph: Graph,
    /// The variables each node reads directly.
    variable_reads: BTreeMap<Node, BTreeSet<String>>,
}

impl<'a> Checker<'a> {
    fn new(declarations: &'a Declarations) -> Self {
        let mut graph = Graph::default();
        for local in &declarations.locals {
            graph.add_node(Node::Local(local.name.clone()));
        }
        for resource in &declarations.resources {
            graph.add_node(Node::Resource(resource.address.clone()));
        }
        Checker {
            variables: declarations
                .variables
                .iter()
                .map(|v| v.name.as_str())
                .collect(),
            locals: declarations
                .locals
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
            resources: declarations.resources.iter().map(|r| &r.address).collect(),
            graph,
            variable_reads: BTreeMap::new(),
        }
    }

    /// Reports wrong references in `expression` and records the right ones as edges.
    fn check(
        &mut self,
        source: &Source,
        expression: &hcl::edit::expr::Expression,
        node: Option<&Node>,
        errors: &mut Vec<ConfigError>,
    ) {
        let found = references::collect(expression);
        for malformed in found.malformed {
            let location = Location::new(source, malformed.span.clone());
            errors.push(malformed.into_error(location));
        }
        for reference in found.found {
            let location = Location::new(source, reference.span.clone());
            let unknown =
                |what: &str, name: String, help: Option<String>| ConfigError::UnknownReference {
                    what: what.to_string(),
                    name,
                    src: location.src.clone(),
                    span: location.span,
                    help,
                };
            match reference.target {
                Target::Variable(name) => {
                    if !self.variables.contains(name.as_str()) {
                        let declared: Vec<&str> = self.variables.iter().copied().collect();
                        let help = suggest(&name, &declared).or_else(|| {
                            Some(format!(
                                "declare it with `variable \"{name}\" {{ type = string }}`"
                            ))
                        });
                        errors.push(unknown("variable", name, help));
                    } else if let Some(node) = node {
                        self.variable_reads
                            .entry(node.clone())
                            .or_default()
                            .insert(name);
                    }
                }
                Target::Local(name) => {
                    if !self.locals.contains(name.as_str()) {
                        let declared: Vec<&str> = self.locals.iter().copied().collect();
                        let help = suggest(&name, &declared).or_else(|| {
                            Some(format!("declare it in a `locals {{ {name} = ... }}` block"))
                        });
                        errors.push(unknown("local value", name, help));
                    } else if let Some(node) = node {
                        self.graph
                            .add_edge(node.clone(), Node::Local(name), location.clone());
                    }
                }
                Target::Resource(address) => {
                    if !self.resources.contains(&address) {
                        let declared: Vec<String> =
                            self.resources.iter().map(|a| a.to_string()).collect();
                        let declared: Vec<&str> = declared.iter().map(String::as_str).collect();
                        let help = suggest(&address.to_string(), &declared).or_else(|| {
                            Some(format!("declare `{} {{ ... }}`", address.block_header()))
                        });
                        let what = address.kind().collection().noun();
                        errors.push(unknown(what, address.to_string(), help));
                    } else if let Some(node) = node {
                        self.graph.add_edge(
                            node.clone(),
                            Node::Resource(address),
                            location.clone(),
                        );
                    }
                }
            }
        }
    }
}
