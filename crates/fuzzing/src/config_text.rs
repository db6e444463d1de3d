//! Config parsing and validation: a plant file or a register map as text. A bad file must give
//! errors naming a file and a key, never a panic.

use std::path::Path;

use hearth_model::config::Config;

pub fn run(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The register maps a plant file names are looked up beside it: none exist here, which
    // is itself an error path.
    let here = Path::new("/nonexistent-hearth-fuzz/plant.toml");
    let result = if which % 2 == 0 {
        Config::from_text(here, &text).map(|_| ())
    } else {
        Config::register_map_from_str(Path::new("map.toml"), &text).map(|_| ())
    };
    if let Err(errors) = result {
        assert!(!errors.0.is_empty(), "a refusal without an error");
        for e in &errors.0 {
            assert!(!e.message.is_empty(), "an error without a message");
            let _ = e.to_string();
        }
    }
}
