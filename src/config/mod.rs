//! Configuration: from a folder of `*.hcl` files to a checked `Desired`.
//!
//! Owns finding and reading the files, variables, locals, references between blocks,
//! the functions `env`, `file`, `lower`, `upper` and `trimspace`, and every check a
//! configuration can fail. `load` returns either the desired state or every problem
//! at once, each with its file, line, column and a hint. It must not speak HTTP, open
//! the state file or write to the terminal: rendering is the caller's business. What
//! a block may contain comes from the kind descriptors in `model::kinds`.
//!
//! `load` runs named passes, top to bottom; each reads what the ones before built.
//! The `Desired` it returns is final: nothing changes it afterwards.

mod attribute;
mod block;
mod declarations;
mod dependencies;
mod diagnostic;
mod directives;
mod evaluate;
mod exclusion;
mod field_value;
mod files;
mod format;
mod options;
mod pingfederate_block;
mod pingone_block;
mod references;
mod resource;
mod shape;
mod state_block;
mod variables;

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::model::{Address, Desired, DesiredResource, Exclusion, FieldDefault};

pub use block::is_valid_name;
pub use diagnostic::{ConfigError, ConfigErrors};
pub use files::read_text as read_configuration_file;
pub use format::{FormatError, format as format_file};
pub use options::{LoadOptions, Retarget};
pub use state_block::state_setting;

use attribute::AttributeEvaluator;
use block::ResourceDeclaration;
use declarations::Declarations;
use dependencies::Dependencies;
use directives::KeptIds;
use evaluate::Scope;
use references::Node;
use variables::VariableValues;

/// A loaded configuration and anything worth mentioning about it.
#[derive(Debug)]
pub struct Loaded {
    pub desired: Desired,
    pub warnings: Vec<miette::Report>,
    /// Inputs that were not given and so not checked (`unknown_inputs`), sorted:
    /// `environment variable `X``, `variable `y``, `file `z``, `CA file `w``.
    pub unknowns: Vec<String>,
    /// The `environment_id` of the files' own `pingone` block (not of a retargeted
    /// one): what fields that default to it may leave out.
    pub declared_pingone_environment: Option<String>,
}

