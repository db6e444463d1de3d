//! The simulator's Modbus TCP server. It does its own MBAP framing so that it answers every
//! request the way a PLC does: a malformed or unsupported request gets a Modbus exception, not a
//! dropped connection. Only bytes that cannot be a Modbus TCP frame at all (wrong protocol id, a
//! length field outside 2..=254) close the connection. Each client has its own task, so a slow or
//! garbage-sending client never delays another.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::registers::Refusal;
use crate::runner::Shared;

/// Modbus exception codes the simulator sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exception {
    IllegalFunction = 0x01,
    IllegalDataAddress = 0x02,
    IllegalDataValue = 0x03,
    GatewayTargetFailed = 0x0B,
}

impl From<Refusal> for Exception {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::IllegalDataAddress => Exception::IllegalDataAddress,
            Refusal::IllegalDataValue => Exception::IllegalDataValue,
        }
    }
}

fn u16_at(pdu: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*pdu.get(i)?, *pdu.get(i + 1)?]))
}

/// Response to a register read: function, byte count, the words big-endian.
fn words_response(fc: u8, words: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + 2 * words.len());
    out.push(fc);
    out.push((2 * words.len()) as u8);
    for w in words {
        out.extend_from_slice(&w.to_be_bytes());
    }
    out
}

