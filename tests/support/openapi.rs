//! A compact validator of JSON values against the schemas of an OpenAPI 3.0 document,
//! for the subset of the language the PingFederate Admin API specification uses.
//!
//! Why hand-written rather than the `jsonschema` crate: OpenAPI 3.0 schemas are not
//! JSON Schema. `nullable`, `discriminator` (including PingFederate's base schemas whose
//! discriminator has no mapping and whose values, such as `JDBC` or `CHECK_BOX`, are not
//! schema names), `readOnly`/`writeOnly` (which depend on the direction of the message)
//! and `$ref` into `#/components/schemas` would all need translation first, and the
//! errors would point into the translation. The subset used by the spec is small.
//!
//! Supported: `$ref`, `allOf`, `oneOf` (with or without a discriminator), `anyOf`,
//! `discriminator` with `mapping` or implicit names, `nullable`, `type` (string,
//! integer with the int32/int64 range, number, boolean, array, object), `enum`,
//! `format: date-time`, `minLength`/`maxLength`, `minimum`/`maximum`, `items`,
//! `uniqueItems`, `properties`, `required`, `additionalProperties`, `readOnly`,
//! `writeOnly`. Not supported (unused by the data-store slice): `pattern`, `not`,
//! `multipleOf`, `minItems`/`maxItems`.
//!
//! Strictness: the spec never says `additionalProperties: false`, so by the letter any
//! extra property is allowed. That would let a misspelt field name pass, which is the
//! mistake these checks exist to catch, so by default a property the schema does not
//! declare is an error ([`Strictness::Strict`]). `Strictness::Lenient` follows the
//! letter of the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

/// A loaded OpenAPI document.
pub struct Spec {
    document: Value,
}

/// Which message is being checked: `readOnly` properties may not be sent in requests,
/// `writeOnly` properties may not appear in responses; `required` ignores the
/// properties that may not appear in that direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Properties the schema does not declare are errors.
    Strict,
    /// Undeclared properties are allowed (the letter of the spec).
    Lenient,
}

impl Spec {
    /// Reads a YAML or JSON OpenAPI document.
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        Self::from_yaml(&text).map_err(|error| format!("{}: {error}", path.display()))
    }

    pub fn from_yaml(text: &str) -> Result<Spec, String> {
        let document: Value = serde_norway::from_str(text).map_err(|error| error.to_string())?;
        if document.pointer("/components/schemas").is_none() {
            return Err("no components.schemas in the document".to_string());
        }
        Ok(Spec { document })
    }

    /// The schema named `name` in `components.schemas`.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.document
            .pointer(&format!("/components/schemas/{name}"))
    }

    fn schemas(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }

    /// `info.version`.
    pub fn version(&self) -> Option<&str> {
        self.document
            .pointer("/info/version")
            .and_then(Value::as_str)
    }

    /// The schema name an operation declares for a response status, e.g.
    /// `("/dataStores/{id}", "get", "200")` → `DataStoreAggregation`.
    pub fn response_schema_name(&self, path: &str, method: &str, status: &str) -> Option<String> {
        let paths = self.document.get("paths")?;
        let operation = paths.get(path)?.get(method.to_ascii_lowercase())?;
        let content = operation.get("responses")?.get(status)?.get("content")?;
        let media = content
            .get("application/json")
            .or_else(|| content.as_object()?.values().next())?;
        media
            .pointer("/schema/$ref")
            .and_then(Value::as_str)
            .and_then(schema_name_of_reference)
            .map(str::to_string)
    }

    /// The schema name an operation declares for its request body.
    pub fn request_schema_name(&self, path: &str, method: &str) -> Option<String> {
        let operation = self
            .document
            .get("paths")?
            .get(path)?
            .get(method.to_ascii_lowercase())?;
        let content = operation.pointer("/requestBody/content")?;
        let media = content
            .get("application/json")
            .or_else(|| content.as_object()?.values().next())?;
        media
            .pointer("/schema/$ref")
            .and_then(Value::as_str)
            .and_then(schema_name_of_reference)
            .map(str::to_string)
    }

    /// Adds `property` (with `definition`) to schema `name` (to its own `properties`, or
    /// to the first `allOf` member that has `properties`). Used to patch known gaps
    /// between the published spec and the live server.
    pub fn add_property(
        &mut self,
        name: &str,
        property: &str,
        definition: Value,
    ) -> Result<(), String> {
        let properties = self
            .properties_mut(name)
            .ok_or_else(|| format!("schema {name} has no properties to patch"))?;
        properties.insert(property.to_string(), definition);
        Ok(())
    }

    /// Marks an existing property `writeOnly: true` (the spec describes `password` as
    /// never returned but does not flag it).
    pub fn mark_write_only(&mut self, name: &str, property: &str) -> Result<(), String> {
        let properties = self
            .properties_mut(name)
            .ok_or_else(|| format!("schema {name} has no properties"))?;
        let definition = properties
            .get_mut(property)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("schema {name} has no property {property}"))?;
        definition.insert("writeOnly".to_string(), Value::Bool(true));
        Ok(())
    }

    fn properties_mut(&mut self, name: &str) -> Option<&mut Map<String, Value>> {
        let schema = self
            .document
            .pointer_mut(&format!("/components/schemas/{name}"))?;
        if schema.get("properties").is_some() {
            return schema.get_mut("properties")?.as_object_mut();
        }
        schema
            .get_mut("allOf")?
            .as_array_mut()?
            .iter_mut()
            .find(|member| member.get("properties").is_some())?
            .get_mut("properties")?
            .as_object_mut()
    }

    /// The 12.1 spec removed `ResourceLink.location`, which the live server returns (and
    /// the unedited 12.0 spec declares as a read-only string). This puts it back.
    pub fn with_resource_link_location(mut self) -> Result<Spec, String> {
        self.add_property(
            "ResourceLink",
            "location",
            serde_json::json!({
                "type": "string",
                "readOnly": true,
                "description": "A read-only URL that references the resource (patched in: \
                    the live server returns it, the 12.1 spec removed it).",
            }),
        )?;
        Ok(self)
    }
}

