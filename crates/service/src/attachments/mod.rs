//! Attachments of records: stored through the object store under generated
//! names, checked by their content, fetched only by those who see the record.

use std::path::PathBuf;

use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission};
pub use kuijing_store::attachments::Attachment;
use kuijing_store::attachments::{self, NewAttachment};
use kuijing_store::{Tx, follow_ups};

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

mod files;

pub use files::{allowed_types, over_the_limit, size_limit};
use files::{clean_name, content_type, misnamed, size_of};

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

/// The kinds of record that take attachments.
pub const ATTACHABLE: [Kind; 6] = [
    Kind::Customer,
    Kind::Lead,
    Kind::Contact,
    Kind::Opportunity,
    Kind::Contract,
    Kind::Payment,
];

/// A file that passed the checks: its clean name and its type.
pub(crate) struct CheckedUpload {
    pub name: String,
    pub content_type: &'static str,
}

impl App {
    /// Checks a file's name, size and type (from its content); what is
    /// wrong is added to `errors` under `field`.
    pub(crate) fn check_upload(
        &self,
        field: &str,
        file_name: &str,
        bytes: &[u8],
        errors: &mut FieldErrors,
    ) -> Option<CheckedUpload> {
        let name = clean_name(file_name);
        if name.is_none() {
            errors.add(field, "file_name_invalid");
        }
        let max = self.settings.attachment_max_mb;
        if bytes.is_empty() {
            errors.add(field, "attachment_empty");
        } else if bytes.len() as u64 > max * 1024 * 1024 {
            errors.push(
                FieldError::new(field, "file_too_large")
                    .with("max", size_limit(max))
                    .with("size", size_of(bytes.len())),
            );
        }
        let content = content_type(bytes);
        if let Err(found) = &content
            && !bytes.is_empty()
        {
            errors.push(
                FieldError::new(field, "file_type_refused")
                    .with("found", found)
                    .with("allowed", allowed_types()),
            );
        }
        if let (Some(name), Ok(content_type)) = (&name, &content)
            && let Some((named, found)) = misnamed(name, content_type)
        {
            errors.push(
                FieldError::new(field, "file_type_misnamed")
                    .with("named", named)
                    .with("found", found),
            );
            return None;
        }
        match (name, content) {
            (Some(name), Ok(content_type)) if !bytes.is_empty() => {
                Some(CheckedUpload { name, content_type })
            }
            _ => None,
        }
    }

