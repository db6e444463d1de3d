//! The commissioning assistant behind `hearth probe`: read raw registers from a PLC and show every
//! plausible decoding (each type and word order, with scale suggestions), so an engineer can
//! write the register map of a new PLC from what it actually sends.

use std::net::SocketAddr;
use std::time::Duration;

use hearth_model::codec::decode_raw;
use hearth_model::config::{DataType, RegisterKind, WordOrder};
use tokio_modbus::Slave;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    #[error("the PLC answered with exception {code:02X} ({name})")]
    Exception { code: u8, name: String },
    #[error("{0}")]
    Failed(String),
}

/// Read `count` registers (or bits) of `kind` from `start`.
pub async fn read_raw(
    host: &str,
    port: u16,
    unit: u8,
    kind: RegisterKind,
    start: u16,
    count: u16,
    timeout: Duration,
) -> Result<Vec<u16>, ProbeError> {
    let target = format!("{host}:{port}");
    let connect = async {
        let addr: SocketAddr = tokio::net::lookup_host(&target)
            .await
            .map_err(|e| e.to_string())?
            .next()
            .ok_or_else(|| "no address".to_owned())?;
        tokio_modbus::client::tcp::connect_slave(addr, Slave(unit))
            .await
            .map_err(|e| e.to_string())
    };
    let mut ctx = tokio::time::timeout(timeout, connect)
        .await
        .map_err(|_| ProbeError::Connect {
            addr: target.clone(),
            reason: format!("no connection within {timeout:?}"),
        })?
        .map_err(|reason| ProbeError::Connect {
            addr: target.clone(),
            reason,
        })?;
    let read = async {
        crate::modbus::read(&mut ctx, kind, start, count)
            .await
            .map(|r| r.map(crate::modbus::Data::into_words))
    };
    match tokio::time::timeout(timeout, read).await {
        Err(_) => Err(ProbeError::Failed(format!("no reply within {timeout:?}"))),
        Ok(Err(e)) => Err(ProbeError::Failed(e.to_string())),
        Ok(Ok(Err(code))) => Err(ProbeError::Exception {
            code: u8::from(code),
            name: format!("{code:?}"),
        }),
        Ok(Ok(Ok(words))) => Ok(words),
    }
}

/// One way of reading the registers starting at `offset`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoding {
    pub offset: usize,
    pub data_type: DataType,
    pub order: WordOrder,
    pub value: f64,
    /// Looks like a measurement (finite, not absurdly large or tiny, and for floats not a
    /// denormal from reading the wrong half of something).
    pub plausible: bool,
}

fn plausible(ty: DataType, v: f64) -> bool {
    match ty {
        DataType::Float32 | DataType::Float64 => v == 0.0 || (1e-3..1e9).contains(&v.abs()),
        _ => v.abs() < 1e12,
    }
}

/// Every decoding of `words` at every offset: 16-bit types once, 32- and 64-bit types in each
/// word order.
pub fn decodings(words: &[u16]) -> Vec<Decoding> {
    let mut out = Vec::new();
    for offset in 0..words.len() {
        let rest = &words[offset..];
        for ty in [DataType::Uint16, DataType::Int16] {
            if let Ok(v) = decode_raw(rest, ty, WordOrder::ABCD, None) {
                out.push(Decoding {
                    offset,
                    data_type: ty,
                    order: WordOrder::ABCD,
                    value: v,
                    plausible: true,
                });
            }
        }
        for ty in [
            DataType::Float32,
            DataType::Int32,
            DataType::Uint32,
            DataType::Float64,
            DataType::Int64,
            DataType::Uint64,
        ] {
            if rest.len() < usize::from(ty.words()) {
                continue;
            }
            for order in [
                WordOrder::ABCD,
                WordOrder::CDAB,
                WordOrder::BADC,
                WordOrder::DCBA,
            ] {
                if let Ok(v) = decode_raw(rest, ty, order, None) {
                    out.push(Decoding {
                        offset,
                        data_type: ty,
                        order,
                        value: v,
                        plausible: plausible(ty, v),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::codec::encode_raw;

    #[test]
    fn the_true_type_and_order_is_among_the_plausible_decodings() {
        for order in [
            WordOrder::ABCD,
            WordOrder::CDAB,
            WordOrder::BADC,
            WordOrder::DCBA,
        ] {
            let mut regs = [0u16; 2];
            assert!(encode_raw(1234.5, DataType::Float32, order, &mut regs).is_ok());
            let found = decodings(&regs).into_iter().any(|d| {
                d.data_type == DataType::Float32
                    && d.order == order
                    && d.value == 1234.5
                    && d.plausible
            });
            assert!(found, "{order:?}");
        }
    }

    #[test]
    fn a_wrong_word_order_of_a_float_is_usually_flagged_implausible() {
        let mut regs = [0u16; 2];
        assert!(encode_raw(1234.5, DataType::Float32, WordOrder::ABCD, &mut regs).is_ok());
        let cdab = decodings(&regs)
            .into_iter()
            .find(|d| d.data_type == DataType::Float32 && d.order == WordOrder::CDAB);
        assert!(cdab.as_ref().is_some_and(|d| !d.plausible), "{cdab:?}");
    }
}