fn schema_name_of_reference(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Errors of `value` as a response body of schema `schema_name`, strictly.
pub fn schema_errors(spec: &Spec, schema_name: &str, value: &Value) -> Vec<String> {
    schema_errors_with(
        spec,
        schema_name,
        value,
        Direction::Response,
        Strictness::Strict,
    )
}

/// Errors of `value` as a request body of schema `schema_name`, strictly.
pub fn request_schema_errors(spec: &Spec, schema_name: &str, value: &Value) -> Vec<String> {
    schema_errors_with(
        spec,
        schema_name,
        value,
        Direction::Request,
        Strictness::Strict,
    )
}

/// Every way `value` breaks schema `schema_name`, as `"$.path: message"` lines.
pub fn schema_errors_with(
    spec: &Spec,
    schema_name: &str,
    value: &Value,
    direction: Direction,
    strictness: Strictness,
) -> Vec<String> {
    let mut validator = Validator {
        spec,
        direction,
        strictness,
        errors: Vec::new(),
        depth: 0,
    };
    match spec.schema(schema_name) {
        Some(_) => validator.validate_named(schema_name, value, "$"),
        None => validator
            .errors
            .push(format!("$: the spec has no schema named {schema_name}")),
    }
    validator.errors
}

struct Validator<'a> {
    spec: &'a Spec,
    direction: Direction,
    strictness: Strictness,
    errors: Vec<String>,
    depth: usize,
}

/// The object-level view of a schema after `$ref` and `allOf` are flattened.
#[derive(Default)]
struct Flattened<'a> {
    properties: BTreeMap<&'a str, &'a Value>,
    required: BTreeSet<&'a str>,
    types: Vec<&'a str>,
    additional: Option<&'a Value>,
    has_object_keywords: bool,
}

impl<'a> Validator<'a> {
    fn error(&mut self, path: &str, message: impl std::fmt::Display) {
        self.errors.push(format!("{path}: {message}"));
    }

    /// Trial validation: the errors `value` would produce against `schema`.
    fn trial(&self, schema: &'a Value, value: &Value, path: &str) -> Vec<String> {
        let mut trial = Validator {
            spec: self.spec,
            direction: self.direction,
            strictness: self.strictness,
            errors: Vec::new(),
            depth: self.depth,
        };
        trial.validate(schema, value, path);
        trial.errors
    }