/// Splits a `--var` argument `NAME=VALUE` at the first `=`.
pub fn parse_var_assignment(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("`{text}` is not NAME=VALUE"));
    };
    let name = name.trim();
    if !block::is_valid_name(name) {
        return Err(format!("`{name}` is not a valid variable name in `{text}`"));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Reads, evaluates and checks the configuration in `options.dir`.
pub fn load(options: &LoadOptions) -> Result<Loaded, ConfigErrors> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let files = files::read_configuration(
        &options.dir,
        &options.extra_files,
        options.allow_empty,
        &mut errors,
    );
    let declarations = declarations::collect(files, &mut errors);
    shape::check(&declarations, &mut errors);
    let directives = directives::read(
        &declarations.directives,
        &declarations.resources,
        &options.recorded_ids,
        &mut errors,
    );
    let kept_ids = KeptIds::new(&options.recorded_ids, &directives);
    let dependencies = dependencies::analyse(&declarations, &mut errors);
    // A built-in sandbox replaces the servers' credentials: variables only they read
    // need no value.
    let needless = match options.retarget {
        Some(_) => pingfederate_block::credential_only_variables(
            &declarations,
            &dependencies.local_variables,
        ),
        None => Default::default(),
    };
    let mut unknown_variables = Vec::new();
    let variables = variables::resolve(
        &declarations.variables,
        options,
        &needless,
        &mut unknown_variables,
        &mut errors,
    );
    let (scope, resources) = evaluate_in_order(
        &declarations,
        &dependencies,
        &variables,
        options,
        &kept_ids,
        &mut errors,
        &mut warnings,
    );
    resource::cross_check(
        &declarations.resources,
        &resources,
        &mut errors,
        &mut warnings,
    );
    let evaluator = AttributeEvaluator {
        scope: &scope,
        sensitive: &variables.sensitive,
        local_variables: &dependencies.local_variables,
    };
    let pingfederate = declarations
        .pingfederate
        .as_ref()
        .and_then(|block| pingfederate_block::evaluate(block, &evaluator, &mut errors));
    let pingone = declarations
        .pingone
        .as_ref()
        .and_then(|block| pingone_block::evaluate(block, &evaluator, &mut errors));
    let exclusions = evaluate_exclusions(&declarations, &evaluator, &mut errors, &mut warnings);
    // Checked here so that `validate` reports it; commands read it with
    // `state_setting`, before the rest is evaluated.
    if let Some(block) = &declarations.state {
        state_block::evaluate(block, &options.dir, &mut errors);
    }
    let mut unknowns: Vec<String> = scope.unknowns.take().into_iter().collect();
    unknowns.extend(
        unknown_variables
            .into_iter()
            .map(|name| format!("variable `{name}`")),
    );
    unknowns.sort();
    let (imports, lifecycle) = directives::finish(
        &directives,
        &declarations.resources,
        &resources,
        &options.recorded_ids,
        &evaluator,
        &mut errors,
    );

    if !errors.is_empty() {
        diagnostic::sort_by_location(&mut errors);
        return Err(ConfigErrors::new(errors));
    }
    let inputs: Vec<String> = variables
        .given
        .iter()
        .map(|name| format!("variable `{name}`"))
        .chain(
            scope
                .environment_read
                .take()
                .into_iter()
                .map(|name| format!("environment variable `{name}`")),
        )
        .collect();
    let mut desired = Desired {
        pingfederate,
        pingone,
        resources,
        exclusions,
        inputs,
        imports,
        removed: directives.removed,
        moved: directives.moved,
        lifecycle,
    };
    default_pingone_environment(&mut desired);
    let declared_pingone_environment = desired.pingone.as_ref().map(|p| p.environment_id.clone());
    if let Some(retarget) = &options.retarget {
        retarget_servers(&mut desired, retarget);
    }
    desired.resources.sort_by(|a, b| a.address.cmp(&b.address));

    diagnostic::sort_by_location(&mut warnings);
    let mut reports: Vec<miette::Report> = Vec::new();
    if let Some(settings) = &desired.pingfederate
        && settings.insecure_skip_tls_verify
    {
        reports.push(miette::Report::new(ConfigError::InsecureTls));
    }
    reports.extend(warnings.into_iter().map(miette::Report::new));
    Ok(Loaded {
        desired,
        warnings: reports,
        unknowns,
        declared_pingone_environment,
    })
}

/// Locals and resources in dependency order: each sees the values and ids of what it
/// refers to. Returns the scope (for the blocks evaluated after) and the resources.
fn evaluate_in_order<'a>(
    declarations: &'a Declarations,
    dependencies: &Dependencies,
    variables: &VariableValues,
    options: &'a LoadOptions,
    kept_ids: &KeptIds,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> (Scope<'a>, Vec<DesiredResource>) {
    let mut scope = Scope {
        dir: &options.dir,
        environment: &options.environment,
        variables: variables.values.clone(),
        locals: hcl::Map::new(),
        ids: BTreeMap::new(),
        unknown_inputs: options.unknown_inputs,
        ignore_server_credentials: options.retarget.is_some(),
        unknowns: Default::default(),
        environment_read: Default::default(),
    };
    let locals: BTreeMap<&str, _> = declarations
        .locals
        .iter()
        .map(|l| (l.name.as_str(), l))
        .collect();
    let declared: BTreeMap<&Address, &ResourceDeclaration> = declarations
        .resources
        .iter()
        .map(|r| (&r.address, r))
        .collect();
    let mut resources = Vec::new();
    let mut ids: Vec<(&ResourceDeclaration, String)> = Vec::new();
    for node in &dependencies.order {
        match node {
            Node::Local(name) => {
                let Some(local) = locals.get(name.as_str()) else {
                    continue;
                };
                let attribute = format!("local.{name}");
                if let Some(value) =
                    scope.evaluate(&local.attribute.value, &local.source, &attribute, errors)
                {
                    scope.locals.insert(name.clone(), value);
                }
            }
            Node::Resource(address) => {
                let Some(resource) = declared.get(address) else {
                    continue;
                };
                let evaluator = AttributeEvaluator {
                    scope: &scope,
                    sensitive: &variables.sensitive,
                    local_variables: &dependencies.local_variables,
                };
                let Some(id) = resource::evaluate_id(resource, &evaluator, kept_ids, errors) else {
                    continue;
                };
                let depends_on = dependencies
                    .depends_on
                    .get(address)
                    .cloned()
                    .unwrap_or_default();
                if let Some(built) = resource::evaluate(
                    resource,
                    id.clone(),
                    depends_on,
                    &evaluator,
                    errors,
                    warnings,
                ) {
                    resources.push(built);
                }
                scope.ids.insert(address.clone(), id.clone());
                ids.push((resource, id));
            }
        }
    }
    ids.sort_by(|a, b| a.0.address.cmp(&b.0.address));
    resource::check_unique_ids(&ids, errors);
    (scope, resources)
}

