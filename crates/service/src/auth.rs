//! Signing in and out, sessions and tokens, and passwords.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use kuijing_domain::defaults::SUPER_ADMIN;
use kuijing_domain::{Actor, Change, ChangeAction, FieldErrors, Kind, UserStatus, text};
use kuijing_store::sessions::{self, Session};
use kuijing_store::throttle::{self, Failures};
use kuijing_store::{departments, roles, users};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Result, ServiceError, unique_to_field};
use crate::{App, Caller, SessionKind, SessionRef, password};

/// A new session or token: the secret goes to the client once and is kept
/// only as a hash.
pub struct SignedIn {
    pub secret: String,
    pub caller: Caller,
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// Signs in with phone and password. A wrong phone and a wrong password
    /// answer alike; failures on one phone slow further attempts, then lock it.
    pub async fn sign_in(
        &self,
        phone: &str,
        password_text: &str,
        kind: SessionKind,
        request_id: &str,
    ) -> Result<SignedIn> {
        let mut errors = FieldErrors::new();
        let phone = errors.take("phone", text::parse_phone(phone));
        if password_text.is_empty() {
            errors.add("password", "required");
        }
        errors.into_result()?;
        let phone = phone.unwrap_or_default();
        let now = self.now();

        let mut tx = self.db.write().await?;
        let failures = throttle::get(&mut tx, &phone).await?;
        if let Some(wait) = failures.as_ref().and_then(|f| self.wait_before_attempt(f)) {
            return Err(wait);
        }

        let found = users::for_sign_in(&mut tx, &phone).await?;
        let hash = found.as_ref().map(|(_, hash)| hash.clone());
        let matches = password::verify(&self.settings.password, password_text, hash).await?;
        let user = match found {
            Some((user, _)) if matches => user,
            _ => {
                let failures = self.count_failure(failures);
                throttle::put(&mut tx, &phone, &failures).await?;
                tx.commit().await?;
                tracing::info!(failures = failures.failures, "sign-in failed");
                return Err(ServiceError::BadCredentials);
            }
        };
        if user.status == UserStatus::Disabled {
            return Err(ServiceError::Disabled);
        }

        throttle::clear(&mut tx, &phone).await?;
        users::touch_sign_in(&mut tx, user.id, now).await?;
        let secret = random_secret();
        let lifetime = match kind {
            SessionKind::Page => Duration::hours(self.settings.session.idle_hours),
            SessionKind::Token => Duration::days(self.settings.session.token_days),
        };
        let session = Session {
            token_hash: hash_secret(&secret),
            user_id: user.id,
            kind: kind.as_str().to_string(),
            csrf_token: random_secret(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + lifetime,
        };
        sessions::insert(&mut tx, &session).await?;
        let caller = load_caller(&mut tx, user.id, &session, request_id).await?;
        tx.commit().await?;
        tracing::info!(user.id = caller.user.id, kind = kind.as_str(), "signed in");
        Ok(SignedIn { secret, caller })
    }

    /// How long the next attempt must wait, if it must.
    fn wait_before_attempt(&self, failures: &Failures) -> Option<ServiceError> {
        let now = self.now();
        if let Some(until) = failures.locked_until.filter(|until| *until > now) {
            let retry_after = (until - now).num_seconds().max(1);
            return Some(ServiceError::Throttled {
                retry_after,
                locked: true,
            });
        }
        let rules = &self.settings.sign_in;
        if failures.failures < rules.slow_after {
            return None;
        }
        let doublings = (failures.failures - rules.slow_after).min(16) as u32;
        let delay = 2i64.pow(doublings).min(rules.max_delay_seconds);
        let allowed_at = failures.last_failure_at + Duration::seconds(delay);
        (allowed_at > now).then(|| ServiceError::Throttled {
            retry_after: (allowed_at - now).num_seconds().max(1),
            locked: false,
        })
    }

    fn count_failure(&self, previous: Option<Failures>) -> Failures {
        let now = self.now();
        let rules = &self.settings.sign_in;
        // A lock that has run out starts the count again.
        let count = match previous {
            Some(f) if f.locked_until.is_none() => f.failures + 1,
            _ => 1,
        };
        let locked_until =
            (count >= rules.lock_after).then(|| now + Duration::minutes(rules.lock_minutes));
        Failures {
            failures: count,
            last_failure_at: now,
            locked_until,
        }
    }

    /// The caller behind a session cookie or bearer token, if it is valid and
    /// its user is active. Page sessions slide forward while in use.
    pub async fn authenticate(&self, secret: &str, request_id: &str) -> Result<Caller> {
        let now = self.now();
        let token_hash = hash_secret(secret);
        let mut tx = self.db.read().await?;
        let session = sessions::find(&mut tx, &token_hash, now)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let caller = load_caller(&mut tx, session.user_id, &session, request_id).await?;
        drop(tx);

        let idle = Duration::hours(self.settings.session.idle_hours);
        if caller.session.kind == SessionKind::Page
            && now - session.last_seen_at > Duration::minutes(5)
        {
            let mut tx = self.db.write().await?;
            sessions::extend(&mut tx, &token_hash, now, now + idle).await?;
            tx.commit().await?;
        }
        Ok(caller)
    }

    pub async fn sign_out(&self, caller: &Caller) -> Result<()> {
        let mut tx = self.db.write().await?;
        sessions::delete(&mut tx, &caller.session.token_hash).await?;
        tx.commit().await?;
        tracing::info!(user.id = caller.user.id, "signed out");
        Ok(())
    }

    /// Changes the caller's own password after checking the current one, and
    /// ends their other sessions and tokens.
    pub async fn change_own_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let mut errors = FieldErrors::new();
        if current.is_empty() {
            errors.add("current_password", "required");
        }
        errors.take("new_password", text::check_password(new));
        errors.into_result()?;

        let mut tx = self.db.write().await?;
        let (_, hash) = users::for_actor(&mut tx, caller.user.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // Guessing the current password from a stolen session is throttled
        // like signing in.
        let key = format!("password:{}", caller.user.id);
        let failures = throttle::get(&mut tx, &key).await?;
        if let Some(wait) = failures.as_ref().and_then(|f| self.wait_before_attempt(f)) {
            return Err(wait);
        }
        if !password::verify(&self.settings.password, current, Some(hash)).await? {
            throttle::put(&mut tx, &key, &self.count_failure(failures)).await?;
            tx.commit().await?;
            return Err(FieldErrors::from(kuijing_domain::FieldError::new(
                "current_password",
                "password_wrong",
            ))
            .into());
        }
        throttle::clear(&mut tx, &key).await?;
        let hash = password::hash(&self.settings.password, new).await?;
        users::set_password(&mut tx, caller.user.id, &hash, self.now()).await?;
        sessions::delete_for_user(&mut tx, caller.user.id, Some(&caller.session.token_hash))
            .await?;
        let change = Change {
            kind: Kind::User,
            record_id: caller.user.id,
            action: ChangeAction::Update,
            fields: vec![kuijing_domain::FieldChange {
                field: "password".into(),
                old: None,
                new: None,
            }],
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a super administrator in the top department, from the command
    /// line: the way the first user of a company comes to exist.
    pub async fn create_super_admin(
        &self,
        phone: &str,
        password_text: &str,
        name: &str,
    ) -> Result<i64> {
        let mut errors = FieldErrors::new();
        let phone = errors.take("phone", text::parse_phone(phone));
        let name = errors.take("name", text::parse_name(name, 50));
        errors.take("password", text::check_password(password_text));
        errors.into_result()?;
        let (phone, name) = (phone.unwrap_or_default(), name.unwrap_or_default());

        let hash = password::hash(&self.settings.password, password_text).await?;
        let mut tx = self.db.write().await?;
        let top = departments::top_id(&mut tx)
            .await?
            .ok_or(ServiceError::Internal("no top department".into()))?;
        let role = roles::by_code(&mut tx, SUPER_ADMIN)
            .await?
            .ok_or(ServiceError::Internal("no super administrator role".into()))?;
        let fields = users::UserFields {
            search_text: crate::users::search_text(&name, &phone, None),
            phone,
            name,
            gender: None,
            email: None,
            department_id: top,
            post: None,
            superior_id: None,
        };
        let now = self.now();
        let id = users::insert(&mut tx, &fields, &hash, now)
            .await
            .map_err(|e| unique_to_field(e, "phone", "phone", "phone_taken"))?;
        users::set_roles(&mut tx, id, &[role.id]).await?;
        let change = Change {
            kind: Kind::User,
            record_id: id,
            action: ChangeAction::Create,
            fields: vec![],
        };
        kuijing_store::change_logs::append(&mut tx, &change, None, None, now).await?;
        tx.commit().await?;
        tracing::info!(user.id = id, "super administrator created");
        Ok(id)
    }
}

/// Builds the caller of a session: the user (active only) and their roles.
async fn load_caller(
    tx: &mut kuijing_store::Tx,
    user_id: i64,
    session: &Session,
    request_id: &str,
) -> Result<Caller> {
    let (user, _) = users::for_actor(tx, user_id)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if user.status != UserStatus::Active {
        return Err(ServiceError::Unauthenticated);
    }
    let roles = roles::of_user(tx, user.id).await?;
    let actor = Actor::new(user.id, user.department_id, &roles);
    let kind = if session.kind == SessionKind::Token.as_str() {
        SessionKind::Token
    } else {
        SessionKind::Page
    };
    let waiting_approvals = kuijing_store::approvals::waiting_count(tx, user.id).await?;
    let unread_notifications = kuijing_store::notifications::unread_count(tx, user.id).await?;
    Ok(Caller {
        waiting_approvals,
        unread_notifications,
        role_names: roles.iter().map(|r| r.name.clone()).collect(),
        role_codes: roles
            .iter()
            .map(|r| r.naming_code().map(str::to_string))
            .collect(),
        language: String::new(),
        user,
        actor,
        session: SessionRef {
            token_hash: session.token_hash.clone(),
            kind,
            csrf_token: session.csrf_token.clone(),
        },
        request_id: request_id.to_string(),
    })
}