    fn resolve(&mut self, reference: &str, path: &str) -> Option<(&'a str, &'a Value)> {
        let spec: &'a Spec = self.spec;
        let found = schema_name_of_reference(reference).and_then(|name| {
            spec.document
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .and_then(|schemas| schemas.get_key_value(name))
                .map(|(key, schema)| (key.as_str(), schema))
        });
        if found.is_none() {
            self.error(path, format!("unresolvable $ref {reference}"));
        }
        found
    }

    /// Validates against a named schema, dispatching on its discriminator when it is a
    /// base type (a discriminator without `oneOf`).
    fn validate_named(&mut self, name: &str, value: &Value, path: &str) {
        let spec: &'a Spec = self.spec;
        let Some(schema) = spec.schema(name) else {
            self.error(path, format!("no schema named {name}"));
            return;
        };
        if let (Some(discriminator), None) = (schema.get("discriminator"), schema.get("oneOf"))
            && let Some(property) = discriminator.get("propertyName").and_then(Value::as_str)
            && let Some(tag) = value.get(property).and_then(Value::as_str)
        {
            if let Some(subtype) = self.subtype_of(name, discriminator, tag) {
                if subtype != name {
                    self.validate_named(subtype, value, path);
                    return;
                }
            } else if !self.tag_in_enum(schema, property, tag) {
                self.error(
                    &format!("{path}.{property}"),
                    format!("discriminator value '{tag}' selects no subtype of {name}"),
                );
                return;
            }
        }
        self.validate(schema, value, path);
    }