    /// Puts a checked file in the object store under a generated key and
    /// records it on `(kind, record)`; answers the attachment's id.
    pub(crate) async fn store_upload(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, record): (&str, i64),
        checked: &CheckedUpload,
        bytes: &[u8],
    ) -> Result<i64> {
        let key = format!("{:032x}", rand_key());
        self.object_store()
            .put(&key, bytes)
            .await
            .map_err(|e| ServiceError::Internal(format!("storing attachment: {e}")))?;
        let new = NewAttachment {
            kind,
            record_id: record,
            file_name: &checked.name,
            content_type: checked.content_type,
            size: bytes.len() as i64,
            storage_key: &key,
            uploaded_by: caller.user.id,
        };
        let attachment = attachments::insert(tx, &new, self.now()).await?;
        tracing::info!(
            attachment.id = attachment,
            record.kind = kind,
            record.id = record,
            bytes = bytes.len(),
            "attachment stored"
        );
        Ok(attachment)
    }

    pub fn object_store(&self) -> ObjectStore {
        ObjectStore::Folder(self.settings.data_dir.join("attachments"))
    }

    /// The files of a record the caller may read.
    pub async fn list_attachments(
        &self,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<Vec<Attachment>> {
        let mut tx = self.db.read().await?;
        self.visible_record(&mut tx, caller, kind, id).await?;
        Ok(attachments::of_record(&mut tx, kind.as_str(), id).await?)
    }

    /// Stores a file on a record the caller may change.
    pub async fn attach(
        &self,
        caller: &Caller,
        kind: Kind,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        if !ATTACHABLE.contains(&kind) {
            return Err(ServiceError::NotFound);
        }
        caller.require(Permission::new(kind, Action::Edit))?;
        let mut errors = FieldErrors::new();
        let checked = self.check_upload("file", file_name, bytes, &mut errors);
        errors.into_result()?;
        let Some(checked) = checked else {
            return Err(ServiceError::Internal("attachment".into()));
        };

        let mut tx = self.db.write().await?;
        self.writable_record(&mut tx, caller, kind, id).await?;
        let attachment = self
            .store_upload(&mut tx, caller, (kind.as_str(), id), &checked, bytes)
            .await?;
        self.log_update(
            &mut tx,
            caller,
            kind,
            id,
            "attachment",
            None,
            Some(checked.name),
        )
        .await?;
        tx.commit().await?;
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
        let (kind, record) = self.holder_of(&mut tx, &found).await?;
        self.visible_record(&mut tx, caller, kind, record).await?;
        drop(tx);
        let bytes = self
            .object_store()
            .get(&found.storage_key)
            .await
            .map_err(|e| ServiceError::Internal(format!("reading attachment: {e}")))?;
        Ok((found, bytes))
    }

    /// Deletes the stored files of attachment rows removed with their
    /// records, where no other row names them (a converted lead's files are
    /// shared with its customer). Called after the commit.
    pub(crate) async fn delete_unused_files(&self, keys: Vec<String>) -> Result<()> {
        let mut keys = keys;
        keys.sort();
        keys.dedup();
        let mut unused = Vec::new();
        {
            let mut tx = self.db.read().await?;
            for key in keys {
                if !attachments::key_in_use(&mut tx, &key).await? {
                    unused.push(key);
                }
            }
        }
        for key in unused {
            if let Err(error) = self.object_store().delete(&key).await {
                // The rows are gone; a file left behind is only disk space.
                tracing::warn!(%error, "attachment file not deleted");
            }
        }
        Ok(())
    }

    /// Deletes an attachment of a record the caller may change; answers the
    /// record's kind and id.
    pub async fn delete_attachment(&self, caller: &Caller, id: i64) -> Result<(Kind, i64)> {
        let mut tx = self.db.write().await?;
        let found = attachments::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (kind, record) = self.holder_of(&mut tx, &found).await?;
        self.visible_record(&mut tx, caller, kind, record).await?;
        if found.kind == Kind::FollowUp.as_str() {
            // A follow-up's file is its author's to take back.
            if found.uploaded_by != caller.user.id {
                return Err(ServiceError::Forbidden);
            }
        } else {
            caller.require(Permission::new(kind, Action::Edit))?;
            self.writable_record(&mut tx, caller, kind, record).await?;
        }
        attachments::delete(&mut tx, id).await?;
        self.log_update(
            &mut tx,
            caller,
            kind,
            record,
            "attachment",
            Some(found.file_name.clone()),
            None,
        )
        .await?;
        // A converted lead's file is shared with its customer's copy.
        let shared = attachments::key_in_use(&mut tx, &found.storage_key).await?;
        tx.commit().await?;
        if !shared {
            self.object_store()
                .delete(&found.storage_key)
                .await
                .map_err(|e| ServiceError::Internal(format!("deleting attachment: {e}")))?;
        }
        Ok((kind, record))
    }

    /// The record whose readers may fetch an attachment: its own record, or
    /// for a follow-up's file the record the follow-up belongs to.
    async fn holder_of(&self, tx: &mut Tx, attachment: &Attachment) -> Result<(Kind, i64)> {
        if attachment.kind == Kind::FollowUp.as_str() {
            let owner = follow_ups::owner_of(tx, attachment.record_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let kind = owner
                .kind
                .parse::<Kind>()
                .map_err(|_| ServiceError::NotFound)?;
            return Ok((kind, owner.record_id));
        }
        Ok((kind_of(attachment)?, attachment.record_id))
    }
}

/// The kind an attachment belongs to; one of another kind names no record.
fn kind_of(attachment: &Attachment) -> Result<Kind> {
    attachment
        .kind
        .parse::<Kind>()
        .ok()
        .filter(|kind| ATTACHABLE.contains(kind))
        .ok_or(ServiceError::NotFound)
}

/// A random storage key: the user's file name never reaches the disk.
fn rand_key() -> u128 {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    u128::from_le_bytes(bytes)
}
