//! Load benchmark of the portal (issue 5): wrk against `GET /api/v1/copies/{code}` and
//! `GET /c/{code}` over random existing codes, with N copies seeded in bulk, on SQLite and
//! PostgreSQL, beside nginx serving static files of the same sizes in the same run.
//!
//! ```sh
//! cargo bench -p portal --bench portal_http                       # 10k and 1M copies
//! BENCH_SIZES=10000,100000 BENCH_SECONDS=8 BENCH_BACKENDS=sqlite cargo bench -p portal --bench portal_http
//! ```
//! PostgreSQL comes from TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
//! a database is created for the run and dropped after. Prints p50/p99 and requests/s.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use portal::state::ServeOptions;
use rand_core::{OsRng, RngCore};
use truecopy_domain::IdCode;
use truecopy_tests::TestDb;

const CONNECTIONS: u32 = 256;

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("BENCH_SIZES: numbers"))
        .collect();
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    if std::env::var(truecopy_tests::PG_ENV).is_err() {
        reexec_with_default_pg();
    }
    for tool in ["wrk", "nginx"] {
        assert!(
            Command::new("which")
                .arg(tool)
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
            "{tool} is missing: scripts/setup.sh installs wrk and nginx-light"
        );
    }
    let keys = tempfile::tempdir().expect("tmp");
    truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: keys.path().join("keys"),
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        officers: vec![],
        force: false,
    })
    .expect("dev pki");
    println!(
        "| backend | copies | seed s | route | req/s | p50 ms | p99 ms | CPU µs/req | nginx same size req/s | nginx p50 ms | nginx p99 ms | nginx CPU µs/req | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for backend in backends.split(',') {
        for &n in &sizes {
            run(backend.trim(), n, seconds, keys.path());
        }
    }
}

fn reexec_with_default_pg() {
    // The harness reads TEST_DATABASE_URL; `std::env::set_var` is unsafe in edition 2024 (and
    // the workspace forbids unsafe code), so the default is passed to a re-executed self.
    let exe = std::env::current_exe().expect("exe");
    let status = Command::new(exe)
        .args(std::env::args().skip(1))
        .env(
            truecopy_tests::PG_ENV,
            "postgres://postgres@127.0.0.1:5432/test",
        )
        .status()
        .expect("re-exec");
    std::process::exit(status.code().unwrap_or(1));
}

