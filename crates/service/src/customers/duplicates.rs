//! The duplicate hint: customers that look like the one being typed (name,
//! phone or e-mail, compared as companies match), the same matcher serving
//! lead conversion.

use super::*;

/// A possible duplicate; its id and name only when the caller may see it,
/// so a customer outside the caller's view is told to exist, nothing more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateHint {
    pub id: Option<i64>,
    /// The customer's id whether or not the caller may see it, for the
    /// service's own use (never answered).
    #[serde(skip)]
    pub(crate) customer_id: i64,
    pub name: Option<String>,
    /// Whose it is, or that it lies in the public pool.
    pub owner_name: Option<String>,
    pub in_pool: bool,
    pub visible: bool,
    /// Which of the typed fields it shares: `name`, `phone`, `email`.
    pub matched: Vec<String>,
}

impl App {
    /// Customers that look like the one being typed. A duplicate outside the
    /// caller's scope is reported without its id and name, so a rep learns
    /// it is taken without learning whose data it is or where to find it.
    pub async fn customer_duplicates(
        &self,
        caller: &Caller,
        name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        except: Option<i64>,
    ) -> Result<Vec<DuplicateHint>> {
        caller.require(customer(Action::View))?;
        let mut tx = self.db.read().await?;
        self.duplicate_hints(&mut tx, caller, (name, phone, email), except)
            .await
    }

    /// [`App::customer_duplicates`] inside a transaction: the same matcher
    /// for the hint while typing and for converting a lead.
    pub(crate) async fn duplicate_hints(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (name, phone, email): (Option<&str>, Option<&str>, Option<&str>),
        except: Option<i64>,
    ) -> Result<Vec<DuplicateHint>> {
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let name_key = name.map(kuijing_domain::company::match_key);
        let phone_key = phone.map(kuijing_domain::company::phone_key);
        let email = email.and_then(|e| text::parse_email(e).ok());
        let found = customers::duplicates(
            tx,
            name_key.as_deref(),
            phone_key.as_deref(),
            email.as_deref(),
            except,
        )
        .await?;
        let pools = self.pools_of(tx, caller).await?;
        let today = self.today();
        let mut hints = Vec::new();
        for found in found {
            let (id, found_name, owner) = (found.id, found.name, found.owner_id);
            let visible = customers::get(tx, &visibility, caller.user.id, today, id, &pools)
                .await?
                .is_some();
            let owner_name = match (visible, owner) {
                (true, Some(owner)) => users::names(tx, &[owner]).await?.pop().map(|(_, n)| n),
                _ => None,
            };
            hints.push(DuplicateHint {
                id: visible.then_some(id),
                customer_id: id,
                name: visible.then_some(found_name),
                owner_name,
                in_pool: owner.is_none(),
                visible,
                matched: found.matched.iter().map(|m| m.to_string()).collect(),
            });
        }
        Ok(hints)
    }
}
