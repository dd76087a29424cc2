//! Rate limits of what anyone can ask without an account (decision 0017): signing in,
//! asking for a password link, signing up for a workshop, changing one's choices through
//! a personal link. Each attempt is counted *before* the work it asks for (a password
//! check, an e-mail, a paid SMS), in one write transaction that first takes the lock of
//! each key counted: a burst of any size, on one server or several, gets at most the
//! limit. Keys are stored hashed (no address, phone or e-mail in these tables).

pub mod store;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::accounts::tokens;
use crate::app::AppState;
use crate::db::{now, Db, DbError};

/// At most `max` attempts per key in any `window` seconds.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub scope: &'static str,
    pub max: i64,
    pub window: i64,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Sign-in attempts per account (the e-mail typed) and per client address.
pub const SIGN_IN_ACCOUNT: Rule = Rule {
    scope: "signin-account",
    max: 5,
    window: 15 * MINUTE,
};
pub const SIGN_IN_ADDRESS: Rule = Rule {
    scope: "signin-address",
    max: 30,
    window: 15 * MINUTE,
};
/// Password links asked for one e-mail, and from one address.
pub const RESET_EMAIL: Rule = Rule {
    scope: "reset-email",
    max: 3,
    window: HOUR,
};
pub const RESET_ADDRESS: Rule = Rule {
    scope: "reset-address",
    max: 10,
    window: HOUR,
};
/// Public workshop sign-ups of one phone number, and of one e-mail address.
pub const SIGN_UP_PHONE: Rule = Rule {
    scope: "signup-phone",
    max: 5,
    window: DAY,
};
pub const SIGN_UP_EMAIL: Rule = Rule {
    scope: "signup-email",
    max: 5,
    window: DAY,
};
/// Public sign-ups from one address: `MAILLON_PUBLIC_SIGNUPS_PER_HOUR` (10 by default).
pub fn sign_up_address(per_hour: i64) -> Rule {
    Rule {
        scope: "signup-address",
        max: per_hour,
        window: HOUR,
    }
}
/// Every other public form that changes something or checks a password (personal links
/// of a registration or of the member file, invitations, new password), per address.
pub const PUBLIC_FORM_ADDRESS: Rule = Rule {
    scope: "form-address",
    max: 60,
    window: 15 * MINUTE,
};

/// An attempt that was counted: its rows, to give back if it turns out not to count (a
/// sign-in that succeeds is not a guess).
#[must_use]
pub struct Ticket {
    hits: Vec<String>,
}

/// Over a limit: which one, and in how many seconds the next attempt is counted again.
#[derive(Debug)]
pub struct Refused {
    pub scope: &'static str,
    pub retry_after: i64,
}

/// Counts one attempt for every `(rule, key)`, or none when one of them is already at its
/// limit. Keys are locked in one order (their hash) so that two attempts never wait for
/// each other.
pub async fn take(db: &Db, keys: &[(Rule, &str)]) -> Result<Result<Ticket, Refused>, DbError> {
    let mut hashed: Vec<(Rule, String)> = keys
        .iter()
        .filter(|(_, key)| !key.is_empty())
        .map(|(rule, key)| (*rule, key_hash(rule, key)))
        .collect();
    hashed.sort_by(|a, b| (a.0.scope, &a.1).cmp(&(b.0.scope, &b.1)));
    let t = now();
    let mut tx = db.begin_write().await?;
    for (rule, hash) in &hashed {
        store::lock_key(&mut tx, rule.scope, hash, t).await?;
    }
    for (rule, hash) in &hashed {
        let since = t - rule.window;
        if store::count_since(&mut tx, rule.scope, hash, since).await? >= rule.max {
            let oldest = store::oldest_since(&mut tx, rule.scope, hash, since)
                .await?
                .unwrap_or(t);
            tx.commit().await?;
            return Ok(Err(Refused {
                scope: rule.scope,
                retry_after: (oldest + rule.window - t).max(1),
            }));
        }
    }
    let mut hits = Vec::with_capacity(hashed.len());
    for (rule, hash) in &hashed {
        hits.push(store::insert_hit(&mut tx, rule.scope, hash, t).await?);
    }
    tx.commit().await?;
    Ok(Ok(Ticket { hits }))
}

