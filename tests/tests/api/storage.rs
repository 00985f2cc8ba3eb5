//! Shared file storage (issue 15, point 6): uploads go to an S3-compatible bucket — here a
//! `moto_server` each test starts — so that every instance serves the same files, and a bucket
//! that cannot be reached answers 503 without recording anything.

use futures_util::TryStreamExt;
use object_store::ObjectStore;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use usul_api::storage::{FileStore, S3Config, StorageError};
use usul_tests::{Options, TestApp, spawn_app_with};

const BUCKET: &str = "usul-files";
const KEY_ID: &str = "testing";
const SECRET: &str = "testing-secret";

/// A `moto_server` on a free port, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Moto {
    /// Starts moto (`moto_server`, else `python3 -m moto.server`) with an empty bucket, or
    /// `None` — said loudly — when moto is not installed (`pip install 'moto[server]'`).
    async fn start() -> Option<Self> {
        for program in [vec!["moto_server"], vec!["python3", "-m", "moto.server"]] {
            let port = free_port();
            let Ok(child) = Command::new(program[0])
                .args(&program[1..])
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
            else {
                continue;
            };
            let mut moto = Self { child, endpoint: format!("http://127.0.0.1:{port}") };
            if moto.wait_until_up().await {
                let put = reqwest::Client::new().put(format!("{}/{BUCKET}", moto.endpoint)).send().await.unwrap();
                assert!(put.status().is_success(), "creating the bucket: {}", put.status());
                return Some(moto);
            }
        }
        // CI sets USUL_REQUIRE_MOTO: there a missing moto fails the tests instead of skipping them.
        assert!(
            std::env::var_os("USUL_REQUIRE_MOTO").is_none(),
            "USUL_REQUIRE_MOTO is set and moto could not be started: python3 -m pip install 'moto[server]==5.2.5'"
        );
        eprintln!(
            "\n!!! SKIPPED: moto is not installed, so the S3 storage tests did not run.\n!!! Install it: python3 -m pip install 'moto[server]==5.2.5'\n"
        );
        None
    }

    async fn wait_until_up(&mut self) -> bool {
        for _ in 0..300 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false; // exited: not installed, or the port was taken
            }
            if reqwest::get(&self.endpoint).await.is_ok() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Stops the server: the endpoint is down from now on.
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spool() -> PathBuf {
    std::env::temp_dir().join(format!("usul-spool-{}", uuid::Uuid::new_v4().simple()))
}

/// The file store of a server over `endpoint`'s bucket, spooling uploads in `spool`.
fn s3_store(endpoint: &str, spool: PathBuf) -> FileStore {
    FileStore::s3(S3Config {
        bucket: BUCKET.into(),
        endpoint: Some(endpoint.into()),
        region: "us-east-1".into(),
        access_key_id: Some(KEY_ID.into()),
        secret_access_key: Some(SECRET.into()),
        allow_http: true,
        spool,
    })
    .unwrap()
}

/// What the bucket holds, listed by a client of its own: (key, size).
async fn objects(endpoint: &str) -> Vec<(String, u64)> {
    let bucket = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(BUCKET)
        .with_region("us-east-1")
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_access_key_id(KEY_ID)
        .with_secret_access_key(SECRET)
        .build()
        .unwrap();
    let mut all: Vec<(String, u64)> =
        bucket.list(None).map_ok(|m| (m.location.to_string(), m.size)).try_collect().await.unwrap();
    all.sort();
    all
}

/// Regular files left under `dir` (uploads spooled there must not stay).
fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).filter(|e| e.path().is_file()).count()).unwrap_or(0)
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn pdf(note: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {note}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

fn form(name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()).mime_str("application/pdf").unwrap())
}

