//! Prometheus metrics, kept in memory and written in the text exposition format.
//! Counters are per process: each app server exposes its own, Prometheus adds them up.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    jobs: Mutex<BTreeMap<(String, &'static str), u64>>,
}

impl Metrics {
    pub fn record_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap()
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().unwrap();
        let h = latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    pub fn record_job(&self, kind: &str, outcome: &'static str) {
        *self
            .jobs
            .lock()
            .unwrap()
            .entry((kind.to_string(), outcome))
            .or_default() += 1;
    }

    /// The exposition text; `queue` is the number of jobs per status, read from the database.
    pub fn render(&self, queue: &[(String, i64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP maillon_http_requests_total HTTP requests answered.\n# TYPE maillon_http_requests_total counter\n");
        for ((method, route, status), n) in self.requests.lock().unwrap().iter() {
            let _ = writeln!(out, "maillon_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}");
        }
        out.push_str("# HELP maillon_http_request_duration_seconds Time to answer a request.\n# TYPE maillon_http_request_duration_seconds histogram\n");
        for (route, h) in self.latency.lock().unwrap().iter() {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "maillon_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}", h.counts[i]);
            }
            let _ = writeln!(
                out,
                "maillon_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "maillon_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "maillon_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP maillon_jobs_processed_total Jobs run by this process, by outcome.\n# TYPE maillon_jobs_processed_total counter\n");
        for ((kind, outcome), n) in self.jobs.lock().unwrap().iter() {
            let _ = writeln!(
                out,
                "maillon_jobs_processed_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        out.push_str(
            "# HELP maillon_jobs Jobs in the queue, by status.\n# TYPE maillon_jobs gauge\n",
        );
        for (status, n) in queue {
            let _ = writeln!(out, "maillon_jobs{{status=\"{status}\"}} {n}");
        }
        out
    }
}
