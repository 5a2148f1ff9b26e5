//! Judicial officers. Only their public certificates are stored here; private keys stay in
//! passphrase-protected files or on a token.

use diesel::prelude::*;
use serde::Serialize;

use crate::kiosk::valid_id;
use crate::schema::officers;
use crate::{Registry, RegistryError, audit, now};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = officers)]
pub struct OfficerRecord {
    pub id: String,
    pub full_name: String,
    pub title: String,
    pub certificate_pem: Option<String>,
    pub created_at: String,
    pub deactivated_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewOfficer {
    pub id: String,
    pub full_name: String,
    pub title: String,
    pub certificate_pem: Option<String>,
}

impl Registry {
    pub fn add_officer(
        &mut self,
        o: &NewOfficer,
        actor: &str,
    ) -> Result<OfficerRecord, RegistryError> {
        valid_id("officer id", &o.id)?;
        if let Some(pem) = &o.certificate_pem
            && (pem.contains("PRIVATE KEY") || !pem.contains("BEGIN CERTIFICATE"))
        {
            return Err(RegistryError::Invalid {
                what: "officer certificate",
                problem: "give the PEM certificate only (private keys never go into the register)"
                    .into(),
            });
        }
        let rec = OfficerRecord {
            id: o.id.clone(),
            full_name: o.full_name.clone(),
            title: o.title.clone(),
            certificate_pem: o.certificate_pem.clone(),
            created_at: now(),
            deactivated_at: None,
        };
        self.conn.write(|conn| {
            let exists: i64 = officers::table
                .filter(officers::id.eq(&o.id))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                return Err(RegistryError::AlreadyExists {
                    entity: "officer",
                    id: o.id.clone(),
                });
            }
            diesel::insert_into(officers::table)
                .values(&rec)
                .execute(conn)?;
            audit::append(
                conn,
                &rec.created_at,
                actor,
                "officer",
                &o.id,
                "create",
                serde_json::json!({ "full_name": o.full_name, "title": o.title }),
            )?;
            Ok(rec.clone())
        })
    }

    pub fn get_officer(&mut self, id: &str) -> Result<OfficerRecord, RegistryError> {
        officers::table
            .filter(officers::id.eq(id))
            .select(OfficerRecord::as_select())
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(|| RegistryError::NotFound {
                entity: "officer",
                id: id.to_string(),
            })
    }

    pub fn list_officers(&mut self) -> Result<Vec<OfficerRecord>, RegistryError> {
        Ok(officers::table
            .order(officers::id.asc())
            .select(OfficerRecord::as_select())
            .load(&mut self.conn)?)
    }
}

/// Fails unless the officer exists and is active.
pub(crate) fn require_officer(
    conn: &mut crate::db::DbConnection,
    id: &str,
) -> Result<(), RegistryError> {
    let active: i64 = officers::table
        .filter(officers::id.eq(id))
        .filter(officers::deactivated_at.is_null())
        .count()
        .get_result(conn)?;
    if active == 1 {
        Ok(())
    } else {
        Err(RegistryError::NotFound {
            entity: "active officer",
            id: id.to_string(),
        })
    }
}
