//! What PingFederate says about a CUSTOM data store plugin (`CustomDataStoreDescriptor`,
//! `GET /dataStores/descriptors`): its configuration fields, which of them are
//! encrypted, and the value PingFederate fills in for a field a request leaves out.

/// One plugin's configuration, as its descriptor describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginDescriptor {
    /// The plugin class (`pluginDescriptorRef.id` of a store).
    pub id: String,
    pub fields: Vec<PluginField>,
    /// The names of its configuration tables.
    pub tables: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginField {
    pub name: String,
    /// What PingFederate stores when a request leaves the field out: the spec's
    /// `defaultForLegacyConfig` when the descriptor has one, else `defaultValue`.
    pub default: Option<String>,
    pub encrypted: bool,
}

impl PluginDescriptor {
    pub fn field(&self, name: &str) -> Option<&PluginField> {
        self.fields.iter().find(|field| field.name == name)
    }
}
