//! Configuration: from a folder of `*.hcl` files to a checked `Desired`.
//!
//! Owns finding and reading the files, variables, locals, references between blocks,
//! the functions `env`, `file`, `lower`, `upper` and `trimspace`, and every check a
//! configuration can fail. `load` returns either the desired state or every problem
//! at once, each with its file, line, column and a hint. It must not speak HTTP, open
//! the state file or write to the terminal: rendering is the caller's business.
//!
//! The work is done in passes: parse every file, sort blocks into declarations and
//! check their shape, resolve variable values, collect references into one graph over
//! locals and resources, reject cycles, then evaluate in dependency order. The
//! connection blocks (`pingfederate`, `pingone`) and the exclusions come after the
//! resources; last, each channel's user filter becomes its effective filter.

mod attribute;
mod channel;
mod declarations;
mod diagnostic;
mod evaluate;
mod exclusion;
mod field_value;
mod files;
mod pingfederate_block;
mod pingone_block;
mod provisioning_connection;
mod references;
mod resource;
mod variables;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::model::{Address, Desired, ResourceKind};

pub use diagnostic::{ConfigError, ConfigErrors};

use attribute::AttributeEvaluator;
use declarations::{Declarations, ResourceDeclaration};
use diagnostic::{Location, Source};
use evaluate::Scope;
use references::{Graph, Node, Target, suggest};

/// What to load, and the inputs that are not in the files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The configuration folder; diagnostics name files relative to it as given.
    pub dir: PathBuf,
    /// `--var NAME=VALUE`, in command-line order (later wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in command-line order (later wins).
    pub var_files: Vec<PathBuf>,
    /// The process environment, for `env()` and `PINGFORM_VAR_NAME`.
    pub environment: BTreeMap<String, String>,
}

/// A loaded configuration and anything worth mentioning about it.
#[derive(Debug)]
pub struct Loaded {
    pub desired: Desired,
    pub warnings: Vec<miette::Report>,
}

