//! Product categories: the tree products are filed under.

use kuijing_domain::{Action, FieldErrors, text};
use kuijing_store::products;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

use super::{Category, CategoryInput, product};

impl App {
    pub async fn product_categories(&self, caller: &Caller) -> Result<Vec<Category>> {
        caller.require(product(Action::View))?;
        let mut tx = self.db.read().await?;
        Ok(products::categories(&mut tx).await?)
    }

    pub async fn create_category(&self, caller: &Caller, input: CategoryInput) -> Result<Category> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        let name = check_category(&all, &input, None)?;
        let order = all.len() as i64;
        let id =
            products::insert_category(&mut tx, &name, input.parent_id, order, self.now()).await?;
        tx.commit().await?;
        Ok(Category {
            id,
            name,
            parent_id: input.parent_id,
            sort_order: order,
        })
    }

    pub async fn update_category(
        &self,
        caller: &Caller,
        id: i64,
        input: CategoryInput,
    ) -> Result<Category> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        let current = all
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let name = check_category(&all, &input, Some(id))?;
        products::update_category(&mut tx, id, &name, input.parent_id, self.now()).await?;
        tx.commit().await?;
        Ok(Category {
            name,
            parent_id: input.parent_id,
            ..current
        })
    }

    pub async fn delete_category(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(product(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let all = products::categories(&mut tx).await?;
        if !all.iter().any(|c| c.id == id) {
            return Err(ServiceError::NotFound);
        }
        if products::delete_category(&mut tx, id).await? == 0 {
            return Err(ServiceError::Refused {
                code: "category_in_use",
            });
        }
        tx.commit().await?;
        Ok(())
    }
}
fn check_category(all: &[Category], input: &CategoryInput, id: Option<i64>) -> Result<String> {
    let mut errors = FieldErrors::new();
    let name = errors
        .take("name", text::parse_name(&input.name, 50))
        .unwrap_or_default();
    if let Some(parent) = input.parent_id {
        if !all.iter().any(|c| c.id == parent) {
            errors.add("parent_id", "invalid_choice");
        } else if let Some(id) = id
            && category_and_below(all, id).contains(&parent)
        {
            errors.add("parent_id", "parent_cycle");
        }
    }
    let key = text::normalize(&name);
    if all.iter().any(|c| {
        Some(c.id) != id && c.parent_id == input.parent_id && text::normalize(&c.name) == key
    }) {
        errors.add("name", "taken");
    }
    errors.into_result()?;
    Ok(name)
}

/// A category and every category below it.
pub(crate) fn category_and_below(all: &[Category], root: i64) -> Vec<i64> {
    let mut found = vec![root];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            all.iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        index += 1;
    }
    found
}