/// A draft material of the demo school's teacher: (id, the teacher's token).
async fn new_material(app: &TestApp) -> (String, String) {
    let school = app.demo_school().await;
    let author = app.login("a.alybaeva@demo.usul.kg").await;
    let me = app.staff_id("a.alybaeva@demo.usul.kg").await;
    let m = app
        .post(
            &format!("/api/v1/schools/{school}/materials"),
            &author,
            &json!({"kind": "didactic_material", "title": "Клетка", "author_ids": [me], "year": "2022-2023"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    (m.str("id"), author)
}

async fn upload_material(app: &TestApp, token: &str, id: &str, name: &str, bytes: Vec<u8>) -> usul_tests::Answer {
    app.send(
        app.request(Method::PUT, &format!("/api/v1/materials/{id}/file"), Some(token)).multipart(form(name, bytes)),
    )
    .await
}

/// GET `url` with `token`: (status, ETag, body bytes).
async fn download(app: &TestApp, url: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app.client.get(url).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    let etag = res.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, etag, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn files_uploaded_to_one_instance_are_kept_in_the_bucket_and_served_by_another() {
    // Arrange
    let Some(moto) = Moto::start().await else { return };
    let first_spool = spool();
    let app =
        spawn_app_with(Options { files: Some(s3_store(&moto.endpoint, first_spool.clone())), ..Options::default() })
            .await;
    let (material, author) = new_material(&app).await;
    let teacher = app.login("t.ryskulov@demo.usul.kg").await;
    let me = app.staff_id("t.ryskulov@demo.usul.kg").await;
    let training = app
        .post(&format!("/api/v1/staff/{me}/trainings"), &teacher, &json!({"title": "STEM", "provider": "КББА", "mode": "in_person", "starts_on": "2023-01-09", "ends_on": "2023-01-20", "hours": 72}))
        .await
        .str("id");
    let (lesson, certificate) = (pdf("сабак"), pdf("сертификат"));

    // Act
    let up = upload_material(&app, &author, &material, "Клетка.pdf", lesson.clone()).await;
    let cert = app
        .send(
            app.request(Method::PUT, &format!("/api/v1/trainings/{training}/certificate"), Some(&teacher))
                .multipart(form("сертификат.pdf", certificate.clone())),
        )
        .await;

    // Assert: recorded with the hash of the bytes sent…
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    assert_eq!(cert.status, StatusCode::OK, "{}", cert.text);
    assert_eq!(up.body["file"]["sha256"], sha256(&lesson));
    assert_eq!(cert.body["certificate_file"]["sha256"], sha256(&certificate));
    // …kept in the bucket, under the school, and not left on the instance's disk…
    let school = app.demo_school().await;
    let stored = objects(&moto.endpoint).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored.iter().all(|(key, _)| key.starts_with(&format!("{school}/"))), "{stored:?}");
    let mut sizes: Vec<u64> = stored.iter().map(|(_, size)| *size).collect();
    sizes.sort_unstable();
    let mut sent = vec![lesson.len() as u64, certificate.len() as u64];
    sent.sort_unstable();
    assert_eq!(sizes, sent);
    assert_eq!(files_under(&first_spool), 0, "the spooled upload is removed");
    // …served back byte for byte…
    let deputy = app.login("deputy@demo.usul.kg").await;
    let material_path = format!("/api/v1/materials/{material}/file");
    let certificate_path = format!("/api/v1/trainings/{training}/certificate");
    let (status, etag, bytes) = download(&app, &app.url(&material_path), &author).await;
    assert_eq!((status, bytes.clone()), (StatusCode::OK, lesson.clone()));
    assert_eq!((sha256(&bytes), etag), (sha256(&lesson), format!("\"{}\"", sha256(&lesson))));
    let (status, _, bytes) = download(&app, &app.url(&certificate_path), &deputy).await;
    assert_eq!((status, sha256(&bytes)), (StatusCode::OK, sha256(&certificate)));
    // …and by a second instance over the same database and bucket with a disk of its own.
    let second_spool = spool();
    let twin = app
        .twin_with(Options { files: Some(s3_store(&moto.endpoint, second_spool.clone())), ..Options::default() })
        .await;
    let (status, etag, bytes) = download(&app, &format!("{}{material_path}", twin.address), &author).await;
    assert_eq!((status, bytes), (StatusCode::OK, lesson.clone()));
    assert_eq!(etag, format!("\"{}\"", sha256(&lesson)));
    let (status, _, bytes) = download(&app, &format!("{}{certificate_path}", twin.address), &deputy).await;
    assert_eq!((status, bytes), (StatusCode::OK, certificate));
    assert_eq!(files_under(&second_spool), 0, "the second instance read nothing from its own disk");
    let _ = std::fs::remove_dir_all(first_spool);
}

#[tokio::test]
async fn with_the_bucket_down_uploads_and_downloads_answer_503_and_nothing_is_recorded() {
    // Arrange: a file stored while the bucket was up.
    let Some(mut moto) = Moto::start().await else { return };
    let spool = spool();
    let app =
        spawn_app_with(Options { files: Some(s3_store(&moto.endpoint, spool.clone())), ..Options::default() }).await;
    let (material, author) = new_material(&app).await;
    let first = upload_material(&app, &author, &material, "first.pdf", pdf("first")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let (other, _) = new_material(&app).await;

    // Act
    moto.stop();
    let replaced = upload_material(&app, &author, &material, "second.pdf", pdf("second")).await;
    let new = upload_material(&app, &author, &other, "new.pdf", pdf("new")).await;
    let read = app.get(&format!("/api/v1/materials/{material}/file"), &author).await;

    // Assert
    for answer in [&replaced, &new, &read] {
        answer.assert_problem(503, "file_storage_unavailable");
        assert_eq!(answer.header("retry-after"), Some("5"));
    }
    let kept = app.get(&format!("/api/v1/materials/{material}"), &author).await;
    assert_eq!(kept.body["file"]["name"], "first.pdf", "the first file is still the recorded one");
    assert_eq!(kept.body["version"], first.body["version"], "nothing was written");
    let untouched = app.get(&format!("/api/v1/materials/{other}"), &author).await;
    assert_eq!(untouched.body["file"], json!(null), "{}", untouched.text);
    assert_eq!(files_under(&spool), 0, "no upload is left on disk");
    let _ = std::fs::remove_dir_all(spool);
}

#[tokio::test]
async fn an_upload_to_an_endpoint_where_nothing_listens_answers_503() {
    // No moto needed: nothing listens on a port just released.
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let spool = spool();
    let app = spawn_app_with(Options { files: Some(s3_store(&endpoint, spool.clone())), ..Options::default() }).await;
    let (material, author) = new_material(&app).await;

    let answer = upload_material(&app, &author, &material, "x.pdf", pdf("x")).await;

    answer.assert_problem(503, "file_storage_unavailable");
    let m = app.get(&format!("/api/v1/materials/{material}"), &author).await;
    assert_eq!(m.body["file"], json!(null), "{}", m.text);
    assert_eq!(files_under(&spool), 0);
    let _ = std::fs::remove_dir_all(spool);
}

#[tokio::test]
async fn a_file_whose_record_is_refused_is_deleted_from_the_bucket() {
    let Some(moto) = Moto::start().await else { return };
    let app = spawn_app_with(Options { files: Some(s3_store(&moto.endpoint, spool())), ..Options::default() }).await;
    let (material, author) = new_material(&app).await;

    // A stale If-Match: the file is stored, then its record refused.
    let stale = app
        .send(
            app.request(Method::PUT, &format!("/api/v1/materials/{material}/file"), Some(&author))
                .header("if-match", "\"999\"")
                .multipart(form("x.pdf", pdf("x"))),
        )
        .await;

    stale.assert_problem(412, "precondition_failed");
    assert_eq!(objects(&moto.endpoint).await, Vec::new(), "the object went with its record");
}

#[tokio::test]
async fn both_backends_put_get_and_delete_the_same_way() {
    let local_dir = spool();
    let mut stores = vec![FileStore::local(&local_dir)];
    let moto = Moto::start().await;
    if let Some(moto) = &moto {
        stores.push(s3_store(&moto.endpoint, spool()));
    }
    for store in stores {
        let what = store.describe();
        // A file bigger than one part goes up in parts.
        let big: Vec<u8> = (0..20 * 1024 * 1024_u32).map(|i| (i % 251) as u8).collect();
        for (key, bytes) in [("school/small", b"%PDF-1.7 small".to_vec()), ("school/big", big)] {
            let tmp = store.spool_dir().join(format!(".upload-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(store.spool_dir()).unwrap();
            std::fs::write(&tmp, &bytes).unwrap();
            store.put_file(key, &tmp).await.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(!tmp.exists(), "{what}: the temporary file is gone");
            let got = store.get(key).await.unwrap().into_bytes().await.unwrap();
            assert_eq!(sha256(&got), sha256(&bytes), "{what}: {key}");
            store.delete(key).await.unwrap();
            assert!(matches!(store.get(key).await, Err(StorageError::NotFound { .. })), "{what}: {key} deleted");
        }
        store.put_bytes("school/b", b"bytes".to_vec()).await.unwrap();
        assert_eq!(store.get("school/b").await.unwrap().into_bytes().await.unwrap(), b"bytes");
        store.delete("school/b").await.unwrap();
        store.delete("school/b").await.unwrap_or_else(|e| panic!("{what}: deleting twice: {e}"));
        let _ = std::fs::remove_dir_all(store.spool_dir());
    }
}
