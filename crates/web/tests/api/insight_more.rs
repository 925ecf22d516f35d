//! A customer's region (province, city, district) read from registry
//! addresses and older records, listed, filtered, exported and reported on;
//! the dashboard's trend and target cells as links; the follow-up list's
//! order; a narrowed list that keeps its narrowing.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};

const LISTED: &[u8] = include_bytes!("../data/t187ap03_L.csv");

async fn import(t: &TestApp, token: &str, bytes: Vec<u8>) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .expect("request");
    t.send(request).await
}

/// The registry's rows as (name, address).
fn registry() -> Vec<(String, String)> {
    let bytes = LISTED.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(LISTED);
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().expect("headers").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (name, address) = (at("公司名稱"), at("住址"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[name].trim().to_string(), r[address].trim().to_string())
        })
        .collect()
}

/// The city of an address that plainly starts with one: three characters
/// ending in 市 or 縣 (every Taiwanese city and county), 台 written 臺.
fn plain_city(address: &str) -> Option<String> {
    let chars: Vec<char> = address.replace('巿', "市").chars().collect();
    if chars.len() > 3
        && matches!(chars[2], '市' | '縣')
        && chars[..2].iter().all(|c| *c > '\u{3400}')
    {
        let city: String = chars[..3].iter().collect();
        Some(match city.strip_prefix('台') {
            Some(rest) => format!("臺{rest}"),
            None => city,
        })
    } else {
        None
    }
}

/// Every customer the admin sees, through the list's pages.
async fn all_customers(t: &TestApp, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t
            .get(&format!("/api/v1/customers?limit=200{cursor}"), token)
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        out.extend(
            page.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}

fn report_counts(report: &Value, key: &str) -> BTreeMap<String, i64> {
    let column = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("column {key}: {report}"));
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| !r["key"].is_null())
        .map(|r| {
            (
                r["label"].as_str().expect("label").to_string(),
                r["values"][column].as_i64().unwrap_or(0),
            )
        })
        .filter(|(_, v)| *v != 0)
        .collect()
}

#[tokio::test]
async fn registry_addresses_give_city_and_district_and_the_reports_count_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let imported = import(&t, &admin, LISTED.to_vec()).await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert_eq!(imported.body["created"], 1036, "{}", imported.text);

    let customers = all_customers(&t, &admin).await;
    assert_eq!(customers.len(), 1036);
    let by_name: BTreeMap<&str, &Value> = customers
        .iter()
        .map(|c| (c["name"].as_str().expect("name"), c))
        .collect();

    // Every address that plainly starts with a city has that city.
    let mut plain = 0;
    for (name, address) in registry() {
        if let Some(city) = plain_city(&address)
            && let Some(customer) = by_name.get(name.as_str())
        {
            plain += 1;
            assert_eq!(customer["city"], city.as_str(), "{name}: {address}");
            let detail = customer["address"].as_str().unwrap_or_default();
            assert!(!detail.starts_with(&city), "{name}: {detail}");
        }
    }
    assert!(plain > 900, "{plain}");

    let cement = by_name["臺灣水泥股份有限公司"];
    assert_eq!(cement["city"], "臺北市");
    assert_eq!(cement["district"], Value::Null);
    assert_eq!(cement["address"], "中山北路2段113號");
    let asia = by_name["亞洲水泥股份有限公司"];
    assert_eq!(
        (&asia["city"], &asia["district"], &asia["address"]),
        (
            &json!("臺北市"),
            &json!("大安區"),
            &json!("敦化南路2段207號30、31樓")
        )
    );

    // The customer analysis by city and by province: the counts the test
    // makes from the customers as stored.
    let mut cities: BTreeMap<String, i64> = BTreeMap::new();
    let mut provinces: BTreeMap<String, i64> = BTreeMap::new();
    for c in &customers {
        if let Some(city) = c["city"].as_str() {
            *cities.entry(city.to_string()).or_default() += 1;
        }
        if let Some(province) = c["province"].as_str() {
            *provinces.entry(province.to_string()).or_default() += 1;
        }
    }
    assert!(cities["臺北市"] >= 359, "{cities:?}");
    for (by, expected) in [("city", &cities), ("province", &provinces)] {
        let report = t
            .get(
                &format!("/api/v1/reports/customers?period=this_year&by={by}"),
                &admin,
            )
            .await;
        assert_eq!(report.status, 200, "{}", report.text);
        assert_eq!(
            &report_counts(&report.body, "new_customers"),
            expected,
            "{by}"
        );
    }

    // The list filters on the city.
    let filter = json!([{ "field": "city", "op": "equals", "value": "臺北市" }]).to_string();
    let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let taipei = t
        .get(
            &format!("/api/v1/customers?limit=1&filter={encoded}"),
            &admin,
        )
        .await;
    assert_eq!(taipei.status, 200, "{}", taipei.text);
    assert_eq!(taipei.body["total"], cities["臺北市"]);

    // The builder groups by city too.
    let built = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "By city", "kind": "customers", "group_by": ["city"],
                    "measures": [{ "op": "count" }], "chart": "table" }),
        )
        .await;
    assert_eq!(built.status, 201, "{}", built.text);
    let id = built.body["id"].as_i64().expect("id");
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?period=this_year"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    assert_eq!(report_counts(&figures.body, "count"), cities);
}

