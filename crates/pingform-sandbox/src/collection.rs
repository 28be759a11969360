//! The generic collection: what the Admin API's collections (`/dataStores`,
//! `/pingOneConnections`, `/idp/spConnections`) have in common, written once. A
//! `ResourceKind` says what differs between them: its wire type, how a request body is
//! read, which id a request names and which one a new item gets, the checks of a write
//! given the rest of the store, and what may refuse a delete. `find`, `create`,
//! `replace` and `delete` are the store operations behind every collection's GET, POST,
//! PUT and DELETE.
//!
//! Owns the rules every collection follows: items are kept in creation order (the order
//! a list returns them in); an unknown id is not found; a POST may name its id, which
//! must not be taken, or gets one from the kind; a PUT body may omit the id or repeat
//! the path's, never change it; every check runs before anything changes, so a refused
//! write leaves the store as it was. Must not know HTTP, a particular kind, or how an
//! API words its errors: failures are `CollectionError`s, which each kind's error type
//! turns into its API's body.

use serde_json::Value;

/// A failure every collection can have, named with the kind's noun.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectionError {
    /// No item has this id.
    NotFound { noun: &'static str, id: String },
    /// A POST names an id that is taken.
    DuplicateId {
        noun_with_article: &'static str,
        id: String,
    },
    /// A PUT body names another id than its path.
    IdMismatch {
        noun: &'static str,
        body_id: String,
        id: String,
    },
}

/// One kind of item kept in a collection of `Store`.
pub trait ResourceKind {
    /// Everything the collection lives in; its rules may consult the rest of it.
    type Store;
    /// What a write needs besides its body and the store.
    type Context<'a>;
    /// The wire type: read from request bodies, stored, and returned.
    type Item: Clone;
    /// How the kind's API reports a failure.
    type Error: From<CollectionError>;

    /// The kind in messages, e.g. `data store`.
    const NOUN: &'static str;
    /// The kind at the start of a sentence, e.g. `A data store`, `An SP connection`.
    const NOUN_WITH_ARTICLE: &'static str;

    fn items(store: &Self::Store) -> &[Self::Item];
    fn items_mut(store: &mut Self::Store) -> &mut Vec<Self::Item>;
    fn id(item: &Self::Item) -> Option<&str>;

    /// Reads a request body.
    fn from_request(body: Value) -> Result<Self::Item, Self::Error>;
    /// The id a request body names, if the kind counts it as named.
    fn requested_id(request: &Self::Item) -> Option<&str>;
    /// The id a POST without one gets.
    fn new_id(request: &Self::Item) -> Result<String, Self::Error>;
    /// PUT only: whether `request` may replace `existing` at all, checked before the
    /// write itself.
    fn check_replacement(
        _id: &str,
        _existing: &Self::Item,
        _request: &Self::Item,
    ) -> Result<(), Self::Error> {
        Ok(())
    }
    /// The stored form of a write to `id`, every rule checked: the kind's own and those
    /// that need the rest of the store. `existing` is the item a PUT replaces.
    fn validated(
        store: &Self::Store,
        request: &Self::Item,
        id: &str,
        existing: Option<&Self::Item>,
        context: &Self::Context<'_>,
    ) -> Result<Self::Item, Self::Error>;
    /// DELETE: why the item cannot go, if something forbids it.
    fn check_delete(
        _store: &Self::Store,
        _id: &str,
        _item: &Self::Item,
    ) -> Result<(), Self::Error> {
        Ok(())
    }
    /// The response form of a stored item (links located under `base_url`).
    fn to_response(item: &Self::Item, base_url: &str) -> Value;
}

/// The item with this id.
pub fn find<'s, K: ResourceKind>(store: &'s K::Store, id: &str) -> Result<&'s K::Item, K::Error> {
    K::items(store)
        .iter()
        .find(|item| K::id(item) == Some(id))
        .ok_or_else(|| {
            CollectionError::NotFound {
                noun: K::NOUN,
                id: id.to_string(),
            }
            .into()
        })
}

/// POST: a new item, added after the others.
pub fn create<K: ResourceKind>(
    store: &mut K::Store,
    body: Value,
    context: &K::Context<'_>,
) -> Result<K::Item, K::Error> {
    let request = K::from_request(body)?;
    let id = match K::requested_id(&request) {
        Some(id) if find::<K>(store, id).is_ok() => {
            return Err(CollectionError::DuplicateId {
                noun_with_article: K::NOUN_WITH_ARTICLE,
                id: id.to_string(),
            }
            .into());
        }
        Some(id) => id.to_string(),
        None => K::new_id(&request)?,
    };
    let stored = K::validated(store, &request, &id, None, context)?;
    K::items_mut(store).push(stored.clone());
    Ok(stored)
}

/// PUT: the item with this id replaced in place.
pub fn replace<K: ResourceKind>(
    store: &mut K::Store,
    id: &str,
    body: Value,
    context: &K::Context<'_>,
) -> Result<K::Item, K::Error> {
    let existing = find::<K>(store, id)?.clone();
    let request = K::from_request(body)?;
    if let Some(body_id) = K::requested_id(&request)
        && body_id != id
    {
        return Err(CollectionError::IdMismatch {
            noun: K::NOUN,
            body_id: body_id.to_string(),
            id: id.to_string(),
        }
        .into());
    }
    K::check_replacement(id, &existing, &request)?;
    let stored = K::validated(store, &request, id, Some(&existing), context)?;
    if let Some(slot) = K::items_mut(store)
        .iter_mut()
        .find(|item| K::id(item) == Some(id))
    {
        *slot = stored.clone();
    }
    Ok(stored)
}

