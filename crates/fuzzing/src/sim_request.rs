//! The simulator's request handling: whatever a client sends, the simulator answers each frame
//! with a well-formed reply (a value or a Modbus exception) or closes, never panics.

use std::sync::OnceLock;

use hearth_sim::{FrameServer, SimulatorOptions};

fn server() -> Option<&'static FrameServer> {
    static SERVER: OnceLock<Option<FrameServer>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let opts = SimulatorOptions::bundled_loopback(1).ok()?;
            FrameServer::new(&opts).ok()
        })
        .as_ref()
}

pub fn run(data: &[u8]) {
    let Some(server) = server() else {
        panic!("the bundled simulator does not start");
    };
    let out = server.answer_stream(data);
    // Every reply is a whole MBAP frame: protocol 0, a length that matches, a function code.
    let mut rest = &out[..];
    while !rest.is_empty() {
        assert!(rest.len() >= 9, "a reply shorter than a frame: {rest:?}");
        assert_eq!(&rest[2..4], &[0, 0], "protocol id");
        let len = usize::from(u16::from_be_bytes([rest[4], rest[5]]));
        assert!((2..=254).contains(&len), "reply length {len}");
        assert!(rest.len() >= 6 + len, "reply cut short");
        rest = &rest[6 + len..];
    }
}
