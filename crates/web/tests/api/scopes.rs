//! Every data scope, on a small organisation:
//!
//! ```text
//! Head office (top): the administrator
//! ├── Sales: manager M, rep R            superiors: M ← L ← R, and L ← N
//! │   └── North: lead L, rep N
//! └── Support: agent S
//! ```
//! plus D in Sales with two roles: own, and the chosen department Support.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids};

#[tokio::test]
async fn every_data_scope_shows_the_expected_users() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let north = t.department(&admin, "North", sales).await;
    let support = t.department(&admin, "Support", 1).await;

    let m = t
        .user(&admin, "0930000001", json!({ "department_id": sales }))
        .await;
    let l = t
        .user(
            &admin,
            "0930000002",
            json!({ "department_id": north, "superior_id": m }),
        )
        .await;
    let r = t
        .user(
            &admin,
            "0930000003",
            json!({ "department_id": sales, "superior_id": l }),
        )
        .await;
    let n = t
        .user(
            &admin,
            "0930000004",
            json!({ "department_id": north, "superior_id": l }),
        )
        .await;
    let s = t
        .user(&admin, "0930000005", json!({ "department_id": support }))
        .await;
    let phones = [(m, "0930000001"), (l, "0930000002"), (r, "0930000003")];

    let cases = [
        ("own", json!({ "scope": "own" }), l, vec![l]),
        (
            "own_and_subordinates, two levels",
            json!({ "scope": "own_and_subordinates" }),
            m,
            vec![m, l, r, n],
        ),
        (
            "own_and_subordinates, one level",
            json!({ "scope": "own_and_subordinates" }),
            l,
            vec![l, r, n],
        ),
        (
            "department",
            json!({ "scope": "department" }),
            r,
            vec![m, r],
        ),
        (
            "department_and_below",
            json!({ "scope": "department_and_below" }),
            m,
            vec![m, l, r, n],
        ),
        (
            "chosen_departments",
            json!({ "scope": "chosen_departments", "departments": [support] }),
            r,
            vec![r, s],
        ),
        ("all", json!({ "scope": "all" }), l, vec![1, m, l, r, n, s]),
    ];
    for (index, (name, scope, holder, mut expected)) in cases.into_iter().enumerate() {
        let role = t
            .role(
                &admin,
                &format!("scope {index}"),
                &["user.view", "department.view"],
                json!({ "user": scope }),
            )
            .await;
        let set = t
            .patch(
                &format!("/api/v1/users/{holder}"),
                &admin,
                json!({ "role_ids": [role] }),
            )
            .await;
        assert_eq!(set.status, 200, "{}", set.text);
        let phone = phones
            .iter()
            .find(|(id, _)| *id == holder)
            .expect("phone")
            .1;
        let token = t.login(phone, PASSWORD).await;

        let list = t.get("/api/v1/users?limit=200", &token).await;
        let mut seen = ids(&list);
        seen.sort_unstable();
        expected.sort_unstable();
        assert_eq!(seen, expected, "scope {name}");
        assert_eq!(
            list.body["total"],
            expected.len() as i64,
            "count of scope {name}"
        );

        // A user outside the scope is not found, so their existence does not leak.
        let outside = [1, m, l, r, n, s]
            .into_iter()
            .find(|id| !expected.contains(id));
        if let Some(outside) = outside {
            assert_eq!(
                t.get(&format!("/api/v1/users/{outside}"), &token)
                    .await
                    .status,
                404,
                "scope {name}"
            );
        }
    }

    // Two roles give the union of their scopes.
    let own = t
        .role(
            &admin,
            "two roles, own",
            &["user.view"],
            json!({ "user": { "scope": "own" } }),
        )
        .await;
    let chosen = t
        .role(
            &admin,
            "two roles, chosen",
            &[],
            json!({ "user": { "scope": "chosen_departments", "departments": [support] } }),
        )
        .await;
    let d = t
        .user(
            &admin,
            "0930000009",
            json!({ "department_id": sales, "role_ids": [own, chosen] }),
        )
        .await;
    let token = t.login("0930000009", PASSWORD).await;
    let mut seen = ids(&t.get("/api/v1/users", &token).await);
    seen.sort_unstable();
    assert_eq!(seen, vec![s, d]);
}

#[tokio::test]
async fn a_user_without_the_view_permission_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t.role(&admin, "nothing", &[], json!({})).await;
    t.user(&admin, "0931000001", json!({ "role_ids": [role] }))
        .await;
    let token = t.login("0931000001", PASSWORD).await;
    assert_eq!(t.get("/api/v1/users", &token).await.status, 403);
    assert_eq!(t.get("/api/v1/departments", &token).await.status, 403);
    let create = t
        .post("/api/v1/departments", &token, json!({ "name": "x" }))
        .await;
    assert_eq!(create.status, 403);
}

#[tokio::test]
async fn departments_follow_the_department_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let north = t.department(&admin, "North", sales).await;
    let support = t.department(&admin, "Support", 1).await;
    let role = t
        .role(
            &admin,
            "sales view",
            &["department.view"],
            json!({ "department": { "scope": "department_and_below" } }),
        )
        .await;
    t.user(
        &admin,
        "0932000001",
        json!({ "department_id": sales, "role_ids": [role] }),
    )
    .await;
    let token = t.login("0932000001", PASSWORD).await;
    let mut seen = ids(&t.get("/api/v1/departments", &token).await);
    seen.sort_unstable();
    assert_eq!(seen, vec![sales, north]);
    assert_eq!(
        t.get(&format!("/api/v1/departments/{support}"), &token)
            .await
            .status,
        404
    );
}
