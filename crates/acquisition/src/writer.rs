//! Sending one setpoint to a PLC and reading it back, on a connection of its own so a write
//! never waits behind (or disturbs) the pollers. Only the engine's guarded write path calls
//! this; it decides whether a write may be sent at all.

use std::net::SocketAddr;
use std::time::Duration;

use hearth_model::codec;
use hearth_model::config::{DataType, Device, RegisterKind, Tag};
use tokio_modbus::Slave;
use tokio_modbus::client::{Client, Context};

use crate::modbus;

/// What happened to a write request.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// The PLC acknowledged it.
    Acknowledged,
    /// The PLC answered with a Modbus exception: nothing was applied.
    Refused(String),
    /// No connection could be made: nothing was sent.
    NotSent(String),
    /// Sent, then the connection failed or no reply came: it may or may not have been applied.
    Lost(String),
}

/// The value as the PLC will hold it: rounded to what the register can represent.
pub fn representable(tag: &Tag, value: f64) -> f64 {
    if tag.register == RegisterKind::Coil || tag.data_type == DataType::Bool {
        return if value >= 0.5 { 1.0 } else { 0.0 };
    }
    match tag.data_type {
        DataType::Float32 | DataType::Float64 => value,
        _ => tidy(
            tag,
            codec::to_engineering(
                codec::to_raw(value, tag.scale, tag.offset).round(),
                tag.scale,
                tag.offset,
            ),
        ),
    }
}

/// A value of an integer register rounded to the decimals its scale gives (0.01 -> 2), so that
/// 280 x 0.01 reads 2.8 and not 2.8000000000000003 in the dialog and the audit log.
pub fn tidy(tag: &Tag, value: f64) -> f64 {
    if matches!(tag.data_type, DataType::Float32 | DataType::Float64) || !value.is_finite() {
        return value;
    }
    let decimals = (-tag.scale.abs().log10()).ceil().clamp(0.0, 9.0) as i32;
    let f = 10f64.powi(decimals);
    (value * f).round() / f
}

/// How far a read-back may be from the value sent and still be that value (half a count).
pub fn tolerance(tag: &Tag) -> f64 {
    match tag.data_type {
        DataType::Float32 => 1e-6 * tag.scale.abs().max(1.0),
        DataType::Float64 | DataType::Bool => 1e-9,
        _ => tag.scale.abs() / 2.0,
    }
}

async fn connect(device: &Device) -> Result<Context, String> {
    let target = device.address();
    let attempt = async {
        let addr: SocketAddr = tokio::net::lookup_host(&target)
            .await
            .map_err(|e| format!("cannot resolve {target}: {e}"))?
            .next()
            .ok_or_else(|| format!("{target} resolves to no address"))?;
        tokio_modbus::client::tcp::connect_slave(addr, Slave(device.unit_id))
            .await
            .map_err(|e| format!("cannot connect to {target}: {e}"))
    };
    tokio::time::timeout(device.connect_timeout, attempt)
        .await
        .map_err(|_| {
            format!(
                "no connection to {target} within {} ms",
                device.connect_timeout.as_millis()
            )
        })?
}

/// Send `value` (engineering units) to `tag`: FC05 for a coil, FC06 for one register, FC16
/// for more. One request, never repeated here.
pub async fn send(device: &Device, tag: &Tag, value: f64) -> Sent {
    let words = match encode(tag, value) {
        Ok(w) => w,
        Err(e) => return Sent::NotSent(e),
    };
    let mut ctx = match connect(device).await {
        Ok(c) => c,
        Err(e) => return Sent::NotSent(e),
    };
    let a = tag.address;
    let what = match tag.register {
        RegisterKind::Coil => modbus::Write::Coil(value >= 0.5),
        _ => modbus::Write::Words(&words),
    };
    let fut = modbus::write(&mut ctx, a, what);
    let result = tokio::time::timeout(device.request_timeout, fut).await;
    let _ = tokio::time::timeout(Duration::from_millis(200), ctx.disconnect()).await;
    match result {
        Ok(Ok(Ok(()))) => Sent::Acknowledged,
        Ok(Ok(Err(code))) => Sent::Refused(format!("the PLC answered exception {code:?}")),
        Ok(Err(e)) => Sent::Lost(format!("the connection failed after sending: {e}")),
        Err(_) => Sent::Lost(format!(
            "no reply within {} ms",
            device.request_timeout.as_millis()
        )),
    }
}

