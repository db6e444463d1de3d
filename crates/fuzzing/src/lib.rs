//! The fuzz targets' bodies: everything Hearth parses from outside bytes. Each takes arbitrary
//! bytes and must return without panicking; the ones that can also check a property (a reply
//! frame's shape, a codec's round trip) panic when it fails, so the fuzzer reports it. The
//! cargo-fuzz crate in `fuzz/` drives them under libFuzzer; `tests/corpora.rs` replays the kept
//! corpora through them in every test run.

pub mod chunk;
pub mod config_text;
pub mod modbus_reply;
pub mod register_codec;
pub mod sim_request;
pub mod time_text;

/// A target's body: arbitrary bytes in, a panic only for a bug.
pub type Target = fn(&[u8]);

/// Every target by the name its corpus directory and cargo-fuzz binary have.
pub const TARGETS: [(&str, Target); 6] = [
    ("modbus_reply", modbus_reply::run),
    ("register_codec", register_codec::run),
    ("sim_request", sim_request::run),
    ("config_text", config_text::run),
    ("chunk", chunk::run),
    ("time_text", time_text::run),
];
