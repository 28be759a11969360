//! Reading `{ "items": [ ... ] }` collections one item at a time: each item is parsed,
//! handed over and dropped before the next, so ten thousand data stores never exist
//! as one JSON tree in memory.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

use crate::model::Observed;

/// Decodes a collection body, calling `insert` for every item.
pub fn decode_items(
    bytes: &[u8],
    mut insert: impl FnMut(&mut Observed, Value) -> Result<(), String>,
) -> Result<Observed, String> {
    let mut observed = Observed::default();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let found = Collection {
        observed: &mut observed,
        insert: &mut insert,
    }
    .deserialize(&mut deserializer)
    .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    if !found {
        return Err("no `items` list".to_string());
    }
    Ok(observed)
}

type Insert<'a> = &'a mut dyn FnMut(&mut Observed, Value) -> Result<(), String>;

struct Collection<'a> {
    observed: &'a mut Observed,
    insert: Insert<'a>,
}

impl<'de> DeserializeSeed<'de> for Collection<'_> {
    /// Whether an `items` list was present.
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object with an `items` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                map.next_value_seed(Items {
                    observed: &mut *self.observed,
                    insert: &mut *self.insert,
                })?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

struct Items<'a> {
    observed: &'a mut Observed,
    insert: Insert<'a>,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<(), A::Error> {
        while let Some(item) = sequence.next_element::<Value>()? {
            (self.insert)(self.observed, item).map_err(A::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::DATA_STORES;
    use crate::model::{ObservedObject, ResourceKind};

    fn insert(observed: &mut Observed, item: Value) -> Result<(), String> {
        let id = item["id"].as_str().ok_or("no id")?.to_string();
        observed.insert(ObservedObject {
            kind: ResourceKind::DatastoreJdbc,
            id,
            attributes: Default::default(),
            encrypted: Default::default(),
            raw: None,
            part_missing: false,
        });
        Ok(())
    }

    #[test]
    fn every_item_is_handed_over() {
        let body = br#"{"other": [1, {"x": 2}], "items": [{"id": "a"}, {"id": "b"}]}"#;
        let observed = decode_items(body, insert).unwrap();
        assert_eq!(observed.len(), 2);
        assert!(observed.get(DATA_STORES, "b").is_some());
    }

    #[test]
    fn a_body_without_items_or_with_a_bad_item_is_an_error() {
        assert!(
            decode_items(br#"{"nothing": []}"#, insert)
                .unwrap_err()
                .contains("items")
        );
        assert!(
            decode_items(br#"{"items": [{"name": "x"}]}"#, insert)
                .unwrap_err()
                .contains("no id")
        );
        assert!(decode_items(br#"{"items": [] } trailing"#, insert).is_err());
    }
}