#[tokio::test]
async fn region_is_typed_exported_and_imported_by_its_columns() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "區域公司", "province": "廣東省", "city": "深圳市",
                    "district": "南山區", "address": "科技園1號" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    // What is typed apart is kept apart, and a long name is refused by field.
    let too_long = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "version": 1, "city": "市".repeat(51) }),
        )
        .await;
    assert_eq!(too_long.status, 422, "{}", too_long.text);
    assert_eq!(
        too_long.body["errors"][0]["field"], "city",
        "{}",
        too_long.text
    );
    assert!(
        too_long.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("City")
    );

    let export = t
        .call(
            Method::GET,
            "/api/v1/customers/export?format=csv",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(export.status, 200);
    let text = export.text.trim_start_matches('\u{feff}');
    let header = text.lines().next().expect("header");
    for label in ["Province", "City", "District"] {
        assert!(header.contains(label), "{header}");
    }
    assert!(text.contains("廣東省,深圳市,南山區,科技園1號"), "{text}");

    // A file with region columns (headers in Chinese) takes them as given.
    let file = "公司名稱,縣市,鄉鎮市區,地址\n北方公司,新竹縣,竹北市,台元一街8號\n";
    let answer = import(&t, &admin, file.as_bytes().to_vec()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let found = t
        .get("/api/v1/customers?q=%E5%8C%97%E6%96%B9", &admin)
        .await;
    let row = &found.body["items"][0];
    assert_eq!(
        (&row["city"], &row["district"], &row["address"]),
        (&json!("新竹縣"), &json!("竹北市"), &json!("台元一街8號"))
    );
}

#[tokio::test]
async fn older_customers_get_their_region_once_at_start() {
    let mut t = TestApp::new().await;
    let admin = t.admin().await;
    let mut ids = Vec::new();
    for (name, address) in [
        ("甲公司", "台北市大安區敦化南路2段207號"),
        ("乙公司", "No. 5, Main Road"),
        ("丙公司", "彰化縣鹿港鎮鹿工路1號"),
    ] {
        let created = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": name, "address": address }),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        ids.push(created.body["id"].as_i64().expect("id"));
    }
    // A form keeps what was typed: nothing is split on a save.
    let typed = t
        .get(&format!("/api/v1/customers/{}", ids[0]), &admin)
        .await;
    assert_eq!(typed.body["city"], Value::Null, "{}", typed.text);
    // 丙 has a city of its own, which no address overrides.
    let own = t
        .patch(
            &format!("/api/v1/customers/{}", ids[2]),
            &admin,
            json!({ "version": 1, "city": "彰化縣" }),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text);

    // As the migration marks the customers written before it.
    t.sql("update customers set region_pending = (1 = 1) where address is not null")
        .await;
    t.restart().await;
    let admin = t.admin().await;
    let read = |id: i64| format!("/api/v1/customers/{id}");
    let first = t.get(&read(ids[0]), &admin).await;
    assert_eq!(
        (
            &first.body["city"],
            &first.body["district"],
            &first.body["address"]
        ),
        (
            &json!("臺北市"),
            &json!("大安區"),
            &json!("敦化南路2段207號")
        ),
        "{}",
        first.text
    );
    let second = t.get(&read(ids[1]), &admin).await;
    assert_eq!(second.body["city"], Value::Null);
    assert_eq!(second.body["address"], "No. 5, Main Road");
    let third = t.get(&read(ids[2]), &admin).await;
    assert_eq!(third.body["district"], Value::Null);
    assert_eq!(third.body["address"], "彰化縣鹿港鎮鹿工路1號");

    // Once: a second start changes nothing.
    t.restart().await;
    let admin = t.admin().await;
    let again = t.get(&read(ids[0]), &admin).await;
    assert_eq!(again.body["address"], "敦化南路2段207號");
    assert_eq!(again.body["version"], first.body["version"]);
}

#[tokio::test]
async fn follow_ups_are_listed_by_their_time_with_a_stable_tiebreak_across_pages() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post("/api/v1/customers", &admin, json!({ "name": "Order Co" }))
        .await;
    let id = created.body["id"].as_i64().expect("id");
    // Written in an order that is not their time's; two share a time.
    let times = [
        "2026-02-10T03:00:00Z",
        "2026-02-20T03:00:00Z",
        "2026-01-05T03:00:00Z",
        "2026-02-20T03:00:00Z",
        "2026-02-15T03:00:00Z",
    ];
    let mut written = Vec::new();
    for (n, at) in times.iter().enumerate() {
        let answer = t
            .post(
                &format!("/api/v1/customers/{id}/follow-ups"),
                &admin,
                json!({ "content": format!("note {n}"), "happened_at": at }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        written.push((at.to_string(), answer.body["id"].as_i64().expect("id")));
    }
    let mut expected = written.clone();
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();

    // Two rows a page: the pages together give every row once, in order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t
            .get(&format!("/api/v1/follow-ups?limit=2{cursor}"), &admin)
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(crate::helpers::ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn trend_and_target_cells_link_to_their_records_and_narrowed_lists_stay_narrowed() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t
        .login(crate::helpers::ADMIN_PHONE, crate::helpers::PASSWORD)
        .await;
    let year = "period=custom&from=2017-01-01&to=2017-12-31";
    let board = t.get(&format!("/api/v1/dashboard?{year}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let currency = board.body["currency"]
        .as_str()
        .expect("currency")
        .to_string();
    let trend = board.body["trend"].as_array().expect("trend");
    assert_eq!(trend.len(), 12);

    // Each month's contracts (by the day signed) and payments (by the day
    // received) listed through the link's narrowing add up to the cell.
    let total_of = |list: &Answer| -> i64 {
        list.body["totals"]
            .as_array()
            .expect("totals")
            .iter()
            .filter(|t| t["currency"] == currency.as_str())
            .map(|t| t["amount"].as_i64().unwrap_or(0))
            .sum()
    };
    let mut checked = 0;
    for m in trend {
        let month = m["month"].as_str().expect("month");
        let first = format!("{month}-01");
        let last = chrono::NaiveDate::parse_from_str(&first, "%Y-%m-%d")
            .expect("day")
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .expect("last day");
        let days = format!("from={first}&to={last}");
        let contracts = t
            .get(
                &format!("/api/v1/contracts?status=approved&{days}&limit=1"),
                &admin,
            )
            .await;
        assert_eq!(contracts.status, 200, "{}", contracts.text);
        assert_eq!(
            total_of(&contracts),
            m["contracts"].as_i64().expect("contracts"),
            "{month}"
        );
        let payments = t
            .get(
                &format!("/api/v1/payments?status=approved&{days}&limit=1"),
                &admin,
            )
            .await;
        assert_eq!(
            total_of(&payments),
            m["payments"].as_i64().expect("payments"),
            "{month}"
        );
        if m["contracts"].as_i64() > Some(0) {
            checked += 1;
        }
    }
    assert!(checked > 0);

    // The page links the cells, the year before's too.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{year}"), "en").await;
    assert_eq!(status, 200);
    for link in [
        "/contracts?status=approved&#38;from=2017-03-01&#38;to=2017-03-31",
        "/contracts?status=approved&#38;from=2016-03-01&#38;to=2016-03-31",
        "/payments?status=approved&#38;from=2017-12-01&#38;to=2017-12-31",
    ] {
        assert!(html.contains(link), "{link}");
    }

    // A target's achieved cells link the same way.
    let target = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "month": 3, "measure": "contract_amount",
                    "amount": "1000", "currency": currency }),
        )
        .await;
    assert!(target.status.is_success(), "{}", target.text);
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/dashboard?{year}"), "en").await;
    assert!(
        html.contains("/contracts?status=approved&#38;from=2017-01-01&#38;to=2017-12-31"),
        "the year's achievement"
    );

    // A narrowed list's search form carries the narrowing, so a search or
    // another sort keeps it.
    for path in [
        "/contracts?status=approved&from=2017-03-01&to=2017-03-31&owner_id=5",
        "/payments?status=approved&from=2017-03-01&to=2017-03-31&owner_id=5",
        "/opportunities?from=2017-03-01&to=2017-03-31&owner_id=5",
        "/customers?from=2017-03-01&to=2017-03-31&owner_id=5&forgotten=30",
        "/contacts?from=2017-03-01&to=2017-03-31&owner_id=5",
    ] {
        let (status, html) = crate::helpers::page(&t, &cookie, path, "en").await;
        assert_eq!(
            status,
            200,
            "{path}: {}",
            html.split("<main").nth(1).unwrap_or_default()
        );
        let form = html
            .split("class=\"filters\" role=\"search\"")
            .nth(1)
            .and_then(|rest| rest.split("</form>").next())
            .unwrap_or_else(|| panic!("{path}: no search form"));
        for hidden in [
            r#"name="from" value="2017-03-01""#,
            r#"name="to" value="2017-03-31""#,
            r#"name="owner_id" value="5""#,
        ] {
            assert!(form.contains(hidden), "{path}: {hidden}");
        }
        if path.contains("forgotten") {
            assert!(form.contains(r#"name="forgotten" value="30""#), "{path}");
        }
    }
    // Searching with what the form sends keeps the narrowing: fewer or as
    // many rows as the narrowed list, never the whole list.
    let narrowed = t
        .get(
            "/api/v1/contracts?status=approved&from=2017-03-01&to=2017-03-31&limit=1",
            &admin,
        )
        .await;
    let all = t
        .get("/api/v1/contracts?status=approved&limit=1", &admin)
        .await;
    assert!(narrowed.body["total"].as_i64() < all.body["total"].as_i64());
}
