//! Product categories named by their path from the top, `硬體 / 伺服器`:
//! how an export writes a category and how an import finds one, so that a
//! file exported reads back into the same categories even where two of
//! them share a name under different parents.

use kuijing_domain::text;
use kuijing_store::products::Category;

/// What stands between the names of a path. An import also reads a bare
/// `/` (with or without spaces) between them.
pub const SEPARATOR: &str = " / ";

/// A category's names from the top down to it, joined by [`SEPARATOR`].
pub fn path_of(all: &[Category], id: i64) -> Option<String> {
    let mut names = Vec::new();
    let mut at = Some(id);
    // A tree deeper than there are categories is a cycle: stop there.
    while let Some(current) = at {
        if names.len() > all.len() {
            break;
        }
        let category = all.iter().find(|c| c.id == current)?;
        names.push(category.name.clone());
        at = category.parent_id;
    }
    names.reverse();
    Some(names.join(SEPARATOR))
}

/// The category a cell names.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    One(i64),
    /// A name several categories share: their paths, to choose from.
    Ambiguous(Vec<String>),
    Unknown,
}

/// A path's names as compared: case, width and spaces aside; a full-width
/// slash is a slash.
fn parts(path: &str) -> Vec<String> {
    text::normalize(path)
        .split('/')
        .map(|part| part.trim().to_string())
        .collect()
}

/// Finds the category a cell names: by its whole path (case, width and
/// spaces aside), else by a name only one category has.
pub fn find(all: &[Category], cell: &str) -> Found {
    let wanted = parts(cell);
    if wanted.len() > 1 {
        let by_path = all
            .iter()
            .find(|c| path_of(all, c.id).as_deref().map(parts) == Some(wanted.clone()));
        if let Some(category) = by_path {
            return Found::One(category.id);
        }
    }
    // A name of its own (one that holds a slash is read whole too).
    let name = text::normalize(cell);
    let same: Vec<&Category> = all
        .iter()
        .filter(|c| text::normalize(&c.name) == name)
        .collect();
    match same.as_slice() {
        [] => Found::Unknown,
        [one] => Found::One(one.id),
        // A name that is also a whole path (a top category's, as the export
        // writes it) is that category; the others sharing it are named by
        // their paths.
        several => match several.iter().find(|c| c.parent_id.is_none()) {
            Some(top) => Found::One(top.id),
            None => Found::Ambiguous(several.iter().filter_map(|c| path_of(all, c.id)).collect()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: i64, name: &str, parent_id: Option<i64>) -> Category {
        Category {
            id,
            name: name.into(),
            parent_id,
            sort_order: id,
        }
    }

    #[test]
    fn paths_and_names_find_categories() {
        let all = vec![
            category(1, "硬體", None),
            category(2, "伺服器", Some(1)),
            category(3, "服務", None),
            category(4, "伺服器", Some(3)),
            category(5, "Cables", Some(1)),
        ];
        assert_eq!(path_of(&all, 2).as_deref(), Some("硬體 / 伺服器"));
        assert_eq!(find(&all, "硬體 / 伺服器"), Found::One(2));
        assert_eq!(find(&all, " 服務/伺服器 "), Found::One(4));
        assert_eq!(find(&all, "cables"), Found::One(5));
        assert_eq!(find(&all, "硬體 / cables"), Found::One(5));
        assert_eq!(
            find(&all, "伺服器"),
            Found::Ambiguous(vec!["硬體 / 伺服器".into(), "服務 / 伺服器".into()])
        );
        assert_eq!(find(&all, "Servers"), Found::Unknown);
        // A top category's name is its whole path, as the export writes it,
        // even where a sub-category shares the name.
        let mut shared = all.clone();
        shared.push(category(6, "GTX", None));
        shared.push(category(7, "GTX", Some(1)));
        assert_eq!(find(&shared, "GTX"), Found::One(6));
        assert_eq!(find(&shared, " gtx "), Found::One(6));
        assert_eq!(find(&shared, "硬體 / GTX"), Found::One(7));
        assert_eq!(find(&all, "服務 / Cables"), Found::Unknown);
    }
}