/// Splits a `--var` argument `NAME=VALUE` at the first `=`.
pub fn parse_var_assignment(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("`{text}` is not NAME=VALUE"));
    };
    let name = name.trim();
    if !declarations::is_valid_name(name) {
        return Err(format!("`{name}` is not a valid variable name in `{text}`"));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Reads, evaluates and checks the configuration in `options.dir`.
pub fn load(options: &LoadOptions) -> Result<Loaded, ConfigErrors> {
    let mut errors = Vec::new();
    let files = files::read_configuration(&options.dir, &mut errors);
    let declarations = declarations::collect(files, &mut errors);
    let variables = variables::resolve(&declarations.variables, options, &mut errors);
    for resource in &declarations.resources {
        resource::check_shape(resource, &mut errors);
        provisioning_connection::check_environment(
            resource,
            declarations.pingone.is_some(),
            &mut errors,
        );
    }

    let mut checker = ReferenceChecker::new(&declarations);
    for local in &declarations.locals {
        let node = Node::Local(local.name.clone());
        checker.check(
            &local.source,
            &local.attribute.value,
            Some(node),
            &mut errors,
        );
    }
    for resource in &declarations.resources {
        let node = Node::Resource(resource.address.clone());
        let channels = if resource.address.kind() == ResourceKind::ProvisioningConnection {
            resource.declaration.nested("channel")
        } else {
            Vec::new()
        };
        let nested = channels.iter().flat_map(|channel| channel.attributes());
        for attribute in resource.declaration.attributes().chain(nested) {
            checker.check(
                &resource.declaration.source,
                &attribute.value,
                Some(node.clone()),
                &mut errors,
            );
        }
    }
    let unordered = [&declarations.pingfederate, &declarations.pingone]
        .into_iter()
        .flatten()
        .chain(declarations.exclusions.iter().map(|e| &e.declaration));
    for block in unordered {
        for attribute in block.attributes() {
            checker.check(&block.source, &attribute.value, None, &mut errors);
        }
    }
    let (order, cycles) = checker.graph.order();
    for cycle in cycles {
        errors.push(cycle.into_error());
    }

    let local_variables: BTreeMap<String, BTreeSet<String>> = declarations
        .locals
        .iter()
        .map(|local| {
            let node = Node::Local(local.name.clone());
            let mut reads = checker
                .variable_reads
                .get(&node)
                .cloned()
                .unwrap_or_default();
            for reached in checker.graph.reachable(&node) {
                reads.extend(
                    checker
                        .variable_reads
                        .get(&reached)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
            }
            (local.name.clone(), reads)
        })
        .collect();

    let mut scope = Scope {
        dir: &options.dir,
        environment: &options.environment,
        variables: variables.values.clone(),
        locals: hcl::Map::new(),
        ids: BTreeMap::new(),
    };
    let locals: BTreeMap<&str, _> = declarations
        .locals
        .iter()
        .map(|l| (l.name.as_str(), l))
        .collect();
    let resources: BTreeMap<&Address, &ResourceDeclaration> = declarations
        .resources
        .iter()
        .map(|r| (&r.address, r))
        .collect();
    let mut desired = Desired::default();
    let mut ids: Vec<(&ResourceDeclaration, String)> = Vec::new();
    let mut warning_diagnostics = Vec::new();
    for node in order {
        let evaluator = AttributeEvaluator {
            scope: &scope,
            sensitive: &variables.sensitive,
            local_variables: &local_variables,
        };
        match &node {
            Node::Local(name) => {
                let Some(local) = locals.get(name.as_str()) else {
                    continue;
                };
                let attribute = format!("local.{name}");
                let value = scope.evaluate(
                    &local.attribute.value,
                    &local.source,
                    &attribute,
                    &mut errors,
                );
                if let Some(value) = value {
                    scope.locals.insert(name.clone(), value);
                }
            }
            Node::Resource(address) => {
                let Some(resource) = resources.get(address) else {
                    continue;
                };
                let Some(id) = resource::evaluate_id(resource, &evaluator, &mut errors) else {
                    continue;
                };
                let depends_on: BTreeSet<Address> = checker
                    .graph
                    .reachable(&node)
                    .into_iter()
                    .filter_map(|n| match n {
                        Node::Resource(address) => Some(address),
                        Node::Local(_) => None,
                    })
                    .collect();
                if resource.address.kind() == ResourceKind::ProvisioningConnection {
                    if let Some(evaluated) = provisioning_connection::evaluate(
                        resource,
                        id.clone(),
                        depends_on,
                        &evaluator,
                        &mut errors,
                        &mut warning_diagnostics,
                    ) {
                        desired.resources.push(evaluated.resource);
                        desired.populations.extend(evaluated.populations);
                    }
                } else if let Some(built) =
                    resource::evaluate(resource, id.clone(), depends_on, &evaluator, &mut errors)
                {
                    desired.resources.push(built);
                }
                scope.ids.insert(address.clone(), id.clone());
                ids.push((resource, id));
            }
        }
    }
    ids.sort_by(|a, b| a.0.address.cmp(&b.0.address));
    resource::check_unique_ids(&ids, &mut errors);

    let mut warnings = Vec::new();
    if let Some(block) = &declarations.pingfederate {
        let evaluator = AttributeEvaluator {
            scope: &scope,
            sensitive: &variables.sensitive,
            local_variables: &local_variables,
        };
        if let Some(settings) = pingfederate_block::evaluate(block, &evaluator, &mut errors) {
            if settings.insecure_skip_tls_verify {
                warnings.push(miette::miette!(
                    severity = miette::Severity::Warning,
                    code = "pingform::config::insecure_tls",
                    help = "use `ca_file` to trust a private certificate authority instead",
                    "TLS certificate verification is switched off for PingFederate (`insecure_skip_tls_verify = true`)"
                ));
            }
            desired.pingfederate = Some(settings);
        }
    }
    let evaluator = AttributeEvaluator {
        scope: &scope,
        sensitive: &variables.sensitive,
        local_variables: &local_variables,
    };
    if let Some(block) = &declarations.pingone {
        desired.pingone = pingone_block::evaluate(block, &evaluator, &mut errors);
    }
    let declared_channels = provisioning_connection::declared_channels(&declarations.resources);
    for declaration in &declarations.exclusions {
        if let Some(evaluated) =
            exclusion::evaluate(declaration, &evaluator, &declared_channels, &mut errors)
        {
            desired.exclusions.push(evaluated);
        }
    }
    desired.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
    desired
        .populations
        .sort_by(|a, b| a.channel.cmp(&b.channel));
    provisioning_connection::complete(&mut desired);
    provisioning_connection::apply_exclusions(&mut desired.resources, &desired.exclusions);
    diagnostic::sort_by_location(&mut warning_diagnostics);
    warnings.extend(warning_diagnostics.into_iter().map(miette::Report::new));

    if !errors.is_empty() {
        diagnostic::sort_by_location(&mut errors);
        return Err(ConfigErrors::new(errors));
    }
    desired.resources.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(Loaded { desired, warnings })
}

/// Checks every reference against the declarations and builds the graph.
struct ReferenceChecker<'a> {
    variables: BTreeSet<&'a str>,
    locals: BTreeSet<&'a str>,
    resources: BTreeSet<&'a Address>,
    graph: Graph,
    /// The variables each node reads directly.
    variable_reads: BTreeMap<Node, BTreeSet<String>>,
}

impl<'a> ReferenceChecker<'a> {
    fn new(declarations: &'a Declarations) -> Self {
        let mut graph = Graph::default();
        for local in &declarations.locals {
            graph.add_node(Node::Local(local.name.clone()));
        }
        for resource in &declarations.resources {
            graph.add_node(Node::Resource(resource.address.clone()));
        }
        ReferenceChecker {
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
        node: Option<Node>,
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
                    } else if let Some(node) = &node {
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
                    } else if let Some(node) = &node {
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
                        let what = if address.kind().is_datastore() {
                            "data store"
                        } else {
                            address.kind().describe()
                        };
                        errors.push(unknown(what, address.to_string(), help));
                    } else if let Some(node) = &node {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads one `main.hcl` with `text`; returns the result and the folder (kept alive).
    fn load_text(
        text: &str,
        vars: &[(&str, &str)],
    ) -> (Result<Loaded, Vec<String>>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), text).unwrap();
        let options = LoadOptions {
            dir: dir.path().to_path_buf(),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..LoadOptions::default()
        };
        let result =
            load(&options).map_err(|errors| errors.iter().map(ToString::to_string).collect());
        (result, dir)
    }

    const TWO_STORES: &str = r#"
        datastore "jdbc" "derived" {
          driver_class   = "org.h2.Driver"
          connection_url = "jdbc:h2:mem:a"
        }
        datastore "jdbc" "explicit" {
          id             = "Explicit.Id"
          driver_class   = "org.h2.Driver"
          connection_url = "jdbc:h2:mem:b"
        }
    "#;

    #[test]
    fn ids_come_from_the_id_attribute_or_the_block_name() {
        let (loaded, _dir) = load_text(TWO_STORES, &[]);
        let ids: Vec<String> = loaded
            .unwrap()
            .desired
            .resources
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["derived", "Explicit.Id"]);
    }

    #[test]
    fn a_derived_id_may_collide_with_an_explicit_one() {
        let text = TWO_STORES.replace("Explicit.Id", "derived");
        let (loaded, _dir) = load_text(&text, &[]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "duplicate data store id `derived`: `datastore.jdbc.explicit` and `datastore.jdbc.derived` would both be `derived`"
            ]
        );
    }

    #[test]
    fn references_through_locals_are_dependencies() {
        let text = format!(
            "{TWO_STORES}\nlocals {{\n  store = datastore.jdbc.explicit\n}}\noutbound_provisioning {{\n  datastore = local.store\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        let desired = loaded.unwrap().desired;
        let outbound = desired.resources.last().unwrap();
        assert_eq!(outbound.attributes["datastore"], "Explicit.Id");
        let depends_on: Vec<String> = outbound
            .depends_on
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(depends_on, ["datastore.jdbc.explicit"]);
    }

    #[test]
    fn a_sensitive_variable_may_not_become_an_id() {
        let text = format!(
            "variable \"secret\" {{\n  sensitive = true\n}}\n{}",
            TWO_STORES.replace("\"Explicit.Id\"", "var.secret")
        );
        let (loaded, _dir) = load_text(&text, &[("secret", "s3cret")]);
        assert_eq!(
            loaded.unwrap_err(),
            ["sensitive variable `secret` is used in `id`, which is not a secret field"]
        );
    }

    #[test]
    fn switching_tls_verification_off_is_a_warning() {
        let text = "pingfederate {\n  url = \"https://pf/pf-admin-api/v1\"\n  username = \"a\"\n  password = \"b\"\n  insecure_skip_tls_verify = true\n}\n";
        let (loaded, _dir) = load_text(text, &[]);
        let loaded = loaded.unwrap();
        assert_eq!(loaded.warnings.len(), 1);
        let settings = loaded.desired.pingfederate.unwrap();
        assert!(settings.insecure_skip_tls_verify);
        assert_eq!(
            settings.request_timeout,
            crate::model::PingFederateSettings::DEFAULT_TIMEOUT
        );
    }

    #[test]
    fn values_for_undeclared_variables_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.hcl"),
            "variable \"region\" {\n  default = \"eu\"\n}\n",
        )
        .unwrap();
        let var_file = dir.path().join("values.txt");
        std::fs::write(&var_file, "regoin = \"us\"\n").unwrap();
        let options = LoadOptions {
            dir: dir.path().to_path_buf(),
            vars: vec![("zone".into(), "a".into())],
            var_files: vec![var_file, dir.path().join("missing.txt")],
            environment: BTreeMap::new(),
        };
        let errors: Vec<String> = load(&options)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].starts_with("cannot read variable file"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("value for undeclared variable `zone` from --var"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("value for undeclared variable `regoin` from variable file"),
            "{errors:?}"
        );
    }

    const PINGONE_BASE: &str = r#"
        datastore "ldap" "directory" {
          ldap_type = "GENERIC"
          hostnames = ["ldap:389"]
        }
        pingone_connection "workforce" {
          credential = "c"
        }
        provisioning_connection "pingone" {
          entity_id          = "e"
          pingone_connection = "literal-connection-id"
          environment_id     = "env"
          channel "groups" {
            datastore         = "literal-ldap-id"
            base_dn           = "dc=example"
            group_dn          = "cn=staff,dc=example"
            attribute_mapping = { username = "uid", emial = "mail" }
          }
        }
    "#;

    #[test]
    fn literal_ids_are_no_dependencies_and_unknown_mapping_fields_are_warnings() {
        let (loaded, _dir) = load_text(PINGONE_BASE, &[]);
        let loaded = loaded.unwrap();
        let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            ["`emial` is not a PingOne attribute mapping field that pingform knows"]
        );
        let help = loaded.warnings[0].help().map(|h| h.to_string());
        assert_eq!(help.as_deref(), Some("did you mean `email`?"));
        let connection = loaded.desired.resources.last().unwrap();
        assert!(connection.depends_on.is_empty());
        assert_eq!(
            connection.attributes["pingone_connection"],
            "literal-connection-id"
        );
        let channel = &connection.attributes["channels"][0];
        assert_eq!(channel["datastore"], "literal-ldap-id");
        assert!(
            channel.get("user_filter").is_none(),
            "no filter and no exclusions: none"
        );
    }

    #[test]
    fn exclusions_name_channels_as_strings_and_a_group_channel_gets_the_negations_alone() {
        let text = format!(
            "{PINGONE_BASE}\nexclusion \"a\" {{\n  pingone_username = \"x\"\n  source_attribute = \"uid\"\n  source_value = \"x\"\n  channels = [\"pingone.groups\"]\n  reason = \"r\"\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        let desired = loaded.unwrap().desired;
        let connection = desired.resources.last().unwrap();
        assert_eq!(
            connection.attributes["channels"][0]["user_filter"],
            "(!(uid=x))"
        );
        assert_eq!(
            desired.exclusions[0].channels[0].to_string(),
            "provisioning_connection.pingone.channel.groups"
        );
    }

    #[test]
    fn pingone_urls_come_in_pairs_and_sensitive_values_only_reach_secrets() {
        let text = "variable \"s\" {\n  sensitive = true\n}\npingone {\n  api_url = \"https://p1.invalid/v1/\"\n  environment_id = \"env\"\n  client_id = var.s\n  client_secret = var.s\n}\n";
        let (loaded, _dir) = load_text(text, &[("s", "x")]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "missing required attribute `auth_url` in the `pingone` block",
                "sensitive variable `s` is used in `client_id`, which is not a secret field",
            ]
        );
        let text = "pingone {\n  api_url = \"https://p1.invalid/v1/\"\n  auth_url = \"https://p1.invalid/as\"\n  environment_id = \"env\"\n  client_id = \"c\"\n  client_secret = \"s\"\n}\n";
        let (loaded, _dir) = load_text(text, &[]);
        let settings = loaded.unwrap().desired.pingone.unwrap();
        assert_eq!(settings.api_url, "https://p1.invalid/v1");
        assert_eq!(settings.auth_url, "https://p1.invalid/as");
        assert!(loaded_has_no_resources(text));
    }

    fn loaded_has_no_resources(text: &str) -> bool {
        let (loaded, _dir) = load_text(text, &[]);
        loaded.is_ok_and(|l| l.desired.resources.is_empty())
    }

    #[test]
    fn pingone_connection_ids_are_unique_among_themselves_only() {
        let text = "datastore \"jdbc\" \"same\" {\n  driver_class = \"d\"\n  connection_url = \"u\"\n}\npingone_connection \"same\" {\n  credential = \"c\"\n}\npingone_connection \"other\" {\n  id = \"same\"\n  credential = \"c\"\n}\n";
        let (loaded, _dir) = load_text(text, &[]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "duplicate PingOne connection id `same`: `pingone_connection.same` and `pingone_connection.other` would both be `same`"
            ]
        );
    }

    #[test]
    fn var_assignments_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_var_assignment("a=b=c"),
            Ok(("a".into(), "b=c".into()))
        );
        assert_eq!(
            parse_var_assignment("empty="),
            Ok(("empty".into(), String::new()))
        );
        assert!(parse_var_assignment("novalue").is_err());
        assert!(parse_var_assignment("=x").is_err());
    }
}
