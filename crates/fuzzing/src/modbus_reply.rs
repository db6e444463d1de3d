//! Modbus reply decoding, as the poller meets it: the poller's read (tokio-modbus underneath)
//! asks a peer that answers with the fuzzer's bytes, and whatever registers come back go through the register
//! decoder. The peer closes after its answer, so a short reply ends in an error, not a hang.

use std::cell::RefCell;

use hearth_acquisition::modbus::{self, Data};
use hearth_model::codec::decode_raw;
use hearth_model::config::RegisterKind;
use hearth_model::config::{DataType, WordOrder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_modbus::client::tcp;
use tokio_modbus::slave::Slave;

thread_local! {
    static RUNTIME: RefCell<Option<tokio::runtime::Runtime>> = const { RefCell::new(None) };
}

pub fn run(data: &[u8]) {
    let [sel, count, flags, reply @ ..] = data else {
        return;
    };
    let (sel, count, flags) = (*sel, u16::from(*count % 126).max(1), *flags);
    let mut reply = reply.to_vec();
    RUNTIME.with(|rt| {
        let mut rt = rt.borrow_mut();
        if rt.is_none() {
            *rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok();
        }
        let Some(rt) = rt.as_ref() else {
            panic!("no tokio runtime");
        };
        rt.block_on(exchange(sel, count, flags, &mut reply));
    });
}

async fn exchange(sel: u8, count: u16, flags: u8, reply: &mut [u8]) {
    let (client_io, mut peer) = tokio::io::duplex(4096);
    let mut ctx = tcp::attach_slave(client_io, Slave(1));
    let peer_side = async {
        let mut request = [0u8; 12];
        if peer.read_exact(&mut request).await.is_ok() {
            // Most of the time answer the request's own transaction id (and unit), so the
            // fuzzer reaches the PDU decoding instead of stopping at the header.
            if flags & 1 == 0 && reply.len() >= 2 {
                reply[..2].copy_from_slice(&request[..2]);
            }
            if flags & 2 == 0 && reply.len() >= 7 {
                reply[6] = request[6];
            }
            let _ = peer.write_all(reply).await;
        }
        drop(peer);
    };
    let client_side = async {
        let kind = [
            RegisterKind::Holding,
            RegisterKind::Input,
            RegisterKind::Coil,
            RegisterKind::Discrete,
        ][usize::from(sel % 4)];
        if let Ok(Ok(data)) = modbus::read(&mut ctx, kind, 0, count).await {
            match data {
                Data::Words(w) => {
                    assert_eq!(w.len(), usize::from(count), "a short reply passed");
                    decode(&w);
                }
                Data::Bits(b) => assert_eq!(b.len(), usize::from(count), "a short reply passed"),
            }
        }
    };
    tokio::join!(peer_side, client_side);
}

fn decode(regs: &[u16]) {
    for ty in [
        DataType::Int16,
        DataType::Uint32,
        DataType::Float32,
        DataType::Float64,
    ] {
        for order in [WordOrder::ABCD, WordOrder::DCBA] {
            for w in regs.chunks(usize::from(ty.words())) {
                if let Ok(v) = decode_raw(w, ty, order, None) {
                    assert!(v.is_finite());
                }
            }
        }
    }
}
