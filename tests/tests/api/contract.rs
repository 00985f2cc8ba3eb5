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
            // An operation that takes no credentials at all (`security: [{}]`, e.g. accepting an
            // invitation) cannot answer 401.
            let anonymous = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(serde_json::Map::is_empty)));
            if path.starts_with("/api/v1/")
                && path != "/api/v1/auth/token"
                && !anonymous
                && !responses.contains_key("401")
            {
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

#[test]
fn every_operation_names_the_problem_codes_it_may_answer_each_in_the_catalogue_under_a_documented_status() {
    let doc: Value = serde_json::from_str(&usul_api::openapi::document_json().expect("serialise")).expect("json");
    let catalogue: Vec<&str> = doc["components"]["schemas"]["ProblemCode"]["enum"]
        .as_array()
        .expect("the ProblemCode catalogue")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(catalogue.contains(&"plan_incomplete") && catalogue.contains(&"validation_failed"));
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let name = format!("{} {path}", method.to_uppercase());
            let Some(codes) = op["x-problem-codes"].as_object() else {
                problems.push(format!("{name}: no x-problem-codes"));
                continue;
            };
            for (status, listed) in codes {
                if op["responses"].get(status).is_none() && status != "503" {
                    problems.push(format!("{name}: codes under {status}, which is not documented"));
                }
                for code in listed.as_array().expect("a list").iter().filter_map(Value::as_str) {
                    if !catalogue.contains(&code) {
                        problems.push(format!("{name}: `{code}` is not in the catalogue"));
                    }
                }
            }
        }
    }
    let submit = &doc["paths"]["/api/v1/plans/{id}/submit"]["post"]["x-problem-codes"];
    assert!(submit["422"].as_array().expect("422").iter().any(|c| c == "plan_incomplete"), "{submit}");
    assert!(submit["409"].as_array().expect("409").iter().any(|c| c == "transition_not_allowed"), "{submit}");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_readme_lists_every_problem_code_with_its_status() {
    let doc: Value = serde_json::from_str(&usul_api::openapi::document_json().expect("serialise")).expect("json");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README.md");
    let table = doc["components"]["schemas"]["ProblemCode"]["description"].as_str().expect("the catalogue");
    let missing: Vec<&str> = table.lines().filter(|l| l.starts_with("| `") && !readme.contains(l)).collect();
    assert!(
        missing.is_empty(),
        "README.md (For integrators) lacks these rows of the ProblemCode catalogue; copy them from openapi/openapi.json:\n{}",
        missing.join("\n")
    );
}
