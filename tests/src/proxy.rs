//! A fault-injecting TCP proxy for Modbus TCP, put between Hearth and the simulator by the
//! reliability tests. Requests pass through untouched; replies are cut into their MBAP frames
//! and delayed, dripped, fragmented, truncated, corrupted, mislabelled or withheld as the fault
//! in force says. The fault can change while connections are open.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What happens to each reply frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass replies through.
    None,
    /// Hold each reply this long, plus up to `jitter_ms` more.
    Latency { ms: u64, jitter_ms: u64 },
    /// Accept and read requests, never answer.
    BlackHole,
    /// Send half of a reply, then reset the connection.
    ResetMidFrame,
    /// Send a reply one byte at a time, `gap_ms` apart.
    Drip { gap_ms: u64 },
    /// Send a reply in three pieces.
    Fragment,
    /// Send only the first `n` bytes of the connection's replies, then close it.
    TruncateAfter(usize),
    /// Flip the bits of each reply's byte count (the first byte after the function code).
    /// Modbus TCP has no checksum: a flipped data byte inside a well-formed frame cannot be
    /// told from a real value, so the corruption that can be caught is of the frame's shape.
    Corrupt,
    /// Answer with another transaction id.
    WrongTransaction,
    /// Answer with another function code.
    WrongFunction,
    /// Answer from another unit.
    WrongUnit,
    /// An MBAP length that claims more bytes than follow.
    LengthTooLong,
    /// An MBAP length that claims fewer bytes than follow.
    LengthTooShort,
}

impl Fault {
    /// Every fault that delays a reply without breaking it (each must be read correctly).
    pub const SLOW: [Fault; 3] = [
        Fault::Latency {
            ms: 300,
            jitter_ms: 300,
        },
        Fault::Drip { gap_ms: 3 },
        Fault::Fragment,
    ];

    /// Every fault that makes a reply malformed (each must give a typed error and a fresh
    /// connection, never a panic or a wrong value).
    pub const MALFORMED: [Fault; 9] = [
        Fault::ResetMidFrame,
        Fault::TruncateAfter(5),
        Fault::Corrupt,
        Fault::WrongTransaction,
        Fault::WrongFunction,
        Fault::WrongUnit,
        Fault::LengthTooLong,
        Fault::LengthTooShort,
        Fault::BlackHole,
    ];
}

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    task: JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Listen on a free loopback port and forward to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let fault = Arc::new(Mutex::new(Fault::None));
        let f = fault.clone();
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                // Finished connections are let go of, or a long run keeps one entry per reconnect.
                while conns.try_join_next().is_some() {}
                let f = f.clone();
                conns.spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        let _ = relay(client, server, f).await;
                    }
                });
            }
        });
        Ok(FaultProxy { addr, fault, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    fn current(fault: &Mutex<Fault>) -> Fault {
        *fault.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn relay(client: TcpStream, server: TcpStream, fault: Arc<Mutex<Fault>>) -> Result<()> {
    client.set_nodelay(true)?;
    // Every close the proxy makes is abrupt (RST), as when a switch or a PLC's stack drops it.
    #[allow(deprecated)]
    client.set_linger(Some(Duration::ZERO))?;
    server.set_nodelay(true)?;
    let (mut c_rd, mut c_wr) = client.into_split();
    let (mut s_rd, mut s_wr) = server.into_split();
    // Requests: straight through.
    let up = tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            match c_rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if s_wr.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    // Replies: frame by frame, through the fault.
    let mut sent = 0usize;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let result = loop {
        let mut header = [0u8; 7];
        if s_rd.read_exact(&mut header).await.is_err() {
            break Ok(());
        }
        let len = usize::from(u16::from_be_bytes([header[4], header[5]]));
        let mut body = vec![0u8; len.saturating_sub(1)];
        if s_rd.read_exact(&mut body).await.is_err() {
            break Ok(());
        }
        let mut frame = header.to_vec();
        frame.extend_from_slice(&body);
        let f = FaultProxy::current(&fault);
        match f {
            Fault::None => c_wr.write_all(&frame).await?,
            Fault::Latency { ms, jitter_ms } => {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let extra = if jitter_ms == 0 { 0 } else { seed % jitter_ms };
                tokio::time::sleep(Duration::from_millis(ms + extra)).await;
                c_wr.write_all(&frame).await?;
            }
            Fault::BlackHole => {}
            Fault::ResetMidFrame => {
                // Both halves go when this returns; with linger 0 that is a reset.
                c_wr.write_all(&frame[..frame.len() / 2]).await?;
                break Ok(());
            }
            Fault::Drip { gap_ms } => {
                for b in &frame {
                    c_wr.write_all(std::slice::from_ref(b)).await?;
                    tokio::time::sleep(Duration::from_millis(gap_ms)).await;
                }
            }
            Fault::Fragment => {
                let third = (frame.len() / 3).max(1);
                for piece in frame.chunks(third) {
                    c_wr.write_all(piece).await?;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            Fault::TruncateAfter(n) => {
                let room = n.saturating_sub(sent);
                let take = room.min(frame.len());
                c_wr.write_all(&frame[..take]).await?;
                sent += take;
                if take < frame.len() {
                    break Ok(());
                }
            }
            Fault::Corrupt => {
                if let Some(count) = frame.get_mut(8) {
                    *count = !*count;
                }
                c_wr.write_all(&frame).await?;
            }
            Fault::WrongTransaction => {
                frame[1] = frame[1].wrapping_add(1);
                c_wr.write_all(&frame).await?;
            }
            Fault::WrongFunction => {
                frame[7] = if frame[7] == 0x03 { 0x04 } else { 0x03 };
                c_wr.write_all(&frame).await?;
            }
            Fault::WrongUnit => {
                frame[6] = frame[6].wrapping_add(7);
                c_wr.write_all(&frame).await?;
            }
            Fault::LengthTooLong => {
                let claimed = (len + 20) as u16;
                frame[4..6].copy_from_slice(&claimed.to_be_bytes());
                c_wr.write_all(&frame).await?;
            }
            Fault::LengthTooShort => {
                let claimed = (len.saturating_sub(2).max(2)) as u16;
                frame[4..6].copy_from_slice(&claimed.to_be_bytes());
                c_wr.write_all(&frame).await?;
            }
        }
    };
    up.abort();
    result
}