    fn tag_in_enum(&self, schema: &Value, property: &str, tag: &str) -> bool {
        schema
            .pointer(&format!("/properties/{property}/enum"))
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|value| value == tag))
    }

    /// The schema a discriminator value selects among the subtypes of `base`.
    fn subtype_of(&self, base: &str, discriminator: &Value, tag: &str) -> Option<&'a str> {
        let spec: &'a Spec = self.spec;
        let by_reference = |reference: &str| -> Option<&'a str> {
            let name = schema_name_of_reference(reference)?;
            spec.schemas()
                .find(|(candidate, _)| candidate.as_str() == name)
                .map(|(candidate, _)| candidate.as_str())
        };
        // 1. An explicit mapping on the base itself.
        if let Some(reference) = discriminator
            .pointer(&format!("/mapping/{tag}"))
            .and_then(Value::as_str)
        {
            return by_reference(reference);
        }
        let subtypes: Vec<&'a str> = spec
            .schemas()
            .filter(|(name, _)| name.as_str() != base && self.extends(name, base, 0))
            .map(|(name, _)| name.as_str())
            .collect();
        // 2. A mapping elsewhere (an "...Aggregation" oneOf) pointing at a subtype.
        for (_, schema) in spec.schemas() {
            if let Some(reference) = schema
                .pointer(&format!("/discriminator/mapping/{tag}"))
                .and_then(Value::as_str)
                && let Some(target) = by_reference(reference)
                && subtypes.contains(&target)
            {
                return Some(target);
            }
        }
        // 3. The implicit OpenAPI rule: the value is the schema name.
        if let Some(exact) = subtypes.iter().find(|name| **name == tag) {
            return Some(exact);
        }
        // 4. PingFederate's convention: subtypes are named `<Stem><Base>` and the value
        //    is the stem in upper snake case (`CHECK_BOX` → `CheckBoxFieldDescriptor`).
        let wanted = tag.replace('_', "").to_ascii_lowercase();
        subtypes.into_iter().find(|name| {
            name.strip_suffix(base)
                .is_some_and(|stem| stem.to_ascii_lowercase() == wanted)
        })
    }

    /// Whether schema `name` includes `base` through `allOf` (transitively).
    fn extends(&self, name: &str, base: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(members) = self
            .spec
            .schema(name)
            .and_then(|schema| schema.get("allOf"))
            .and_then(Value::as_array)
        else {
            return false;
        };
        members.iter().any(|member| {
            member
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_name_of_reference)
                .is_some_and(|parent| parent == base || self.extends(parent, base, depth + 1))
        })
    }

    fn validate(&mut self, schema: &'a Value, value: &Value, path: &str) {
        self.depth += 1;
        if self.depth > 64 {
            self.error(path, "schema nesting too deep (recursive $ref?)");
            self.depth -= 1;
            return;
        }
        self.validate_inner(schema, value, path);
        self.depth -= 1;
    }

    fn validate_inner(&mut self, schema: &'a Value, value: &Value, path: &str) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some((name, _)) = self.resolve(reference, path) {
                self.validate_named(name, value, path);
            }
            return;
        }
        if value.is_null() {
            if !is_nullable(schema) {
                self.error(
                    path,
                    "null is not allowed here (the schema is not nullable)",
                );
            }
            return;
        }
        if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
            self.validate_one_of(schema, one_of, value, path);
            return;
        }
        if let Some(any_of) = schema.get("anyOf").and_then(Value::as_array) {
            let trials: Vec<Vec<String>> = any_of
                .iter()
                .map(|member| self.trial(member, value, path))
                .collect();
            if trials.iter().all(|errors| !errors.is_empty()) {
                self.error(path, "matches none of the anyOf schemas");
                for errors in trials {
                    self.errors.extend(errors);
                }
            }
            return;
        }

        let mut flattened = Flattened::default();
        self.flatten(schema, &mut flattened, path, 0);
        self.check_type(&flattened, schema, value, path);
        match value {
            Value::Object(object) => self.check_object(&flattened, object, path),
            Value::Array(items) => self.check_array(schema, items, path),
            Value::String(text) => check_string(schema, text, path, &mut self.errors),
            Value::Number(_) => check_number(schema, value, path, &mut self.errors),
            _ => {}
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            self.error(
                path,
                format!("{value} is not one of {}", Value::Array(allowed.clone())),
            );
        }
    }

    fn validate_one_of(
        &mut self,
        schema: &'a Value,
        members: &'a [Value],
        value: &Value,
        path: &str,
    ) {
        if let Some(discriminator) = schema.get("discriminator") {
            let property = discriminator
                .get("propertyName")
                .and_then(Value::as_str)
                .unwrap_or("type");
            let Some(tag) = value.get(property).and_then(Value::as_str) else {
                self.error(path, format!("missing discriminator property '{property}'"));
                return;
            };
            let chosen = discriminator
                .pointer(&format!("/mapping/{tag}"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    members
                        .iter()
                        .filter_map(|member| member.get("$ref").and_then(Value::as_str))
                        .find(|reference| schema_name_of_reference(reference) == Some(tag))
                        .map(str::to_string)
                });
            match chosen {
                Some(reference) => {
                    if let Some((name, _)) = self.resolve(&reference, path) {
                        self.validate_named(name, value, path);
                    }
                }
                None => self.error(
                    &format!("{path}.{property}"),
                    format!("discriminator value '{tag}' is not mapped by the oneOf"),
                ),
            }
            return;
        }
        let trials: Vec<Vec<String>> = members
            .iter()
            .map(|member| self.trial(member, value, path))
            .collect();
        let matching = trials.iter().filter(|errors| errors.is_empty()).count();
        if matching != 1 {
            self.error(
                path,
                format!("matches {matching} of the oneOf schemas, exactly one is required"),
            );
        }
    }

    /// Merges `$ref` and `allOf` members into one object view.
    fn flatten(&mut self, schema: &'a Value, into: &mut Flattened<'a>, path: &str, depth: usize) {
        if depth > 16 {
            return;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some((_, target)) = self.resolve(reference, path) {
                self.flatten(target, into, path, depth + 1);
            }
            return;
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.flatten(member, into, path, depth + 1);
            }
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            into.types.push(kind);
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            into.has_object_keywords = true;
            for (name, definition) in properties {
                into.properties.insert(name.as_str(), definition);
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            into.has_object_keywords = true;
            into.required
                .extend(required.iter().filter_map(Value::as_str));
        }
        if let Some(additional) = schema.get("additionalProperties") {
            into.has_object_keywords = true;
            into.additional = Some(additional);
        }
    }

    fn check_type(&mut self, flattened: &Flattened<'a>, schema: &Value, value: &Value, path: &str) {
        let expected = flattened
            .types
            .first()
            .copied()
            .or(if flattened.has_object_keywords {
                Some("object")
            } else {
                None
            });
        let Some(expected) = expected else {
            return;
        };
        let matches = match expected {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            _ => true,
        };
        if !matches {
            self.error(
                path,
                format!("expected {expected}, found {}", kind_of(value)),
            );
        }
        if expected == "integer"
            && let Some(number) = value.as_i64()
            && schema.get("format").and_then(Value::as_str) == Some("int32")
            && i32::try_from(number).is_err()
        {
            self.error(path, format!("{number} does not fit in int32"));
        }
    }

    fn check_object(&mut self, flattened: &Flattened<'a>, object: &Map<String, Value>, path: &str) {
        for name in &flattened.required {
            let definition = flattened.properties.get(name).copied();
            if !self.allowed_in_direction(definition) {
                continue;
            }
            if !object.contains_key(*name) {
                self.error(path, format!("missing required property '{name}'"));
            }
        }
        for (name, value) in object {
            let child = format!("{path}.{name}");
            match flattened.properties.get(name.as_str()).copied() {
                Some(definition) => {
                    if !self.allowed_in_direction(Some(definition)) {
                        let flag = match self.direction {
                            Direction::Request => "readOnly",
                            Direction::Response => "writeOnly",
                        };
                        self.error(
                            &child,
                            format!("property is {flag} and may not appear here"),
                        );
                        continue;
                    }
                    self.validate(definition, value, &child);
                }
                None => match flattened.additional {
                    Some(Value::Bool(false)) => {
                        self.error(&child, "additional properties are not allowed");
                    }
                    Some(Value::Bool(true)) => {}
                    Some(additional) => self.validate(additional, value, &child),
                    None if self.strictness == Strictness::Strict => {
                        let known: Vec<&str> = flattened.properties.keys().copied().collect();
                        self.error(
                            &child,
                            format!("property is not declared by the schema (declared: {known:?})"),
                        );
                    }
                    None => {}
                },
            }
        }
    }

    fn allowed_in_direction(&self, definition: Option<&Value>) -> bool {
        let flag = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        !definition
            .and_then(|definition| definition.get(flag))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    fn check_array(&mut self, schema: &'a Value, items: &[Value], path: &str) {
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                self.validate(item_schema, item, &format!("{path}[{index}]"));
            }
        }
        if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (index, item) in items.iter().enumerate() {
                if items[..index].contains(item) {
                    self.error(
                        &format!("{path}[{index}]"),
                        "duplicate item in a uniqueItems array",
                    );
                }
            }
        }
    }
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check_string(schema: &Value, text: &str, path: &str, errors: &mut Vec<String>) {
    let length = text.chars().count() as u64;
    if let Some(minimum) = schema.get("minLength").and_then(Value::as_u64)
        && length < minimum
    {
        errors.push(format!("{path}: shorter than minLength {minimum}"));
    }
    if let Some(maximum) = schema.get("maxLength").and_then(Value::as_u64)
        && length > maximum
    {
        errors.push(format!("{path}: longer than maxLength {maximum}"));
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time") && !is_date_time(text) {
        errors.push(format!("{path}: '{text}' is not an RFC 3339 date-time"));
    }
}

fn check_number(schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(number) = value.as_f64() else {
        return;
    };
    if let Some(minimum) = schema.get("minimum").and_then(Value::as_f64)
        && number < minimum
    {
        errors.push(format!("{path}: {number} is below the minimum {minimum}"));
    }
    if let Some(maximum) = schema.get("maximum").and_then(Value::as_f64)
        && number > maximum
    {
        errors.push(format!("{path}: {number} is above the maximum {maximum}"));
    }
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    if bytes.len() < 20
        || !digits(0..4)
        || bytes[4] != b'-'
        || !digits(5..7)
        || bytes[7] != b'-'
        || !digits(8..10)
        || !matches!(bytes[10], b'T' | b't')
        || !digits(11..13)
        || bytes[13] != b':'
        || !digits(14..16)
        || bytes[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return false;
        }
        rest = &fraction[length..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}
