fn main() {
    // The UI is compiled into the binary (Tauri's assets and the HTTP face's copy): rebuild when
    // it changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "engine_target",
            "plant_info",
            "snapshot",
            "subscribe_live",
            "on_close_requested",
            "close_choice",
            "history",
            "settings",
            "simulator",
            "simulator_command",
            "export_csv",
            "cancel_export",
            "alarms",
            "alarms_ack",
            "alarms_shelve",
            "alarms_service",
            "alarm_journal_csv",
            "emissions_day",
            "emissions_month",
            "save_report",
            "add_emission_mark",
            "withdraw_emission_mark",
            "alarm_journal",
            "alarm_metrics",
            "writable_tags",
            "write_prepare",
            "write_confirm",
            "audit",
            "audit_verify",
            "audit_csv",
            "change_setting",
            "optimiser",
            "optimiser_run",
            "optimiser_cancel",
            "optimiser_decide",
            "optimiser_evaluation",
            "optimiser_evaluate",
        ]),
    ))
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
