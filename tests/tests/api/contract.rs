//! The committed contract equals what the code serves, and documents every operation fully.

use serde_json::Value;

const REGENERATE: &str = "cargo run -q -p usul-api -- openapi > openapi/openapi.json";

#[test]
fn the_committed_contract_matches_the_code() {
    let generated = usul_api::openapi::document_json().expect("serialise");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the contract the code serves.\nRegenerate it with:\n\n    {REGENERATE}\n\nand commit the result."
    );
}

#[test]
fn every_operation_has_a_unique_id_a_summary_a_description_a_declared_tag_errors_and_security() {
    let doc: Value = serde_json::from_str(&usul_api::openapi::document_json().expect("serialise")).expect("json");
    let mut problems = Vec::new();
    let mut operations = 0;
    let mut ids = std::collections::HashSet::new();
    let declared: Vec<Value> = doc["tags"].as_array().expect("tags").iter().map(|t| t["name"].clone()).collect();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            if op["summary"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{name}: no summary"));
            }
            match op["operationId"].as_str() {
                None => problems.push(format!("{name}: no operationId")),
                Some(id) => {
                    if !id.starts_with(|c: char| c.is_ascii_lowercase())
                        || !id.chars().all(|c| c.is_ascii_alphanumeric())
                    {
                        problems.push(format!("{name}: operationId `{id}` is not lowerCamelCase"));
                    }
                    if !ids.insert(id.to_owned()) {
                        problems.push(format!("{name}: operationId `{id}` is used twice"));
                    }
                }
            }
            if op["description"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{name}: no description"));
            }
            if op["tags"].as_array().is_none_or(|t| t.iter().any(|t| !declared.contains(t))) {
                problems.push(format!("{name}: a tag the document does not declare"));
            }
            if op["security"].as_array().is_none() {
                problems.push(format!("{name}: no security"));
            }
            let responses = op["responses"].as_object().expect("responses");
            let public = ["/healthz", "/readyz", "/metrics"].contains(&path.as_str());
            if !public && !responses.keys().any(|k| k.starts_with('4')) {
                problems.push(format!("{name}: no error responses"));
            }
            if path.starts_with("/api/v1/") && path != "/api/v1/auth/token" && !responses.contains_key("401") {
                problems.push(format!("{name}: no 401"));
            }
            if path.contains('{') && !responses.contains_key("404") && !responses.contains_key("400") {
                problems.push(format!("{name}: a path with an id but no 404/400"));
            }
        }
    }
    assert!(operations >= 25, "{operations} operations");
    assert!(problems.is_empty(), "{problems:#?}");
}