/// nginx's master process: stopped with SIGTERM so that it takes its workers along.
struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn run(backend: &str, n: usize, seconds: u64, keys: &Path) {
    let db = match backend {
        "sqlite" => TestDb::sqlite(),
        "postgres" => TestDb::postgres(),
        other => panic!("unknown backend {other}"),
    };
    drop(db.registry()); // migrations
    let t = Instant::now();
    let codes = seed(&db, n);
    let seed_s = t.elapsed().as_secs_f64();

    let work = tempfile::tempdir().expect("tmp");
    let env: Vec<(String, String)> = vec![
        (
            "TRUECOPY_KEYS__DIR".into(),
            keys.join("keys").display().to_string(),
        ),
        ("DATABASE_URL".into(), db.url_string()),
        (
            "TRUECOPY_BLOBS__URL".into(),
            format!("file://{}", work.path().join("blobs").display()),
        ),
        ("TRUECOPY_LOG__LEVEL".into(), "warn".into()),
    ];
    let cfg = truecopy_config::Config::load_from(None, &env).expect("config");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("rt");
    let state = {
        let _g = rt.enter();
        portal::app::build_state(
            cfg,
            &ServeOptions {
                lookups_per_minute: 0,
                db_connections: 8,
            },
        )
        .expect("state")
    };
    // Served as `portal serve` does: one thread per core (2 here, as the machine has).
    let server =
        portal::app::Server::start(state, "127.0.0.1:0".parse().expect("addr"), 2).expect("serve");
    let addr = server.addr;

    // Random existing codes for wrk (a sample of up to 20k).
    let sample: Vec<&String> = (0..codes.len().min(20_000))
        .map(|_| &codes[(OsRng.next_u64() % codes.len() as u64) as usize])
        .collect();
    let codes_file = work.path().join("codes.txt");
    std::fs::write(
        &codes_file,
        sample.iter().map(|c| format!("{c}\n")).collect::<String>(),
    )
    .expect("codes");
    let lua = work.path().join("codes.lua");
    std::fs::write(
        &lua,
        "local codes = {}\nlocal prefix = ''\n\
         init = function(args)\n  for line in io.lines(args[1]) do codes[#codes + 1] = line end\n  prefix = args[2]\n  math.randomseed(os.time() + math.floor(os.clock() * 1000000))\nend\n\
         request = function()\n  return wrk.format('GET', prefix .. codes[math.random(#codes)])\nend\n",
    )
    .expect("lua");

    // nginx with static files of the same sizes as the two answers.
    let api_body = http_get(addr, &format!("/api/v1/copies/{}", codes[0]));
    let page_body = http_get(addr, &format!("/c/{}", codes[0]));
    let www = work.path().join("www");
    std::fs::create_dir_all(&www).expect("www");
    std::fs::write(www.join("api.json"), &api_body).expect("static");
    std::fs::write(www.join("page.html"), &page_body).expect("static");
    let nport = free_port();
    let conf = work.path().join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "worker_processes 2; daemon off; pid {w}/nginx.pid; error_log {w}/error.log warn;\n\
             events {{ worker_connections 4096; }}\n\
             http {{ access_log off; sendfile on; keepalive_requests 1000000; types {{ application/json json; text/html html; }}\n\
             client_body_temp_path {w}/cb; proxy_temp_path {w}/px; fastcgi_temp_path {w}/fc; uwsgi_temp_path {w}/uw; scgi_temp_path {w}/sc;\n\
             server {{ listen 127.0.0.1:{nport}; root {www}; }} }}\n",
            w = work.path().display(),
            www = www.display(),
        ),
    )
    .expect("nginx.conf");
    let nginx_proc = Kill(
        Command::new("nginx")
            .args([
                "-c",
                &conf.display().to_string(),
                "-p",
                &work.path().display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx"),
    );
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", nport)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    for (route, prefix, file, size) in [
        (
            "GET /api/v1/copies/{code}",
            "/api/v1/copies/",
            "/api.json",
            api_body.len(),
        ),
        ("GET /c/{code}", "/c/", "/page.html", page_body.len()),
    ] {
        // CPU time per request (user + system) of the portal's process (the server threads;
        // the rest of this process is idle meanwhile) and of nginx's master and workers: on a
        // machine shared with other work, this is steadier than req/s.
        let cpu0 = cpu_seconds(&[std::process::id()]);
        let portal = wrk(
            &format!("http://{addr}"),
            Some((&lua, &codes_file, prefix)),
            seconds,
        );
        let portal_cpu = (cpu_seconds(&[std::process::id()]) - cpu0) / portal.requests * 1e6;
        let npids = nginx_pids(nginx_proc.0.id());
        let cpu0 = cpu_seconds(&npids);
        let nginx = wrk(&format!("http://127.0.0.1:{nport}{file}"), None, seconds);
        let nginx_cpu = (cpu_seconds(&npids) - cpu0) / nginx.requests * 1e6;
        println!(
            "| {backend} | {n} | {seed_s:.1} | {route} ({size} B) | {:.0} | {:.2} | {:.2} | {portal_cpu:.1} | {:.0} | {:.2} | {:.2} | {nginx_cpu:.1} | {:.2} |",
            portal.rps,
            portal.p50,
            portal.p99,
            nginx.rps,
            nginx.p50,
            nginx.p99,
            portal.rps / nginx.rps
        );
    }
    server.stop().expect("server stops");
    drop(rt);
}

/// utime + stime of the processes, in seconds (from /proc; clock ticks of 1/100 s).
fn cpu_seconds(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .map(|stat| {
            // Fields after the command name (which is in parentheses and may hold spaces).
            let rest = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
            (ticks(11) + ticks(12)) / 100.0
        })
        .sum()
}

/// nginx's master and its workers.
fn nginx_pids(master: u32) -> Vec<u32> {
    let mut pids = vec![master];
    if let Ok(children) = std::fs::read_to_string(format!("/proc/{master}/task/{master}/children"))
    {
        pids.extend(
            children
                .split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok()),
        );
    }
    pids
}

struct WrkResult {
    requests: f64,
    rps: f64,
    p50: f64,
    p99: f64,
}

