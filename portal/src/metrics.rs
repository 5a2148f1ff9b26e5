//! Prometheus metrics, in the text exposition format at `/metrics`: requests by route and
//! status, and a latency histogram by route.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default)]
struct Series {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<&'static str, Series>>,
}

impl Metrics {
    pub fn observe(&self, route: &'static str, status: u16, seconds: f64) {
        let mut m = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let s = m.entry(route).or_default();
        *s.by_status.entry(status).or_default() += 1;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                s.buckets[i] += 1;
            }
        }
        s.sum += seconds;
        s.count += 1;
    }

    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        let m = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP portal_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE portal_requests_total counter\n");
        for (route, s) in m.iter() {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "portal_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP portal_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE portal_request_duration_seconds histogram\n");
        for (route, s) in m.iter() {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "portal_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "portal_request_duration_seconds_count{{route=\"{route}\"}} {}",
                s.count
            );
        }
        for (name, help, v) in extra {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}
