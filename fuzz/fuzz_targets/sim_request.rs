#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hearth_fuzzing::sim_request::run(data));
