//! The Modbus TCP face of the simulator: a tokio-modbus server whose service answers from the
//! register image the way a PLC does, with exceptions for anything it cannot serve.

use std::future::{Ready, ready};
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_modbus::server::tcp::{Server, accept_tcp_connection};
use tokio_modbus::{ExceptionCode, Request, Response, SlaveRequest};

use crate::registers::Refusal;
use crate::runner::Shared;

impl From<Refusal> for ExceptionCode {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::IllegalDataAddress => ExceptionCode::IllegalDataAddress,
            Refusal::IllegalDataValue => ExceptionCode::IllegalDataValue,
        }
    }
}

#[derive(Clone)]
pub(crate) struct PlcService {
    pub(crate) shared: Arc<Shared>,
    pub(crate) unit_id: u8,
}

impl PlcService {
    fn answer(&self, req: SlaveRequest<'static>) -> Result<Response, ExceptionCode> {
        // Unit 0 and 255 are commonly used as "whoever is at this address" on Modbus TCP.
        if req.slave != self.unit_id && req.slave != 0 && req.slave != 255 {
            return Err(ExceptionCode::GatewayTargetDevice);
        }
        let mut guard = self.shared.lock();
        let state = &mut *guard;
        let image = &mut state.image;
        let sim = &mut state.sim;
        Ok(match req.request {
            Request::ReadCoils(a, n) => Response::ReadCoils(image.read_coils(a, n)?),
            Request::ReadDiscreteInputs(a, n) => {
                Response::ReadDiscreteInputs(image.read_discrete(a, n)?)
            }
            Request::ReadInputRegisters(a, n) => {
                Response::ReadInputRegisters(image.read_input(a, n)?)
            }
            Request::ReadHoldingRegisters(a, n) => {
                Response::ReadHoldingRegisters(image.read_holding(a, n)?)
            }
            Request::WriteSingleRegister(a, v) => {
                image.write_holding(a, &[v], sim)?;
                Response::WriteSingleRegister(a, v)
            }
            Request::WriteMultipleRegisters(a, values) => {
                image.write_holding(a, &values, sim)?;
                Response::WriteMultipleRegisters(a, values.len() as u16)
            }
            Request::WriteSingleCoil(a, v) => {
                image.write_coils(a, &[v], sim)?;
                Response::WriteSingleCoil(a, v)
            }
            Request::WriteMultipleCoils(a, values) => {
                image.write_coils(a, &values, sim)?;
                Response::WriteMultipleCoils(a, values.len() as u16)
            }
            _ => return Err(ExceptionCode::IllegalFunction),
        })
    }
}

impl tokio_modbus::server::Service for PlcService {
    type Request = SlaveRequest<'static>;
    type Response = Response;
    type Exception = ExceptionCode;
    type Future = Ready<Result<Response, ExceptionCode>>;

    fn call(&self, req: Self::Request) -> Self::Future {
        ready(self.answer(req))
    }
}

/// Serve Modbus TCP on `listener` until the future is dropped.
pub(crate) async fn serve(listener: TcpListener, service: PlcService) -> std::io::Result<()> {
    let server = Server::new(listener);
    let on_connected = |stream, addr: SocketAddr| {
        let service = service.clone();
        async move {
            tracing::debug!(%addr, "modbus client connected");
            accept_tcp_connection(stream, addr, |_| Ok(Some(service.clone())))
        }
    };
    let on_error = |err| tracing::debug!(%err, "modbus connection ended with an error");
    server.serve(&on_connected, on_error).await
}
