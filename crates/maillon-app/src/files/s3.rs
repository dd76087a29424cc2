//! An S3-compatible object store (Scaleway, OVH, Outscale, MinIO, Garage, AWS…), spoken
//! with three requests — PUT, GET, DELETE of one object — signed with AWS Signature
//! Version 4. Path-style addresses (`endpoint/bucket/key`) work with every provider.
//! Written here rather than with an SDK: three requests do not justify the compile time.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::storage::StorageError;
use crate::accounts::tokens::hex;

pub struct S3 {
    client: reqwest::Client,
    /// "https://s3.fr-par.scw.cloud", without a final slash.
    endpoint: String,
    bucket: String,
    region: String,
    access_key: String,
    secret_key: String,
}

/// The settings of an S3 store, read from the environment by `Config`.
#[derive(Clone)]
pub struct S3Settings {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret key never reaches a log.
        write!(
            f,
            "S3Settings {{ endpoint: {}, bucket: {}, region: {}, access_key: {}, .. }}",
            self.endpoint, self.bucket, self.region, self.access_key
        )
    }
}

impl S3 {
    pub fn new(s: &S3Settings) -> S3 {
        S3 {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("an HTTP client"),
            endpoint: s.endpoint.trim_end_matches('/').to_string(),
            bucket: s.bucket.clone(),
            region: s.region.clone(),
            access_key: s.access_key.clone(),
            secret_key: s.secret_key.clone(),
        }
    }

    pub fn describe(&self) -> String {
        format!("S3 {} (compartiment {})", self.endpoint, self.bucket)
    }

    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let response = self
            .send(reqwest::Method::PUT, key, bytes, Some(content_type))
            .await?;
        expect_success(response, "PUT").await.map(|_| ())
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let response = self
            .send(reqwest::Method::GET, key, Vec::new(), None)
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        expect_success(response, "GET").await.map(Some)
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let response = self
            .send(reqwest::Method::DELETE, key, Vec::new(), None)
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(());
        }
        expect_success(response, "DELETE").await.map(|_| ())
    }

    async fn send(
        &self,
        method: reqwest::Method,
        key: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
    ) -> Result<reqwest::Response, StorageError> {
        let path = format!("/{}/{key}", self.bucket);
        let url = format!("{}{path}", self.endpoint);
        let host = host_of(&self.endpoint);
        let amz_date = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let payload_hash = hex(&Sha256::digest(&body));
        let mut headers = vec![
            ("host".to_string(), host),
            ("x-amz-content-sha256".to_string(), payload_hash.clone()),
            ("x-amz-date".to_string(), amz_date.clone()),
        ];
        if let Some(ct) = content_type {
            headers.push(("content-type".to_string(), ct.to_string()));
        }
        let authorization = sign(
            &Request {
                method: method.as_str(),
                path: &path,
                headers: &headers,
                payload_hash: &payload_hash,
            },
            &Credentials {
                access_key: &self.access_key,
                secret_key: &self.secret_key,
                region: &self.region,
            },
            &amz_date,
        );
        let mut request = self.client.request(method, url).body(body);
        for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
            request = request.header(name.as_str(), value.as_str());
        }
        request
            .header("authorization", authorization)
            .send()
            .await
            .map_err(|e| StorageError(format!("{} injoignable : {e}", self.endpoint)))
    }
}

async fn expect_success(response: reqwest::Response, what: &str) -> Result<Vec<u8>, StorageError> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| StorageError(e.to_string()))?;
    if status.is_success() {
        Ok(body.to_vec())
    } else {
        let text = String::from_utf8_lossy(&body);
        Err(StorageError(format!(
            "{what} refusé ({status}) : {}",
            text.chars().take(300).collect::<String>()
        )))
    }
}

/// "host" or "host:port" of an endpoint, as the HTTP client sends it.
fn host_of(endpoint: &str) -> String {
    let rest = endpoint.split("://").nth(1).unwrap_or(endpoint);
    let host = rest.split('/').next().unwrap_or(rest);
    host.strip_suffix(":443")
        .filter(|_| endpoint.starts_with("https://"))
        .or_else(|| {
            host.strip_suffix(":80")
                .filter(|_| endpoint.starts_with("http://"))
        })
        .unwrap_or(host)
        .to_string()
}

struct Request<'a> {
    method: &'a str,
    /// Already URI-encoded: our keys only hold characters that need no encoding.
    path: &'a str,
    /// Lower-case names; every one is signed.
    headers: &'a [(String, String)],
    payload_hash: &'a str,
}

struct Credentials<'a> {
    access_key: &'a str,
    secret_key: &'a str,
    region: &'a str,
}

/// The `Authorization` header of Signature Version 4 for a request without a query string.
fn sign(req: &Request, cred: &Credentials, amz_date: &str) -> String {
    let mut headers: Vec<&(String, String)> = req.headers.iter().collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical_headers: String = headers
        .iter()
        .map(|(n, v)| format!("{n}:{}\n", v.trim()))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n\n{canonical_headers}\n{signed_headers}\n{}",
        req.method, req.path, req.payload_hash
    );
    let date = &amz_date[..8];
    let scope = format!("{date}/{}/s3/aws4_request", cred.region);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = hmac(
        format!("AWS4{}", cred.secret_key).as_bytes(),
        date.as_bytes(),
    );
    for part in [cred.region, "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        cred.access_key
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The "GET Object" example of Amazon's Signature Version 4 documentation.
    #[test]
    fn signs_like_the_specification_example() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let headers = vec![
            (
                "host".to_string(),
                "examplebucket.s3.amazonaws.com".to_string(),
            ),
            ("range".to_string(), "bytes=0-9".to_string()),
            ("x-amz-content-sha256".to_string(), empty.to_string()),
            ("x-amz-date".to_string(), "20130524T000000Z".to_string()),
        ];
        let auth = sign(
            &Request {
                method: "GET",
                path: "/test.txt",
                headers: &headers,
                payload_hash: empty,
            },
            &Credentials {
                access_key: "AKIAIOSFODNN7EXAMPLE",
                secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                region: "us-east-1",
            },
            "20130524T000000Z",
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn host_keeps_only_a_non_default_port() {
        assert_eq!(
            host_of("https://s3.fr-par.scw.cloud"),
            "s3.fr-par.scw.cloud"
        );
        assert_eq!(host_of("http://127.0.0.1:9000/"), "127.0.0.1:9000");
        assert_eq!(host_of("https://s3.example.org:443"), "s3.example.org");
    }
}