fn encode(tag: &Tag, value: f64) -> Result<Vec<u16>, String> {
    if tag.register == RegisterKind::Coil {
        return Ok(Vec::new());
    }
    if tag.register != RegisterKind::Holding {
        return Err(format!("a {} cannot be written", tag.register.name()));
    }
    if tag.data_type == DataType::Bool {
        return Err("one bit of a holding register cannot be written on its own".into());
    }
    let mut words = vec![0u16; usize::from(tag.data_type.words())];
    let raw = codec::to_raw(value, tag.scale, tag.offset);
    codec::encode_raw(raw, tag.data_type, tag.word_order, &mut words)
        .map_err(|e| format!("{value} does not fit {}: {e}", tag.data_type.name()))?;
    Ok(words)
}

/// Read `tag` once on a fresh connection, in engineering units.
pub async fn read(device: &Device, tag: &Tag) -> Result<f64, String> {
    let mut ctx = connect(device).await?;
    let (a, n) = (tag.address, tag.data_type.words());
    let fut = async {
        match tag.register {
            RegisterKind::Coil => modbus::read(&mut ctx, RegisterKind::Coil, a, 1).await,
            _ => modbus::read(&mut ctx, RegisterKind::Holding, a, n).await,
        }
        .map(|r| r.map(modbus::Data::into_words))
    };
    let result = tokio::time::timeout(device.request_timeout, fut).await;
    let _ = tokio::time::timeout(Duration::from_millis(200), ctx.disconnect()).await;
    let words = match result {
        Ok(Ok(Ok(w))) => w,
        Ok(Ok(Err(code))) => return Err(format!("the PLC answered exception {code:?}")),
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => {
            return Err(format!(
                "no reply within {} ms",
                device.request_timeout.as_millis()
            ));
        }
    };
    if tag.register == RegisterKind::Coil {
        return Ok(f64::from(words.first().copied().unwrap_or(0)));
    }
    let raw = codec::decode_raw(&words, tag.data_type, tag.word_order, tag.bit)
        .map_err(|e| e.to_string())?;
    Ok(tidy(tag, codec::to_engineering(raw, tag.scale, tag.offset)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_sent_as_the_register_can_hold_it() {
        let mut t = Tag::synthetic(0, "sp", RegisterKind::Holding, 0, DataType::Int16);
        t.scale = 0.1;
        assert!((representable(&t, 1187.46) - 1187.5).abs() < 1e-9);
        let mut o2 = Tag::synthetic(1, "o2_sp", RegisterKind::Holding, 3, DataType::Uint16);
        o2.scale = 0.01;
        assert_eq!(representable(&o2, 2.8), 2.8);
        assert_eq!(tidy(&o2, 280.0 * 0.01), 2.8);
        assert!((tolerance(&t) - 0.05).abs() < 1e-12);
        assert_eq!(encode(&t, 1187.46), Ok(vec![11875]));
        assert!(encode(&t, 4000.0).is_err(), "beyond int16 at scale 0.1");
    }

    #[test]
    fn input_registers_and_bits_of_a_register_are_never_encoded() {
        let t = Tag::synthetic(0, "pv", RegisterKind::Input, 0, DataType::Int16);
        assert!(encode(&t, 1.0).is_err());
        let b = Tag::synthetic(0, "bit", RegisterKind::Holding, 0, DataType::Bool);
        assert!(encode(&b, 1.0).is_err());
    }
}
