fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "engine_target",
            "plant_info",
            "snapshot",
            "subscribe_live",
            "close_choice",
        ]),
    ))
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
