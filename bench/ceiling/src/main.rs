//! The ceiling for `bench/hot.py`: a bare actix-web server answering `GET /hello` with a small
//! JSON body, on the same runtime and worker count as the service, so that the service's reads
//! are measured as a share of what actix-web itself does on this machine in the same run.
//!
//! `usul-ceiling <bind address> <workers>`

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:18080".to_owned());
    let workers = args.next().and_then(|w| w.parse().ok()).unwrap_or(2);
    HttpServer::new(|| {
        App::new().route(
            "/hello",
            web::get()
                .to(|| async { HttpResponse::Ok().content_type("application/json").body(r#"{"hello":"world"}"#) }),
        )
    })
    .workers(workers)
    .bind(bind)?
    .run()
    .await
}