/// The attributes of the blocks that are not resource kinds, by block: `pingfederate`,
/// its `oauth` block, `pingone`, `exclusion` (the README documents each; a test keeps
/// it so).
pub fn settings_blocks() -> Vec<(&'static str, Vec<&'static str>)> {
    let names = |fields: &[crate::model::Field]| fields.iter().map(|f| f.name).collect();
    vec![
        (
            "pingfederate",
            names(pingfederate_block::PINGFEDERATE_FIELDS),
        ),
        ("oauth", names(pingfederate_block::OAUTH_FIELDS)),
        ("pingone", names(pingone_block::PINGONE_FIELDS)),
        ("exclusion", names(exclusion::EXCLUSION_FIELDS)),
    ]
}

/// Where the configuration in `dir` sets `attribute` of `channel` (read again from the
/// files), for a message about a value only the live systems showed to be wrong, such
/// as a population PingOne does not have. `None` when it cannot be found.
pub fn channel_attribute_location(
    dir: &std::path::Path,
    channel: &crate::model::ChannelReference,
    attribute: &str,
) -> Option<(diagnostic::Source, miette::SourceSpan)> {
    let mut ignored = Vec::new();
    let files = files::read_configuration(dir, &[], false, &mut ignored);
    let declarations = declarations::collect(files, &mut ignored);
    let resource = declarations
        .resources
        .iter()
        .find(|resource| resource.address == channel.connection)?;
    let block = resource
        .declaration
        .nested(crate::model::kinds::CHANNEL_BLOCK)
        .into_iter()
        .find(|block| block.single_label() == Some(channel.channel.as_str()))?;
    let found = block.attribute(attribute)?;
    let location = block.at(hcl::edit::Span::span(&found.value));
    Some((location.src, location.span))
}

