//! Who carries an SMS to a phone. A provider is a trait so that another French operator
//! can be added without touching the rest; Brevo (Paris) is the one shipped, through its
//! transactional SMS API. Without a provider, SMS stay in the outbox (see `super`).

use futures_util::future::BoxFuture;

/// Brevo's transactional SMS endpoint.
pub const BREVO_URL: &str = "https://api.brevo.com/v3/transactionalSMS/send";

/// Why a send failed: worth trying again later, or not.
#[derive(Debug, PartialEq)]
pub enum SendError {
    /// Network trouble, rate limit, the provider's own failure: the job retries.
    Temporary(String),
    /// Refused (bad number, no credit, wrong key): retrying would fail the same way.
    Permanent(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Temporary(e) => write!(f, "échec temporaire : {e}"),
            SendError::Permanent(e) => write!(f, "refusé : {e}"),
        }
    }
}

pub trait SmsProvider: Send + Sync {
    /// Short name, written in the send log.
    fn name(&self) -> &'static str;
    /// Sends `text` (GSM-7) to `to` (international form, `+33612345678`); the provider's
    /// reference of the message.
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SendError>>;
}

/// Brevo's transactional SMS API: `POST` a JSON message with the `api-key` header.
pub struct Brevo {
    pub url: String,
    pub api_key: String,
    pub sender: String,
    client: reqwest::Client,
}

impl Brevo {
    pub fn new(url: &str, api_key: &str, sender: &str) -> Result<Brevo, String> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| format!("client HTTP des SMS : {e}"))?;
        Ok(Brevo {
            url: url.to_string(),
            api_key: api_key.to_string(),
            sender: sender.to_string(),
            client,
        })
    }
}

impl SmsProvider for Brevo {
    fn name(&self) -> &'static str {
        "brevo"
    }

    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "sender": self.sender,
                // Brevo wants the number with its country code, without "+".
                "recipient": to.trim_start_matches('+'),
                "content": text,
                "type": "transactional",
                "tag": "maillon",
            });
            let response = self
                .client
                .post(&self.url)
                .header("api-key", &self.api_key)
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| SendError::Temporary(without_url(&e)))?;
            let status = response.status();
            let answer = response.text().await.unwrap_or_default();
            let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
            if status.is_success() {
                return Ok(match &json["messageId"] {
                    serde_json::Value::Null => String::new(),
                    id => id.to_string().trim_matches('"').to_string(),
                });
            }
            let message = json["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| answer.chars().take(200).collect());
            let error = format!("{} {message}", status.as_u16());
            if status.as_u16() == 429 || status.is_server_error() {
                Err(SendError::Temporary(error))
            } else {
                Err(SendError::Permanent(error))
            }
        })
    }
}

/// A transport error without the URL (it could carry a token in some setups).
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(i) = e.find(" for url") {
        e.truncate(i);
    }
    e
}
