//! The sandbox's updates per second over loopback with 1, 8 and 64 concurrent clients (each a
//! keep-alive connection PATCHing its own cro contact as fast as answers come back).

use std::time::{Duration, Instant};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let running = rolo::sandbox::start("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
        let url = running.url();
        for clients in [1usize, 8, 64] {
            let mut rates = Vec::new();
            for _round in 0..5 {
                let per_client = 4_000 / clients;
                let started = Instant::now();
                let mut tasks = Vec::new();
                for c in 0..clients {
                    let url = url.clone();
                    tasks.push(tokio::spawn(async move {
                        let client = reqwest::Client::new();
                        let path = format!("{url}/cro/customers/1001/contacts/{}/", 6001 + c);
                        for i in 0..per_client {
                            let r = client
                                .patch(&path)
                                .header("Authorization", "Bearer sandbox.cro-token")
                                .header("x-tenant-id", "1")
                                .body(format!(r#"{{"name":"bench {i}"}}"#))
                                .send()
                                .await
                                .unwrap();
                            assert_eq!(r.status(), 200);
                            let _ = r.bytes().await.unwrap();
                        }
                    }));
                }
                for t in tasks {
                    t.await.unwrap();
                }
                let elapsed = started.elapsed().max(Duration::from_micros(1));
                rates.push((per_client * clients) as f64 / elapsed.as_secs_f64());
            }
            rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!(
                "sandbox updates/s with {clients:>2} client(s): median {:.0}  (min {:.0}, max {:.0}; 5 rounds of 4,000 updates)",
                rates[2], rates[0], rates[4]
            );
        }
    });
}
