#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hearth_fuzzing::modbus_reply::run(data));
