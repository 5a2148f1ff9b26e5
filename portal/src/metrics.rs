//! Prometheus metrics, in the text exposition format at `/metrics`: requests by route and
//! status, and a latency histogram by route.
//!
//! Recording is lock-free: the routes are a fixed set of names, each with atomic counters for
//! the common statuses and the histogram buckets; only a status outside [`STATUSES`] takes a
//! (per-route) lock.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// The routes the portal reports, in the order they are rendered (alphabetical).
pub const ROUTES: [&str; 15] = [
    "/",
    "/.well-known/truecopy-keys",
    "/api/openapi.json",
    "/api/v1/copies/{code}",
    "/api/v1/verify",
    "/c/{code}",
    "/c/{code}/pages/{n}",
    "/healthz",
    "/lookup",
    "/metrics",
    "/r/{token}",
    "/r/{token}/copy.pdf",
    "/static",
    "/verify",
    "other",
];

/// Statuses counted without a lock (ascending).
const STATUSES: [u16; 12] = [200, 303, 400, 403, 404, 405, 410, 413, 415, 422, 429, 500];

#[derive(Debug, Default)]
struct Series {
    by_status: [AtomicU64; STATUSES.len()],
    other_status: Mutex<BTreeMap<u16, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    /// Sum of the durations, in nanoseconds.
    sum_ns: AtomicU64,
    count: AtomicU64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    routes: [Series; ROUTES.len()],
}

impl Metrics {
    /// Counts one answer. `route` is one of [`ROUTES`] (anything else counts as `other`).
    pub fn observe(&self, route: &'static str, status: u16, seconds: f64) {
        let i = ROUTES.binary_search(&route).unwrap_or(ROUTES.len() - 1);
        let s = &self.routes[i];
        match STATUSES.binary_search(&status) {
            Ok(k) => {
                s.by_status[k].fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                let mut m = s.other_status.lock().unwrap_or_else(|e| e.into_inner());
                *m.entry(status).or_default() += 1;
            }
        }
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                s.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        s.sum_ns
            .fetch_add((seconds * 1e9).round() as u64, Ordering::Relaxed);
        s.count.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        // A snapshot per route (counters may move on while it is taken; each is monotonic).
        let seen: Vec<(&str, &Series, BTreeMap<u16, u64>)> = ROUTES
            .iter()
            .zip(&self.routes)
            .filter(|(_, s)| s.count.load(Ordering::Relaxed) > 0)
            .map(|(r, s)| {
                let mut by_status = s
                    .other_status
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                for (k, st) in STATUSES.iter().enumerate() {
                    let n = s.by_status[k].load(Ordering::Relaxed);
                    if n > 0 {
                        by_status.insert(*st, n);
                    }
                }
                (*r, s, by_status)
            })
            .collect();
        let mut out = String::new();
        out.push_str("# HELP portal_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE portal_requests_total counter\n");
        for (route, _, by_status) in &seen {
            for (status, n) in by_status {
                let _ = writeln!(
                    out,
                    "portal_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP portal_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE portal_request_duration_seconds histogram\n");
        for (route, s, _) in &seen {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "portal_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {}",
                    s.buckets[i].load(Ordering::Relaxed)
                );
            }
            let count = s.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                s.sum_ns.load(Ordering::Relaxed) as f64 / 1e9
            );
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        for (name, help, v) in extra {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_sorted_for_lookup() {
        let mut sorted = ROUTES;
        sorted.sort_unstable();
        assert_eq!(sorted, ROUTES);
        let mut st = STATUSES;
        st.sort_unstable();
        assert_eq!(st, STATUSES);
    }

    #[test]
    fn counts_by_route_status_and_bucket() {
        let m = Metrics::default();
        m.observe("/healthz", 200, 0.0005);
        m.observe("/healthz", 200, 0.003);
        m.observe("/healthz", 503, 0.2);
        m.observe("/c/{code}", 404, 2.0);
        m.observe("/nowhere", 200, 0.0);
        let text = m.render(&[("portal_x", "An extra gauge.", 3.0)]);
        for want in [
            "portal_requests_total{route=\"/healthz\",status=\"200\"} 2\n",
            "portal_requests_total{route=\"/healthz\",status=\"503\"} 1\n",
            "portal_requests_total{route=\"/c/{code}\",status=\"404\"} 1\n",
            "portal_requests_total{route=\"other\",status=\"200\"} 1\n",
            "portal_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.001\"} 1\n",
            "portal_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2\n",
            "portal_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 3\n",
            "portal_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3\n",
            "portal_request_duration_seconds_bucket{route=\"/c/{code}\",le=\"1\"} 0\n",
            "portal_request_duration_seconds_count{route=\"/healthz\"} 3\n",
            "portal_request_duration_seconds_sum{route=\"/healthz\"} 0.2035\n",
            "portal_x 3\n",
        ] {
            assert!(text.contains(want), "{want} missing from\n{text}");
        }
        assert!(!text.contains("route=\"/verify\""), "{text}");
        // Routes in alphabetical order, as before.
        assert!(text.find("/c/{code}").unwrap() < text.find("/healthz").unwrap());
    }
}
