//! The ids that cross the ports, as types: a production's id and an entity's id are both
//! UUIDs, and `get(kind, production, id)` with the two swapped compiled and read nothing.
//! Wrapped, a swap does not compile. The wire and the database keep plain UUIDs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                $name(id)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(s).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A production's id (a production entity's own id is its `ProductionId` too).
    ProductionId
);
id!(
    /// An entity's id within its type.
    EntityId
);

impl ProductionId {
    /// The production as an entity of the `production` type.
    pub fn as_entity(self) -> EntityId {
        EntityId(self.0)
    }
}
