//! Modbus requests through tokio-modbus's `call`, with each reply's size and echo checked here.
//! The crate's typed readers and writers only debug-assert them: a PLC (or a gateway, or a
//! corrupted frame) answering with another register count would panic a debug build and pass
//! unchecked in a release one. Found by the `modbus_reply` fuzz target.

use hearth_model::config::RegisterKind;
use tokio_modbus::client::{Client, Context};
use tokio_modbus::{ExceptionCode, Request, Response};

/// What a read returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    Words(Vec<u16>),
    Bits(Vec<bool>),
}

impl Data {
    /// Registers as they are, bits as 0 or 1 each.
    pub fn into_words(self) -> Vec<u16> {
        match self {
            Data::Words(w) => w,
            Data::Bits(b) => b.into_iter().map(u16::from).collect(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Modbus(#[from] tokio_modbus::Error),
    #[error("the reply holds {got} {what} for the {asked} asked")]
    Size {
        got: usize,
        asked: u16,
        what: &'static str,
    },
    #[error("the reply does not echo the request ({0})")]
    Echo(String),
    #[error("the reply is to another function ({0})")]
    Mismatch(String),
}

/// A reply, or the Modbus exception the device answered with, or why there was neither.
pub type CallResult<T> = Result<Result<T, ExceptionCode>, CallError>;

/// Read `n` of `kind` from address `a`.
pub async fn read(ctx: &mut Context, kind: RegisterKind, a: u16, n: u16) -> CallResult<Data> {
    let request = match kind {
        RegisterKind::Input => Request::ReadInputRegisters(a, n),
        RegisterKind::Holding => Request::ReadHoldingRegisters(a, n),
        RegisterKind::Coil => Request::ReadCoils(a, n),
        RegisterKind::Discrete => Request::ReadDiscreteInputs(a, n),
    };
    let response = match ctx.call(request).await? {
        Ok(r) => r,
        Err(code) => return Ok(Err(code)),
    };
    let data = match (kind, response) {
        (RegisterKind::Input, Response::ReadInputRegisters(w))
        | (RegisterKind::Holding, Response::ReadHoldingRegisters(w)) => {
            if w.len() != usize::from(n) {
                return Err(CallError::Size {
                    got: w.len(),
                    asked: n,
                    what: "registers",
                });
            }
            Data::Words(w)
        }
        (RegisterKind::Coil, Response::ReadCoils(mut b))
        | (RegisterKind::Discrete, Response::ReadDiscreteInputs(mut b)) => {
            // Bits come in whole bytes: more than asked is padding, fewer is a short reply.
            if b.len() < usize::from(n) {
                return Err(CallError::Size {
                    got: b.len(),
                    asked: n,
                    what: "bits",
                });
            }
            b.truncate(usize::from(n));
            Data::Bits(b)
        }
        (_, other) => return Err(CallError::Mismatch(format!("{other:?}"))),
    };
    Ok(Ok(data))
}

/// Write one coil (FC05), one register (FC06) or several (FC16), and check the echo.
pub async fn write(ctx: &mut Context, a: u16, value: Write<'_>) -> CallResult<()> {
    let request = match value {
        Write::Coil(on) => Request::WriteSingleCoil(a, on),
        Write::Words([w]) => Request::WriteSingleRegister(a, *w),
        Write::Words(ws) => Request::WriteMultipleRegisters(a, ws.into()),
    };
    let response = match ctx.call(request).await? {
        Ok(r) => r,
        Err(code) => return Ok(Err(code)),
    };
    let echoed = match (value, &response) {
        (Write::Coil(on), Response::WriteSingleCoil(ra, rv)) => *ra == a && *rv == on,
        (Write::Words([w]), Response::WriteSingleRegister(ra, rv)) => *ra == a && rv == w,
        (Write::Words(ws), Response::WriteMultipleRegisters(ra, rn)) => {
            *ra == a && usize::from(*rn) == ws.len()
        }
        (_, other) => return Err(CallError::Mismatch(format!("{other:?}"))),
    };
    if !echoed {
        return Err(CallError::Echo(format!("{response:?}")));
    }
    Ok(Ok(()))
}

/// What [`write`] sends.
#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    Coil(bool),
    Words(&'a [u16]),
}
