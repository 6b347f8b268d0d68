//! `ssm-conform-winterbaume [--port PORT]`: serves the seeded winterbaume-ssm emulator
//! (`ssm_conform_winterbaume::Adapter`) for `ssm-conform run`. It prints the URL on its first
//! line, then each seeded execution id with its task count, like `ssm-conform serve`; Ctrl-C
//! stops it.

use ssm_conform_winterbaume::{seed, Adapter};

fn port_argument() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(0),
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("--port {port:?} is not a port number")),
        _ => Err("usage: ssm-conform-winterbaume [--port PORT]".to_owned()),
    }
}

#[tokio::main]
async fn main() {
    let port = port_argument().unwrap_or_else(|why| {
        eprintln!("ssm-conform-winterbaume: {why}");
        std::process::exit(2);
    });
    let adapter = Adapter::start(port).await.unwrap_or_else(|why| {
        eprintln!("ssm-conform-winterbaume: {why}");
        std::process::exit(2);
    });
    println!("{}", adapter.url);
    for e in &adapter.executions {
        println!("{}  {:>3} tasks ({})", e.id, e.tasks.len(), e.label);
    }
    println!("ssm-conform-winterbaume: serving winterbaume-ssm 0.3.0 (window {}); Ctrl-C stops it", seed::WINDOW_ID);
    let _ = tokio::signal::ctrl_c().await;
}