/// Every exclusion, sorted by name, with its channels resolved against the declared
/// ones.
fn evaluate_exclusions(
    declarations: &Declarations,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Vec<Exclusion> {
    let declared_channels = exclusion::declared_channels(&declarations.resources);
    for (declaration, evaluated) in declarations.exclusions.iter().filter_map(|declaration| {
        let names_none = declaration.declaration.attribute("channels").is_some_and(
            |a| matches!(&a.value, hcl::edit::expr::Expression::Array(items) if items.is_empty()),
        );
        (declared_channels.is_empty() || names_none).then_some((declaration, names_none))
    }) {
        let location = declaration.declaration.header();
        warnings.push(ConfigError::ExclusionOnNoChannel {
            exclusion: declaration.name.clone(),
            src: location.src,
            span: location.span,
            help: Some(if evaluated {
                "`channels = []` names no channel: leave `channels` out to apply it to every channel, or name the channels".into()
            } else {
                "no provisioning connection declares a channel; the exclusion takes effect once one does".into()
            }),
        });
    }
    let mut exclusions: Vec<Exclusion> = declarations
        .exclusions
        .iter()
        .filter_map(|declaration| {
            exclusion::evaluate(declaration, evaluator, &declared_channels, errors)
        })
        .collect();
    exclusions.sort_by(|a, b| a.name.cmp(&b.name));
    exclusion::check_group_channels(&exclusions, &declarations.resources, errors);
    exclusions
}

/// Fields whose default is the `pingone` block's environment get it when left out
/// (`shape` made sure there is a `pingone` block then).
fn default_pingone_environment(desired: &mut Desired) {
    let Some(environment) = desired.pingone.as_ref().map(|p| p.environment_id.clone()) else {
        return;
    };
    for resource in &mut desired.resources {
        set_pingone_environment(resource, &environment, false);
    }
}

/// Points the configuration at other servers: the settings blocks (keeping
/// `bypass_external_validation`), and the PingOne
/// environment of every object that names one (the sandbox has one environment).
fn retarget_servers(desired: &mut Desired, retarget: &Retarget) {
    // Where the servers are and how to log in change; the connection-test bypass stays.
    // `replicate` does not: the built-in sandbox is one standalone server.
    let mut pingfederate = retarget.pingfederate.clone();
    if let Some(configured) = &desired.pingfederate {
        pingfederate.bypass_external_validation = configured.bypass_external_validation;
    }
    desired.pingfederate = Some(pingfederate);
    // PingOne only for a configuration that involves it: a `pingone` block, or an
    // object that names a PingOne environment. The quick start has neither, and its
    // plan says nothing about PingOne.
    let involves_pingone = desired.pingone.is_some()
        || desired.resources.iter().any(|resource| {
            resource
                .kind()
                .fields()
                .iter()
                .any(|field| field.default == FieldDefault::PingOneEnvironment)
        });
    if !involves_pingone {
        return;
    }
    desired.pingone = Some(retarget.pingone.clone());
    for resource in &mut desired.resources {
        set_pingone_environment(resource, &retarget.pingone.environment_id, true);
    }
}

fn set_pingone_environment(resource: &mut DesiredResource, environment: &str, replace: bool) {
    let fields = resource.kind().fields();
    for field in fields
        .iter()
        .filter(|field| field.default == FieldDefault::PingOneEnvironment)
    {
        if replace || !resource.attributes.contains_key(field.name) {
            resource.attributes.insert(
                field.name.to_string(),
                Json::String(environment.to_string()),
            );
        }
    }
    // Field order, as everything else that reads the attributes expects.
    let mut rest = std::mem::take(&mut resource.attributes);
    for field in fields {
        if let Some(value) = rest.remove(field.name) {
            resource.attributes.insert(field.name.to_string(), value);
        }
    }
    resource.attributes.append(&mut rest);
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
            retarget: None,
            ..LoadOptions::default()
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
            population_id     = "pop-1"
            attribute_mapping = { username = "uid", email = "mail", emial = "mail" }
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
    fn exclusions_name_channels_as_strings_and_stay_out_of_the_declared_filters() {
        let base = PINGONE_BASE.replace(
            "group_dn          = \"cn=staff,dc=example\"",
            "user_filter       = \"(isMemberOf=cn=staff,dc=example)\"",
        );
        let text = format!(
            "{base}\nexclusion \"a\" {{\n  pingone_username = \"x\"\n  source_attribute = \"uid\"\n  source_value = \"x\"\n  channels = [\"pingone.groups\"]\n  reason = \"r\"\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        let desired = loaded.unwrap().desired;
        let connection = desired.resources.last().unwrap();
        // The plan composes the effective filter (it needs the source's directory type).
        assert_eq!(
            connection.attributes["channels"][0]["user_filter"],
            "(isMemberOf=cn=staff,dc=example)"
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

    #[test]
    fn invalid_ids_name_each_kind_by_its_own_id_space() {
        use crate::model::ResourceKind;
        for kind in ResourceKind::ALL.into_iter().filter(|k| !k.is_singleton()) {
            let noun = kind.collection().noun();
            let header = Address::new(kind, "a").block_header();
            let text = format!("{header} {{\n  id = \"bad id\"\n}}\n");
            let (loaded, _dir) = load_text(&text, &[]);
            let errors = loaded.unwrap_err();
            assert!(
                errors.contains(&format!("invalid {noun} id `bad id`")),
                "{kind:?}: {errors:?}"
            );
        }
    }

    #[test]
    fn an_ldap_gateway_store_refers_to_its_pingone_connection_and_defaults_its_environment() {
        let text = "pingone {\n  region = \"EU\"\n  environment_id = \"env-1\"\n  client_id = \"c\"\n  client_secret = \"s\"\n}\npingone_connection \"workforce\" {\n  credential = \"c\"\n}\ndatastore \"ldap_gateway\" \"branch\" {\n  ldap_type = \"ACTIVE_DIRECTORY\"\n  pingone_connection = pingone_connection.workforce\n  gateway_id = \"gw-1\"\n}\n";
        let (loaded, _dir) = load_text(text, &[]);
        let desired = loaded.unwrap().desired;
        let store = desired
            .get(&"datastore.ldap_gateway.branch".parse().unwrap())
            .unwrap();
        assert_eq!(store.attributes["environment_id"], "env-1");
        assert_eq!(store.attributes["pingone_connection"], "workforce");
        let depends_on: Vec<String> = store.depends_on.iter().map(ToString::to_string).collect();
        assert_eq!(depends_on, ["pingone_connection.workforce"]);
    }

    #[test]
    fn an_exclusion_on_a_channel_that_selects_users_by_group_dn_is_refused() {
        let text = format!(
            "{PINGONE_BASE}\nexclusion \"a\" {{\n  pingone_username = \"x\"\n  source_attribute = \"uid\"\n  source_value = \"x\"\n  reason = \"r\"\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        let errors = loaded.unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("provisioning_connection.pingone.channel.groups selects users by `group_dn`, and exclusions `a` apply to it"),
            "{errors:?}"
        );
    }

    fn load_recorded(
        text: &str,
        recorded: &[(&str, &str)],
    ) -> (Result<Loaded, Vec<String>>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), text).unwrap();
        let options = LoadOptions {
            dir: dir.path().to_path_buf(),
            recorded_ids: recorded
                .iter()
                .map(|(address, id)| (address.parse().unwrap(), id.to_string()))
                .collect(),
            ..LoadOptions::default()
        };
        let result =
            load(&options).map_err(|errors| errors.iter().map(ToString::to_string).collect());
        (result, dir)
    }

    const STORE: &str = "datastore \"jdbc\" \"db\" {\n  driver_class   = \"org.h2.Driver\"\n  connection_url = \"jdbc:h2:mem:a\"\n}\n";

    #[test]
    fn an_import_block_names_a_declared_block_and_its_id() {
        let text = format!("{STORE}import {{\n  to = datastore.jdbc.db\n  id = \"db\"\n}}\n");
        let (loaded, _dir) = load_text(&text, &[]);
        let desired = loaded.unwrap().desired;
        let address: Address = "datastore.jdbc.db".parse().unwrap();
        assert_eq!(desired.imports[&address].id, "db");
        assert_eq!(
            desired.imports[&address]
                .declared_at
                .describe()
                .rsplit('/')
                .next(),
            Some("main.hcl:5:1")
        );

        let text = format!(
            "{STORE}import {{\n  to = datastore.jdbc.db\n  id = \"LDAP-1\"\n}}\nimport {{\n  to = datastore.ldap.nope\n  id = \"x\"\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "`import` into datastore.jdbc.db names the id `LDAP-1`, but the block's id is `db`",
                "`import` names datastore.ldap.nope, which the configuration does not declare",
            ]
        );
    }

    #[test]
    fn removed_and_moved_blocks_name_addresses_the_configuration_no_longer_declares() {
        let text = format!(
            "{STORE}removed {{\n  from = datastore.jdbc.db\n}}\nremoved {{\n  from = \"datastore.jdbc.gone\"\n}}\nmoved {{\n  from = datastore.jdbc.db\n  to   = datastore.ldap.db\n}}\n"
        );
        let (loaded, _dir) = load_text(&text, &[]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "datastore.jdbc.db is declared, and a `removed` block forgets it",
                "`from` in the `removed` block is not a resource address: \"datastore.jdbc.gone\" is a string",
                "`moved` cannot change the kind of an object: datastore.jdbc.db is a JDBC data store, datastore.ldap.db is an LDAP data store",
            ]
        );
    }

    #[test]
    fn a_moved_block_keeps_the_recorded_id_and_references_follow_it() {
        let text = "datastore \"jdbc\" \"renamed\" {\n  driver_class   = \"org.h2.Driver\"\n  connection_url = \"jdbc:h2:mem:a\"\n}\nmoved {\n  from = datastore.jdbc.db\n  to   = datastore.jdbc.renamed\n}\noutbound_provisioning {\n  datastore = datastore.jdbc.renamed\n}\n";
        let (loaded, _dir) = load_recorded(text, &[("datastore.jdbc.db", "db")]);
        let desired = loaded.unwrap().desired;
        assert_eq!(desired.resources[0].id, "db");
        assert_eq!(desired.resources[1].attributes["datastore"], "db");
        let to: Address = "datastore.jdbc.renamed".parse().unwrap();
        assert_eq!(desired.moved[&to].from.to_string(), "datastore.jdbc.db");
        // Once the state records the new address, it keeps that id with or without
        // the `moved` block; an explicit `id` always wins.
        let (loaded, _dir) = load_recorded(text, &[("datastore.jdbc.renamed", "db")]);
        assert_eq!(loaded.unwrap().desired.resources[0].id, "db");
        let explicit = text.replace(
            "datastore \"jdbc\" \"renamed\" {\n",
            "datastore \"jdbc\" \"renamed\" {\n  id = \"renamed\"\n",
        );
        let (loaded, _dir) = load_recorded(&explicit, &[("datastore.jdbc.db", "db")]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "`moved` moves datastore.jdbc.db (id `db`) to datastore.jdbc.renamed, whose block declares the id `renamed`"
            ]
        );
        let both = load_recorded(
            text,
            &[
                ("datastore.jdbc.db", "db"),
                ("datastore.jdbc.renamed", "other"),
            ],
        )
        .0
        .unwrap_err();
        assert_eq!(
            both,
            [
                "`moved` moves datastore.jdbc.db to datastore.jdbc.renamed, but the state manages both"
            ]
        );
    }

    #[test]
    fn lifecycle_declares_prevent_destroy_once_per_block() {
        let text = STORE.replace("}\n", "  lifecycle {\n    prevent_destroy = true\n  }\n}\n");
        let (loaded, _dir) = load_text(&text, &[]);
        let desired = loaded.unwrap().desired;
        let address: Address = "datastore.jdbc.db".parse().unwrap();
        assert!(desired.lifecycle[&address].prevent_destroy);
        assert!(
            desired.lifecycle[&address]
                .declared_at
                .describe()
                .ends_with("main.hcl:5:5")
        );

        let text = STORE.replace(
            "}\n",
            "  lifecycle {\n    prevent_destory = true\n  }\n  lifecycle {}\n}\n",
        );
        let (loaded, _dir) = load_text(&text, &[]);
        assert_eq!(
            loaded.unwrap_err(),
            [
                "unknown attribute `prevent_destory` in the `lifecycle` block of datastore.jdbc.db",
                "duplicate `lifecycle` block in datastore.jdbc.db",
            ]
        );
    }
}
