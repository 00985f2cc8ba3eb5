//! Webhooks outside the request path: secrets and signatures (Standard Webhooks), the check of
//! a receiver's URL, and the deliverer — a background task of `usul serve` that claims due
//! deliveries with a lease, POSTs them signed, and records each attempt.

use crate::config::WebhookSettings;
use crate::routes::events::EventView;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use usul_persistence::{Claimed, Outcome, RetryPolicy, Store};

/// The prefix of a signing secret, as Standard Webhooks writes them.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 32 random bytes in base64.
#[must_use]
pub fn new_secret() -> String {
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header of a message: `v1,` and the base64 HMAC-SHA256, keyed by the
/// secret's decoded bytes, of `{id}.{timestamp}.{body}`.
#[must_use]
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = secret.strip_prefix(SECRET_PREFIX).and_then(|k| STANDARD.decode(k).ok()).unwrap_or_default();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else { return String::new() };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, shared (CGNAT), unspecified, multicast, broadcast, documentation or
/// reserved.
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// The longest a name lookup may take, at registration or delivery: a name that resolves slowly
/// (or a resolver that hangs) must not hold a request or the deliverer.
pub const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Why a URL cannot receive webhooks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("the URL cannot be parsed: {0}")]
    Malformed(String),
    #[error("the URL's scheme is `{0}`; only http and https are allowed")]
    Scheme(String),
    #[error("the URL carries credentials; put them nowhere: deliveries are signed instead")]
    Credentials,
    #[error("the URL has no host")]
    NoHost,
    #[error(
        "the host `{host}` is or resolves to {ip}, a loopback, private, link-local or otherwise non-public address (USUL_WEBHOOK_ALLOW_PRIVATE is off)"
    )]
    Private { host: String, ip: IpAddr },
    #[error("the host `{0}` does not resolve (within 3 seconds)")]
    Unresolvable(String),
}

/// Checks a receiver's URL: http(s), no credentials, a host that is — and, for a name, every
/// address it resolves to is — public, unless private addresses are allowed.
///
/// # Errors
/// The [`UrlRefusal`].
pub async fn check_url(raw: &str, allow_private: bool) -> Result<reqwest::Url, UrlRefusal> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| UrlRefusal::Malformed(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlRefusal::Scheme(url.scheme().to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefusal::Credentials);
    }
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or(UrlRefusal::NoHost)?.to_owned();
    if allow_private {
        return Ok(url);
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ips: Vec<IpAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((bare, port)))
            .await
            .map_err(|_| UrlRefusal::Unresolvable(host.clone()))?
            .map_err(|_| UrlRefusal::Unresolvable(host.clone()))?
            .map(|a| a.ip())
            .collect(),
    };
    if ips.is_empty() {
        return Err(UrlRefusal::Unresolvable(host));
    }
    if let Some(ip) = ips.into_iter().find(|ip| !is_public(*ip)) {
        return Err(UrlRefusal::Private { host, ip });
    }
    Ok(url)
}

/// Resolves names for deliveries and drops non-public addresses (unless allowed), so a name
/// that passed the check at registration cannot later point a delivery into the network.
struct PublicOnly {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let found = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((name.as_str(), 0)))
                .await
                .map_err(|_| format!("looking up {} took longer than {LOOKUP_TIMEOUT:?}", name.as_str()))??;
            let addrs: Vec<SocketAddr> = found.filter(|a| allow || is_public(a.ip())).collect();
            if addrs.is_empty() {
                return Err(format!("{} resolves to no public address", name.as_str()).into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Starts the deliverer on the current runtime; `None` when there is no runtime or it is off.
#[must_use]
pub fn spawn(store: Store, settings: WebhookSettings) -> Option<tokio::task::JoinHandle<()>> {
    if !settings.deliverer {
        return None;
    }
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let client = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(PublicOnly { allow_private: settings.allow_private }))
        .user_agent(concat!("Usul-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .ok()?;
    Some(runtime.spawn(async move {
        let policy = RetryPolicy { base: settings.backoff_base, max_attempts: settings.max_attempts };
        // A lease outlives an attempt by far: another instance takes a delivery over only when
        // this one died holding it.
        let lease = settings.timeout * 3 + std::time::Duration::from_secs(30);
        let mut every = tokio::time::interval(settings.poll_interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let claimed = match store.claim_deliveries(32, lease).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook deliverer: cannot claim deliveries");
                    continue;
                }
            };
            let sends = claimed.into_iter().map(|c| {
                let (client, store) = (&client, &store);
                async move {
                    let outcome = attempt(client, &c, settings.allow_private).await;
                    match store.record_attempt(&c, &outcome, policy).await {
                        Ok(true) => {
                            tracing::warn!(subscription = %c.delivery.subscription, "webhook subscription paused")
                        }
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, delivery = %c.delivery.id, "webhook: cannot record attempt")
                        }
                    }
                }
            });
            futures_util::future::join_all(sends).await;
        }
    }))
}

/// One attempt: the event POSTed, signed; 2xx delivers it.
async fn attempt(client: &reqwest::Client, c: &Claimed, allow_private: bool) -> Outcome {
    let failed = |status: Option<u16>, error: String| Outcome::Failed { status, error };
    // An address literal does not go through the resolver: check it here.
    if let Ok(url) = reqwest::Url::parse(&c.url)
        && let Some(host) = url.host_str()
        && let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>()
        && !allow_private
        && !is_public(ip)
    {
        return failed(None, format!("{ip} is not a public address"));
    }
    let Ok(body) = serde_json::to_vec(&EventView::from(c.event.clone())) else {
        return failed(None, "the event cannot be serialised".to_owned());
    };
    let id = c.delivery.id.to_string();
    let timestamp = chrono::Utc::now().timestamp();
    let sent = client
        .post(&c.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature(&c.secret, &id, timestamp, &body))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Outcome::Delivered(r.status().as_u16()),
        Ok(r) => failed(Some(r.status().as_u16()), format!("HTTP {}", r.status().as_u16())),
        Err(e) if e.is_timeout() => failed(None, "timed out".to_owned()),
        Err(e) if e.is_connect() => failed(None, format!("cannot connect: {e}")),
        Err(e) => failed(None, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_new_secret_is_prefixed_base64_of_32_bytes() {
        let s = new_secret();
        let key = STANDARD.decode(s.strip_prefix(SECRET_PREFIX).unwrap_or_default()).unwrap_or_default();
        assert_eq!(key.len(), 32);
        assert_ne!(new_secret(), s);
    }

    #[test]
    fn non_public_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(!is_public(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))), "{ip}");
        }
        for ip in ["8.8.8.8", "93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))), "{ip}");
        }
    }

    #[tokio::test]
    async fn urls_must_be_http_and_public() {
        assert!(matches!(check_url("ftp://example.org/x", false).await, Err(UrlRefusal::Scheme(_))));
        assert!(matches!(check_url("not a url", false).await, Err(UrlRefusal::Malformed(_))));
        assert!(matches!(check_url("https://u:p@example.org/", false).await, Err(UrlRefusal::Credentials)));
        assert!(matches!(check_url("http://127.0.0.1:9/hook", false).await, Err(UrlRefusal::Private { .. })));
        assert!(matches!(check_url("http://[::1]/hook", false).await, Err(UrlRefusal::Private { .. })));
        assert!(matches!(check_url("http://localhost/hook", false).await, Err(UrlRefusal::Private { .. })));
        assert!(check_url("http://127.0.0.1:9/hook", true).await.is_ok());
    }
}
