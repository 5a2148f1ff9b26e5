//! E-mail retrieval links: the token's `jti` is recorded so that a link can be revoked.

use diesel::prelude::*;
use serde::Serialize;
use truecopy_domain::IdCode;

use crate::schema::{copies, email_links};
use crate::{Registry, RegistryError, audit, now};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = email_links)]
pub struct EmailLinkRecord {
    pub jti: String,
    pub copy_code: String,
    pub email: String,
    pub created_at: String,
    pub expires_at: String,
    pub sent_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl Registry {
    /// Records a link about to be e-mailed.
    pub fn record_email_link(
        &mut self,
        jti: &str,
        code: &IdCode,
        email: &str,
        expires_at: &str,
        actor: &str,
    ) -> Result<EmailLinkRecord, RegistryError> {
        if jti.is_empty() || jti.len() > 64 {
            return Err(RegistryError::Invalid {
                what: "link id",
                problem: "must be 1 to 64 characters".into(),
            });
        }
        if email.len() > 254 || !email.contains('@') {
            return Err(RegistryError::Invalid {
                what: "e-mail address",
                problem: "expected name@domain, at most 254 characters".into(),
            });
        }
        let rec = EmailLinkRecord {
            jti: jti.to_string(),
            copy_code: code.as_str().to_string(),
            email: email.to_string(),
            created_at: now(),
            expires_at: expires_at.to_string(),
            sent_at: None,
            revoked_at: None,
        };
        self.conn.write(|conn| {
            let exists: i64 = copies::table
                .filter(copies::code.eq(code.as_str()))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                return Err(RegistryError::NotFound {
                    entity: "copy",
                    id: code.to_string(),
                });
            }
            diesel::insert_into(email_links::table)
                .values(&rec)
                .execute(conn)?;
            audit::append(
                conn,
                &rec.created_at,
                actor,
                "copy",
                code.as_str(),
                "email_link",
                // The address is personal data: the log keeps only that a link was made.
                serde_json::json!({ "jti": jti, "expires_at": expires_at }),
            )?;
            Ok(rec.clone())
        })
    }

    pub fn mark_email_link_sent(&mut self, jti: &str) -> Result<(), RegistryError> {
        let n = diesel::update(email_links::table.filter(email_links::jti.eq(jti)))
            .set(email_links::sent_at.eq(now()))
            .execute(&mut self.conn)?;
        if n == 1 {
            Ok(())
        } else {
            Err(RegistryError::NotFound {
                entity: "e-mail link",
                id: jti.to_string(),
            })
        }
    }

    pub fn get_email_link(&mut self, jti: &str) -> Result<EmailLinkRecord, RegistryError> {
        email_links::table
            .filter(email_links::jti.eq(jti))
            .select(EmailLinkRecord::as_select())
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(|| RegistryError::NotFound {
                entity: "e-mail link",
                id: jti.to_string(),
            })
    }

    /// The links recorded for a copy, oldest first.
    pub fn email_links_of_copy(
        &mut self,
        code: &IdCode,
    ) -> Result<Vec<EmailLinkRecord>, RegistryError> {
        Ok(email_links::table
            .filter(email_links::copy_code.eq(code.as_str()))
            .order(email_links::created_at.asc())
            .select(EmailLinkRecord::as_select())
            .load(&mut self.conn)?)
    }

    /// Revokes a link (the copy itself stays valid).
    pub fn revoke_email_link(
        &mut self,
        jti: &str,
        actor: &str,
    ) -> Result<EmailLinkRecord, RegistryError> {
        let at = now();
        self.conn.write(|conn| {
            let link: EmailLinkRecord = email_links::table
                .filter(email_links::jti.eq(jti))
                .select(EmailLinkRecord::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| RegistryError::NotFound {
                    entity: "e-mail link",
                    id: jti.to_string(),
                })?;
            if link.revoked_at.is_some() {
                return Ok(link);
            }
            diesel::update(email_links::table.filter(email_links::jti.eq(jti)))
                .set(email_links::revoked_at.eq(&at))
                .execute(conn)?;
            audit::append(
                conn,
                &at,
                actor,
                "copy",
                &link.copy_code,
                "revoke_email_link",
                serde_json::json!({ "jti": jti }),
            )?;
            Ok(EmailLinkRecord {
                revoked_at: Some(at.clone()),
                ..link
            })
        })
    }
}