/// Response to FC15/FC16: function, start address, quantity.
fn multiple_written(fc: u8, addr: u16, n: u16) -> Vec<u8> {
    let mut out = vec![fc];
    out.extend_from_slice(&addr.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out
}

/// The values of an FC16 request, checked against its quantity and byte count.
fn written_words(pdu: &[u8], n: u16) -> Result<Vec<u16>, Exception> {
    let bad = Exception::IllegalDataValue;
    let count = usize::from(*pdu.get(5).ok_or(bad)?);
    let data = pdu.get(6..).ok_or(bad)?;
    if n == 0 || count != 2 * usize::from(n) || data.len() != count {
        return Err(bad);
    }
    Ok(data
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect())
}

fn pack_bits(bits: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; bits.len().div_ceil(8)];
    for (i, b) in bits.iter().enumerate() {
        if *b {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    out
}

/// Answer one request PDU (function code first) for `unit`. Returns the response PDU.
pub(crate) fn answer(shared: &Shared, own_unit: u8, unit: u8, pdu: &[u8]) -> Vec<u8> {
    let fc = pdu.first().copied().unwrap_or(0);
    match handle(shared, own_unit, unit, pdu) {
        Ok(resp) => resp,
        Err(e) => vec![fc | 0x80, e as u8],
    }
}

fn handle(shared: &Shared, own_unit: u8, unit: u8, pdu: &[u8]) -> Result<Vec<u8>, Exception> {
    // Unit 0 and 255 are commonly used as "whoever is at this address" on Modbus TCP.
    if unit != own_unit && unit != 0 && unit != 255 {
        return Err(Exception::GatewayTargetFailed);
    }
    let fc = *pdu.first().ok_or(Exception::IllegalFunction)?;
    let bad = Exception::IllegalDataValue;
    if !matches!(fc, 0x01..=0x06 | 0x0F | 0x10) {
        return Err(Exception::IllegalFunction);
    }
    // Every supported request starts with an address and a quantity (or value).
    let a = u16_at(pdu, 1).ok_or(bad)?;
    let n = u16_at(pdu, 3).ok_or(bad)?;
    if matches!(fc, 0x01..=0x06) && pdu.len() != 5 {
        return Err(bad);
    }
    // The simulation-control block (holding registers from 1000) is served apart from the plant.
    if matches!(fc, 0x03 | 0x06 | 0x10) && crate::control::covers(a) {
        return control(shared, fc, a, n, pdu);
    }
    let mut st = shared.lock();
    let crate::runner::State { sim, image } = &mut *st;
    match fc {
        0x01 | 0x02 => {
            let bits = if fc == 0x01 {
                image.read_coils(a, n)?
            } else {
                image.read_discrete(a, n)?
            };
            let packed = pack_bits(&bits);
            let mut out = vec![fc, packed.len() as u8];
            out.extend(packed);
            Ok(out)
        }
        0x03 => Ok(words_response(fc, &image.read_holding(a, n)?)),
        0x04 => Ok(words_response(fc, &image.read_input(a, n)?)),
        0x05 => {
            let on = match n {
                0xFF00 => true,
                0x0000 => false,
                _ => return Err(bad),
            };
            image.write_coils(a, &[on], sim)?;
            Ok(pdu.to_vec())
        }
        0x06 => {
            image.write_holding(a, &[n], sim)?;
            Ok(pdu.to_vec())
        }
        0x0F => {
            let count = usize::from(*pdu.get(5).ok_or(bad)?);
            let data = pdu.get(6..).ok_or(bad)?;
            if n == 0 || count != usize::from(n).div_ceil(8) || data.len() != count {
                return Err(bad);
            }
            let bits: Vec<bool> = (0..usize::from(n))
                .map(|i| data[i / 8] & (1 << (i % 8)) != 0)
                .collect();
            image.write_coils(a, &bits, sim)?;
            Ok(multiple_written(fc, a, n))
        }
        _ => {
            image.write_holding(a, &written_words(pdu, n)?, sim)?;
            Ok(multiple_written(fc, a, n))
        }
    }
}

/// The simulation-control block: FC03, FC06 and FC16 only (checked by the caller).
fn control(shared: &Shared, fc: u8, a: u16, n: u16, pdu: &[u8]) -> Result<Vec<u8>, Exception> {
    let mut st = shared.lock();
    let crate::runner::State { sim, image } = &mut *st;
    let out = match fc {
        0x03 => words_response(fc, &crate::control::read(shared, sim, a, n)?),
        0x06 => {
            crate::control::write(shared, sim, a, &[n])?;
            pdu.to_vec()
        }
        _ => {
            crate::control::write(shared, sim, a, &written_words(pdu, n)?)?;
            multiple_written(fc, a, n)
        }
    };
    image.refresh(sim);
    let requests = sim.take_server_requests();
    drop(st);
    shared.serve_requests(requests);
    Ok(out)
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, unit_id: u8) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    let mut header = [0u8; 7];
    let mut pdu = [0u8; 253];
    let mut out = Vec::with_capacity(260);
    let generation = shared.generation();
    loop {
        match rd.read_exact(&mut header).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let Some(len) = body_len(&header) else {
            // Not Modbus TCP: there is no frame boundary left to trust.
            tracing::debug!(
                ?header,
                "closing a connection that is not speaking Modbus TCP"
            );
            return Ok(());
        };
        let body = &mut pdu[..len];
        rd.read_exact(body).await?;
        if shared.generation() != generation {
            // The PLC restarted since this connection was made: its sockets are gone.
            return Ok(());
        }
        out.clear();
        match respond(&shared, unit_id, &header, body, &mut out) {
            Step::Replied => wr.write_all(&out).await?,
            Step::Silent => {}
            Step::Reset => {
                // Applied, unanswered: the connection is reset (RST, not a clean close), as
                // when a switch or the PLC's stack drops it.
                if let Ok(stream) = rd.into_inner().reunite(wr) {
                    #[allow(deprecated)]
                    let _ = stream.set_linger(Some(std::time::Duration::ZERO));
                }
                return Ok(());
            }
        }
    }
}

/// The length of the PDU after an MBAP header, or `None` when the header cannot be Modbus TCP
/// (a protocol id other than 0, a length outside 2..=254).
pub(crate) fn body_len(header: &[u8; 7]) -> Option<usize> {
    let proto = u16::from_be_bytes([header[2], header[3]]);
    let len = usize::from(u16::from_be_bytes([header[4], header[5]]));
    (proto == 0 && (2..=254).contains(&len)).then(|| len - 1)
}

/// What became of one request.
pub(crate) enum Step {
    /// The reply frame was appended to `out`.
    Replied,
    /// Comms are down: no answer, the client times out.
    Silent,
    /// The write was applied and the connection is to be reset without an answer.
    Reset,
}

/// Answer one request frame (`header`, then `body` of the length it gave), appending the
/// reply frame to `out`.
pub(crate) fn respond(
    shared: &Shared,
    unit_id: u8,
    header: &[u8; 7],
    body: &[u8],
    out: &mut Vec<u8>,
) -> Step {
    let unit = header[6];
    // Every write is remembered as it arrives, even one a silent PLC never answers.
    let function = body.first().copied().unwrap_or(0);
    let mut reset_instead_of_reply = false;
    if matches!(function, 0x05 | 0x06 | 0x0F | 0x10) {
        reset_instead_of_reply = shared.received_write(crate::runner::ReceivedWrite {
            function,
            address: u16_at(body, 1).unwrap_or(0),
            data: body.get(3..).unwrap_or_default().to_vec(),
        });
    }
    if shared.silent() {
        return Step::Silent;
    }
    let resp = answer(shared, unit_id, unit, body);
    if reset_instead_of_reply {
        return Step::Reset;
    }
    out.extend_from_slice(&header[..2]);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&((resp.len() + 1) as u16).to_be_bytes());
    out.push(unit);
    out.extend_from_slice(&resp);
    Step::Replied
}

/// Serve Modbus TCP on `listener` until `stop` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    unit_id: u8,
    mut stop: watch::Receiver<bool>,
) {
    let mut clients = tokio::task::JoinSet::new();
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tracing::debug!(%peer, "modbus client connected");
                    let shared = shared.clone();
                    clients.spawn(async move {
                        if let Err(err) = connection(stream, shared, unit_id).await {
                            tracing::debug!(%peer, %err, "modbus connection ended");
                        }
                    });
                }
                Err(err) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
            () = &mut stopped => break,
        }
    }
    clients.abort_all();
}