fn wrk(url: &str, script: Option<(&Path, &Path, &str)>, seconds: u64) -> WrkResult {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    if let Some((lua, _, _)) = script {
        cmd.arg("-s").arg(lua);
    }
    cmd.arg(url);
    if let Some((_, codes, prefix)) = script {
        cmd.arg("--").arg(codes).arg(prefix);
    }
    let out = cmd.output().expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("Non-2xx"), "errors under load:\n{text}");
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk output:\n{text}"));
    let pct = |p: &str| {
        text.lines()
            .find_map(|l| {
                let l = l.trim();
                l.strip_prefix(p).map(|v| ms(v.trim()))
            })
            .unwrap_or(f64::NAN)
    };
    // "  123456 requests in 10.00s, ..."
    let requests = text
        .lines()
        .find_map(|l| {
            l.trim()
                .split_once(" requests in ")
                .map(|(n, _)| n.trim().to_string())
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(f64::NAN);
    WrkResult {
        requests,
        rps,
        p50: pct("50%"),
        p99: pct("99%"),
    }
}

fn ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let x: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => x / 1000.0,
        "ms" => x,
        "s" => x * 1000.0,
        "m" => x * 60_000.0,
        _ => f64::NAN,
    }
}

fn http_get(addr: SocketAddr, path: &str) -> Vec<u8> {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.0\r\nHost: bench\r\n\r\n").expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let at = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    assert!(
        buf.starts_with(b"HTTP/1.0 200") || buf.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..at])
    );
    buf[at..].to_vec()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

/// Seeds `n` copies directly in bulk (a kiosk, then per copy a case, the copy and its seal
/// signature), multi-row INSERTs in one transaction. Returns the codes.
fn seed(db: &TestDb, n: usize) -> Vec<String> {
    let mut conn = truecopy_registry::DbConnection::open(&db.url()).expect("conn");
    let exec = |conn: &mut truecopy_registry::DbConnection, sql: &str| {
        diesel::sql_query(sql)
            .execute(conn)
            .unwrap_or_else(|e| panic!("{e}: {}", &sql[..sql.len().min(200)]));
    };
    exec(&mut conn, "BEGIN");
    exec(
        &mut conn,
        "INSERT INTO kiosks (id, name, location, created_at) VALUES ('K01','Kiosk 1','Hà Đông','2026-01-01T00:00:00.000Z')",
    );
    let at = "2026-03-14T03:00:00.000Z";
    let pages = "[\"0101010101010101010101010101010101010101010101010101010101010101\",\"0202020202020202020202020202020202020202020202020202020202020202\"]";
    let mut codes = Vec::with_capacity(n);
    const BATCH: usize = 1000;
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let mut cases = String::from(
            "INSERT INTO cases (id, kiosk_id, received_at, state, version, document_type, pages, fields, checks, reasons, updated_at) VALUES ",
        );
        let mut copies = String::from(
            "INSERT INTO copies (code, case_id, register_year, register_book, register_seq, register_number, document_type, holder_name, issued_at, state, version, pdf_blob, pdf_sha256, page_sha256) VALUES ",
        );
        let mut sigs = String::from(
            "INSERT INTO signatures (copy_code, ordinal, role, signer_subject, certificate_sha256, signed_at) VALUES ",
        );
        for i in start..end {
            let code = IdCode::generate(&mut OsRng).as_str().to_string();
            let seq = i + 1;
            let sep = if i == start { "" } else { "," };
            cases.push_str(&format!(
                "{sep}('case-{seq}','K01','{at}','issued',2,'citizen_id','[]','{{}}','[]','[]','{at}')"
            ));
            copies.push_str(&format!(
                "{sep}('{code}','case-{seq}',2026,1,{seq},'{seq:06}/Q01/2026-SCT/BS','citizen_id','NGUYỄN VĂN A','{at}','valid',0,'{h}','{h}','{pages}')",
                h = "ab".repeat(32)
            ));
            sigs.push_str(&format!(
                "{sep}('{code}',1,'seal','Trung tâm Phục vụ hành chính công thành phố Hà Nội','{h}','{at}')",
                h = "cd".repeat(32)
            ));
            codes.push(code);
        }
        exec(&mut conn, &cases);
        exec(&mut conn, &copies);
        exec(&mut conn, &sigs);
    }
    exec(&mut conn, "COMMIT");
    if matches!(db, TestDb::Postgres { .. }) {
        exec(&mut conn, "ANALYZE");
    }
    codes
}