impl Ticket {
    /// The attempt did not count after all (a right password): its rows go, and with
    /// them every earlier attempt of `forget` (the account whose owner proved who they
    /// are), in one transaction.
    pub async fn give_back(self, db: &Db, forget: Option<(&Rule, &str)>) -> Result<(), DbError> {
        let mut tx = db.begin_write().await?;
        for id in &self.hits {
            store::delete_hit(&mut tx, id).await?;
        }
        if let Some((rule, key)) = forget {
            store::clear_key(&mut tx, rule.scope, &key_hash(rule, key)).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Forgets every attempt of a key (an account whose owner proved who they are).
pub async fn clear(db: &Db, rule: &Rule, key: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    store::clear_key(&mut tx, rule.scope, &key_hash(rule, key)).await?;
    tx.commit().await?;
    Ok(())
}

/// Run by the hourly purge: nothing older than a day is counted any more.
pub async fn purge(tx: &mut crate::db::Tx) -> Result<(), DbError> {
    store::purge(tx, now() - DAY).await
}

fn key_hash(rule: &Rule, key: &str) -> String {
    tokens::hash(&format!("{}:{}", rule.scope, key.trim().to_lowercase()))
}

/// "15 minutes", "1 heure", "3 heures": when to come back.
pub fn wait_text(seconds: i64) -> String {
    let minutes = (seconds + 59) / 60;
    if minutes < 60 {
        format!("{minutes} minute{}", if minutes > 1 { "s" } else { "" })
    } else {
        let hours = (minutes + 59) / 60;
        format!("{hours} heure{}", if hours > 1 { "s" } else { "" })
    }
}

/// A page answered to a refused attempt: 429 Too Many Requests, with when to retry.
pub fn too_many(mut page: Response, refused: &Refused) -> Response {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&refused.retry_after.to_string()) {
        page.headers_mut().insert(header::RETRY_AFTER, v);
    }
    page
}

/// The page of a refused request when the form itself cannot say it (a personal link's
/// buttons): what happened and when to come back, in French.
pub fn refused_page(refused: &Refused) -> Response {
    let page = crate::web::error::error_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Trop de demandes",
        format!(
            "Beaucoup de demandes sont arrivées d'ici en peu de temps. Par sécurité, attendez {} avant de recommencer. Rien n'a été perdu de ce qui était déjà enregistré.",
            wait_text(refused.retry_after)
        ),
    );
    too_many(page, refused)
}

/// A request of a public form that takes work or changes something (a personal link's
/// buttons, a new password, an invitation), counted per address ([`PUBLIC_FORM_ADDRESS`])
/// before its handler runs: taking this extractor is the check. Over the limit, the
/// request gets the 429 page.
pub struct PublicForm;

impl FromRequestParts<AppState> for PublicForm {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(ClientAddress(address)) = ClientAddress::from_request_parts(parts, state).await;
        match take(&state.db, &[(PUBLIC_FORM_ADDRESS, &address)]).await {
            Ok(Ok(_counted)) => Ok(PublicForm),
            Ok(Err(refused)) => {
                tracing::warn!(limit = refused.scope, "public form refused: too many");
                Err(refused_page(&refused))
            }
            Err(e) => Err(crate::web::error::AppError::from(e).into_response()),
        }
    }
}

/// The client's address, as counted by the limits: the socket's, or the last hop of
/// `X-Forwarded-For` behind a trusted proxy (`MAILLON_TRUST_PROXY`). An IPv6 address
/// counts by its /64 network, which one subscriber gets whole.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = state
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        Ok(ClientAddress(match forwarded.or(socket) {
            Some(ip) => network_of(ip),
            None => "inconnue".into(),
        }))
    }
}

fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_count_by_subscriber() {
        assert_eq!(network_of("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            network_of("2001:db8:1:2:aaaa::1".parse().unwrap()),
            network_of("2001:db8:1:2:bbbb::9".parse().unwrap())
        );
        assert_eq!(network_of("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(wait_text(30), "1 minute");
        assert_eq!(wait_text(15 * 60), "15 minutes");
        assert_eq!(wait_text(3600), "1 heure");
        assert_eq!(wait_text(5000), "2 heures");
    }
}
