//! Argon2id password hashes, computed off the async threads.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{Result, ServiceError};
use crate::settings::PasswordSettings;

fn hasher(settings: &PasswordSettings) -> Result<Argon2<'static>> {
    let params = Params::new(
        settings.argon2_memory_kib,
        settings.argon2_iterations,
        1,
        None,
    )
    .map_err(|e| ServiceError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub(crate) async fn hash(settings: &PasswordSettings, password: &str) -> Result<String> {
    let argon = hasher(settings)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing password: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?
}

/// Whether `password` matches `hash`. With no hash (an unknown phone) it still
/// does the work of one check, so timing does not tell the phone is unknown.
pub(crate) async fn verify(
    settings: &PasswordSettings,
    password: &str,
    hash: Option<String>,
) -> Result<bool> {
    let argon = hasher(settings)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let Some(hash) = hash else {
            let salt = SaltString::generate(&mut OsRng);
            let _ = argon.hash_password(password.as_bytes(), &salt);
            return Ok(false);
        };
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| ServiceError::Internal(format!("stored hash: {e}")))?;
        Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("verifying task: {e}")))?
}
