//! Attachments of records: stored through the object store under generated
//! names, checked by their content, fetched only by those who see the record.

use std::path::PathBuf;

use kuijing_domain::{Action, FieldErrors, Kind, Permission};
pub use kuijing_store::attachments::Attachment;
use kuijing_store::attachments::{self, NewAttachment};
use kuijing_store::{Tx, customers, departments};

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// Where files live. A local folder now; a bucket is another variant with
/// the same three operations.
#[derive(Debug, Clone)]
pub enum ObjectStore {
    Folder(PathBuf),
}

impl ObjectStore {
    fn path(&self, key: &str) -> PathBuf {
        match self {
            ObjectStore::Folder(root) => root.join(&key[..2]).join(key),
        }
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::write(path, bytes).await
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)).await
    }

    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The kinds of file a CRM keeps: pictures, PDF, office documents and plain
/// text. The type comes from the content, never from the name.
fn content_type(bytes: &[u8]) -> Option<&'static str> {
    if let Some(kind) = infer::get(bytes) {
        let allowed = matches!(
            kind.mime_type(),
            "image/png"
                | "image/jpeg"
                | "image/gif"
                | "image/webp"
                | "application/pdf"
                | "application/zip"
                | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                | "application/msword"
                | "application/vnd.ms-excel"
                | "application/vnd.ms-powerpoint"
        );
        return allowed.then_some(kind.mime_type());
    }
    std::str::from_utf8(bytes)
        .ok()
        .map(|_| "text/plain; charset=utf-8")
}

/// A file name as shown and downloaded: no folders, no control characters.
fn clean_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let cleaned = cleaned.trim().to_string();
    (!cleaned.is_empty() && cleaned.chars().count() <= 200).then_some(cleaned)
}

impl App {
    pub fn object_store(&self) -> ObjectStore {
        ObjectStore::Folder(self.settings.data_dir.join("attachments"))
    }

    pub async fn list_customer_attachments(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<Vec<Attachment>> {
        let mut tx = self.db.read().await?;
        self.visible_customer(&mut tx, caller, id).await?;
        Ok(attachments::of_record(&mut tx, Kind::Customer.as_str(), id).await?)
    }

    pub async fn attach_to_customer(
        &self,
        caller: &Caller,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        caller.require(Permission::new(Kind::Customer, Action::Edit))?;
        let mut errors = FieldErrors::new();
        let name = clean_name(file_name);
        if name.is_none() {
            errors.add("file", "file_name_invalid");
        }
        if bytes.is_empty() {
            errors.add("file", "file_empty");
        } else if bytes.len() as u64 > self.settings.attachment_max_mb * 1024 * 1024 {
            errors.add("file", "file_too_large");
        }
        let kind = content_type(bytes);
        if kind.is_none() && !bytes.is_empty() {
            errors.add("file", "file_type_refused");
        }
        errors.into_result()?;
        let (Some(name), Some(kind)) = (name, kind) else {
            return Err(ServiceError::Internal("attachment".into()));
        };

        let mut tx = self.db.write().await?;
        self.writable_customer(&mut tx, caller, id).await?;
        let key = format!("{:032x}", rand_key());
        self.object_store()
            .put(&key, bytes)
            .await
            .map_err(|e| ServiceError::Internal(format!("storing attachment: {e}")))?;
        let new = NewAttachment {
            kind: Kind::Customer.as_str(),
            record_id: id,
            file_name: &name,
            content_type: kind,
            size: bytes.len() as i64,
            storage_key: &key,
            uploaded_by: caller.user.id,
        };
        let attachment = attachments::insert(&mut tx, &new, self.now()).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Customer,
            id,
            "attachment",
            None,
            Some(name),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            attachment.id = attachment,
            customer.id = id,
            bytes = bytes.len(),
            "attachment stored"
        );
        let mut tx = self.db.read().await?;
        attachments::get(&mut tx, attachment)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// An attachment and its bytes, if the caller sees its record.
    pub async fn fetch_attachment(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(Attachment, Vec<u8>)> {
        let mut tx = self.db.read().await?;
        let found = attachments::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.visible_record(&mut tx, caller, &found).await?;
        drop(tx);
        let bytes = self
            .object_store()
            .get(&found.storage_key)
            .await
            .map_err(|e| ServiceError::Internal(format!("reading attachment: {e}")))?;
        Ok((found, bytes))
    }

    pub async fn delete_attachment(&self, caller: &Caller, id: i64) -> Result<i64> {
        let mut tx = self.db.write().await?;
        let found = attachments::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.visible_record(&mut tx, caller, &found).await?;
        caller.require(Permission::new(Kind::Customer, Action::Edit))?;
        self.writable_customer(&mut tx, caller, found.record_id)
            .await?;
        attachments::delete(&mut tx, id).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Customer,
            found.record_id,
            "attachment",
            Some(found.file_name.clone()),
            None,
        )
        .await?;
        tx.commit().await?;
        self.object_store()
            .delete(&found.storage_key)
            .await
            .map_err(|e| ServiceError::Internal(format!("deleting attachment: {e}")))?;
        Ok(found.record_id)
    }

    async fn visible_record(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        attachment: &Attachment,
    ) -> Result<()> {
        match attachment.kind.as_str() {
            "customer" => {
                self.visible_customer(tx, caller, attachment.record_id)
                    .await
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    async fn visible_customer(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<()> {
        caller.require(Permission::new(Kind::Customer, Action::View))?;
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let pools = self.pools_of(tx, caller).await?;
        customers::get(tx, &visibility, caller.user.id, self.today(), id, &pools)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(())
    }
}

/// A random storage key: the user's file name never reaches the disk.
fn rand_key() -> u128 {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    u128::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n0000"), Some("image/png"));
        assert_eq!(content_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            content_type("會議紀錄".as_bytes()),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(content_type(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None);
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("C:\\報價單.pdf").as_deref(), Some("報價單.pdf"));
        assert_eq!(clean_name("  "), None);
    }
}
