//! Kiosks: the self-service machines that capture originals.

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::kiosks;
use crate::{Registry, RegistryError, audit, now};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = kiosks)]
pub struct KioskRecord {
    pub id: String,
    pub name: String,
    pub location: String,
    pub created_at: String,
}

pub(crate) fn valid_id(what: &'static str, id: &str) -> Result<(), RegistryError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(RegistryError::Invalid {
            what,
            problem: format!(
                "{:?} must be 1-64 characters of A-Z a-z 0-9 - _ .",
                id.chars().take(64).collect::<String>()
            ),
        })
    }
}

impl Registry {
    /// Registers a kiosk.
    pub fn add_kiosk(
        &mut self,
        id: &str,
        name: &str,
        location: &str,
        actor: &str,
    ) -> Result<KioskRecord, RegistryError> {
        valid_id("kiosk id", id)?;
        let rec = KioskRecord {
            id: id.to_string(),
            name: name.to_string(),
            location: location.to_string(),
            created_at: now(),
        };
        self.conn.write(|conn| {
            let exists: i64 = kiosks::table
                .filter(kiosks::id.eq(id))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                return Err(RegistryError::AlreadyExists {
                    entity: "kiosk",
                    id: id.to_string(),
                });
            }
            diesel::insert_into(kiosks::table)
                .values(&rec)
                .execute(conn)?;
            audit::append(
                conn,
                &rec.created_at,
                actor,
                "kiosk",
                id,
                "create",
                serde_json::json!({ "name": name, "location": location }),
            )?;
            Ok(rec.clone())
        })
    }

    pub fn get_kiosk(&mut self, id: &str) -> Result<KioskRecord, RegistryError> {
        kiosks::table
            .filter(kiosks::id.eq(id))
            .select(KioskRecord::as_select())
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(|| RegistryError::NotFound {
                entity: "kiosk",
                id: id.to_string(),
            })
    }

    pub fn list_kiosks(&mut self) -> Result<Vec<KioskRecord>, RegistryError> {
        Ok(kiosks::table
            .order(kiosks::id.asc())
            .select(KioskRecord::as_select())
            .load(&mut self.conn)?)
    }
}