/// DELETE: the item with this id removed, unless the kind refuses.
pub fn delete<K: ResourceKind>(store: &mut K::Store, id: &str) -> Result<(), K::Error> {
    let item = find::<K>(store, id)?;
    K::check_delete(store, id, item)?;
    K::items_mut(store).retain(|item| K::id(item) != Some(id));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A collection of names in a plain `Vec`; a POST without id gets `generated`, an
    /// empty name is refused, and so is deleting `keep`.
    struct Names;

    #[derive(Debug, Clone, PartialEq)]
    struct Name {
        id: Option<String>,
        name: String,
    }

    #[derive(Debug, PartialEq)]
    enum NameError {
        Collection(CollectionError),
        Empty,
        Kept,
    }

    impl From<CollectionError> for NameError {
        fn from(error: CollectionError) -> Self {
            Self::Collection(error)
        }
    }

    impl ResourceKind for Names {
        type Store = Vec<Name>;
        type Context<'a> = ();
        type Item = Name;
        type Error = NameError;
        const NOUN: &'static str = "name";
        const NOUN_WITH_ARTICLE: &'static str = "A name";

        fn items(store: &Vec<Name>) -> &[Name] {
            store
        }
        fn items_mut(store: &mut Vec<Name>) -> &mut Vec<Name> {
            store
        }
        fn id(item: &Name) -> Option<&str> {
            item.id.as_deref()
        }
        fn from_request(body: Value) -> Result<Name, NameError> {
            Ok(Name {
                id: body["id"].as_str().map(str::to_string),
                name: body["name"].as_str().unwrap_or_default().to_string(),
            })
        }
        fn requested_id(request: &Name) -> Option<&str> {
            request.id.as_deref()
        }
        fn new_id(_request: &Name) -> Result<String, NameError> {
            Ok("generated".to_string())
        }
        fn validated(
            _store: &Vec<Name>,
            request: &Name,
            id: &str,
            _existing: Option<&Name>,
            _context: &(),
        ) -> Result<Name, NameError> {
            if request.name.is_empty() {
                return Err(NameError::Empty);
            }
            Ok(Name {
                id: Some(id.to_string()),
                name: request.name.clone(),
            })
        }
        fn check_delete(_store: &Vec<Name>, id: &str, _item: &Name) -> Result<(), NameError> {
            match id {
                "keep" => Err(NameError::Kept),
                _ => Ok(()),
            }
        }
        fn to_response(item: &Name, _base_url: &str) -> Value {
            json!({ "id": item.id, "name": item.name })
        }
    }

    #[test]
    fn items_are_created_in_order_with_named_or_new_ids() {
        let mut store = Vec::new();
        create::<Names>(&mut store, json!({"id": "a", "name": "A"}), &()).unwrap();
        create::<Names>(&mut store, json!({"name": "B"}), &()).unwrap();
        let ids: Vec<_> = store.iter().map(|item| item.id.clone().unwrap()).collect();
        assert_eq!(ids, ["a", "generated"]);
        let error = create::<Names>(&mut store, json!({"id": "a", "name": "C"}), &()).unwrap_err();
        assert_eq!(
            error,
            NameError::Collection(CollectionError::DuplicateId {
                noun_with_article: "A name",
                id: "a".to_string()
            })
        );
    }

    #[test]
    fn a_refused_write_changes_nothing() {
        let mut store = Vec::new();
        create::<Names>(&mut store, json!({"id": "a", "name": "A"}), &()).unwrap();
        let before = store.clone();
        let empty = create::<Names>(&mut store, json!({"id": "b", "name": ""}), &());
        assert_eq!(empty.unwrap_err(), NameError::Empty);
        let empty = replace::<Names>(&mut store, "a", json!({"name": ""}), &());
        assert_eq!(empty.unwrap_err(), NameError::Empty);
        let moved = replace::<Names>(&mut store, "a", json!({"id": "z", "name": "Z"}), &());
        assert_eq!(
            moved.unwrap_err(),
            NameError::Collection(CollectionError::IdMismatch {
                noun: "name",
                body_id: "z".to_string(),
                id: "a".to_string()
            })
        );
        assert_eq!(store, before);
    }

    #[test]
    fn replace_keeps_the_place_and_unknown_ids_are_not_found() {
        let mut store = Vec::new();
        create::<Names>(&mut store, json!({"id": "a", "name": "A"}), &()).unwrap();
        create::<Names>(&mut store, json!({"id": "b", "name": "B"}), &()).unwrap();
        replace::<Names>(&mut store, "a", json!({"id": "a", "name": "A2"}), &()).unwrap();
        assert_eq!(store[0].name, "A2");
        assert_eq!(
            find::<Names>(&store, "x").unwrap_err(),
            NameError::Collection(CollectionError::NotFound {
                noun: "name",
                id: "x".to_string()
            })
        );
        assert!(delete::<Names>(&mut store, "x").is_err());
    }

    #[test]
    fn delete_follows_the_kind_s_rule() {
        let mut store = Vec::new();
        create::<Names>(&mut store, json!({"id": "keep", "name": "K"}), &()).unwrap();
        create::<Names>(&mut store, json!({"id": "go", "name": "G"}), &()).unwrap();
        assert_eq!(delete::<Names>(&mut store, "keep"), Err(NameError::Kept));
        delete::<Names>(&mut store, "go").unwrap();
        assert_eq!(store.len(), 1);
    }
}
