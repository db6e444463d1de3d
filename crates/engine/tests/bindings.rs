//! The UI's TypeScript types are generated from the Rust API types. This test fails when
//! `ui/src/bindings.ts` is stale; `HEARTH_BLESS=1 cargo test -p hearth-engine --test bindings`
//! rewrites it.

use hearth_engine::settings::*;
use hearth_engine::simulator::*;
use hearth_model::Quality;
use hearth_model::api::*;
use ts_rs::{Config, TS};

fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        Quality::decl(&cfg),
        TagInfo::decl(&cfg),
        TagValue::decl(&cfg),
        DeviceState::decl(&cfg),
        DeviceStatus::decl(&cfg),
        ZoneRoles::decl(&cfg),
        FurnaceRoles::decl(&cfg),
        PlantInfo::decl(&cfg),
        Snapshot::decl(&cfg),
        LiveBatch::decl(&cfg),
        EngineStatus::decl(&cfg),
        EngineTarget::decl(&cfg),
        Resolution::decl(&cfg),
        HistoryBucket::decl(&cfg),
        History::decl(&cfg),
        HistoryPoint::decl(&cfg),
        hearth_engine::history::HistoryQuery::decl(&cfg),
        hearth_engine::history::ExportQuery::decl(&cfg),
        SimulatorMode::decl(&cfg),
        GradeMix::decl(&cfg),
        FaultState::decl(&cfg),
        ScenarioEvent::decl(&cfg),
        ScenarioView::decl(&cfg),
        SimulatorView::decl(&cfg),
        SimulatorCommand::decl(&cfg),
        ConfigProblem::decl(&cfg),
        Validation::decl(&cfg),
        DeviceSettings::decl(&cfg),
        TagSettings::decl(&cfg),
        SettingValue::decl(&cfg),
        SettingsView::decl(&cfg),
        hearth_model::config::Priority::decl(&cfg),
        hearth_engine::alarming::ActiveAlarm::decl(&cfg),
        hearth_engine::alarming::AckRequest::decl(&cfg),
        hearth_engine::journal::JournalEntry::decl(&cfg),
        hearth_engine::alarming::ShelveRequest::decl(&cfg),
        hearth_engine::alarming::ServiceRequest::decl(&cfg),
        hearth_engine::journal::JournalQuery::decl(&cfg),
        hearth_model::config::Pollutant::decl(&cfg),
        hearth_emissions::periods::PeriodKind::decl(&cfg),
        hearth_emissions::periods::Period::decl(&cfg),
        hearth_emissions::averaging::Validity::decl(&cfg),
        hearth_emissions::averaging::Average::decl(&cfg),
        hearth_emissions::energy::EnergyKpi::decl(&cfg),
        hearth_emissions::limits::LimitPeriod::decl(&cfg),
        hearth_emissions::limits::PermitLimit::decl(&cfg),
        hearth_emissions::limits::Standing::decl(&cfg),
        hearth_engine::marks::MarkKind::decl(&cfg),
        hearth_engine::marks::Withdrawal::decl(&cfg),
        hearth_engine::marks::Mark::decl(&cfg),
        hearth_engine::marks::MarkRequest::decl(&cfg),
        hearth_engine::marks::WithdrawRequest::decl(&cfg),
        hearth_engine::accounting::Basis::decl(&cfg),
        hearth_engine::accounting::HourAverage::decl(&cfg),
        hearth_engine::accounting::PollutantDay::decl(&cfg),
        hearth_engine::accounting::DayReport::decl(&cfg),
        hearth_engine::accounting::DayAverage::decl(&cfg),
        hearth_engine::accounting::PollutantMonth::decl(&cfg),
        hearth_engine::accounting::MonthReport::decl(&cfg),
        hearth_engine::alarm_metrics::AlarmCount::decl(&cfg),
        hearth_engine::alarm_metrics::AlarmMetrics::decl(&cfg),
        hearth_model::config::Role::decl(&cfg),
        hearth_engine::auth::LoginRequest::decl(&cfg),
        hearth_engine::auth::SessionInfo::decl(&cfg),
        hearth_engine::audit::AuditOutcome::decl(&cfg),
        hearth_engine::audit::AuditKind::decl(&cfg),
        hearth_engine::audit::AuditEvent::decl(&cfg),
        hearth_engine::audit::AuditEntry::decl(&cfg),
        hearth_engine::audit::AuditQuery::decl(&cfg),
        hearth_engine::audit::AuditVerification::decl(&cfg),
        hearth_engine::writes::WriteRequest::decl(&cfg),
        hearth_engine::writes::WriteProposal::decl(&cfg),
        hearth_engine::writes::WriteConfirm::decl(&cfg),
        hearth_engine::writes::WriteResult::decl(&cfg),
        hearth_engine::writes::Prepared::decl(&cfg),
        hearth_engine::writes::WritableTag::decl(&cfg),
        hearth_engine::changes::EditableSetting::decl(&cfg),
        hearth_engine::changes::SettingChange::decl(&cfg),
        hearth_engine::changes::SettingResult::decl(&cfg),
        hearth_engine::optimising::DeltaView::decl(&cfg),
        hearth_engine::optimising::MoveView::decl(&cfg),
        hearth_engine::optimising::RampStepView::decl(&cfg),
        hearth_engine::optimising::MarginView::decl(&cfg),
        hearth_engine::optimising::InputView::decl(&cfg),
        hearth_engine::optimising::FitView::decl(&cfg),
        hearth_engine::optimising::ParameterView::decl(&cfg),
        hearth_engine::optimising::DischargeView::decl(&cfg),
        hearth_engine::optimising::TrajectoryView::decl(&cfg),
        hearth_engine::optimising::OutcomeView::decl(&cfg),
        hearth_engine::optimising::TradePointView::decl(&cfg),
        hearth_engine::optimising::SuggestionStatus::decl(&cfg),
        hearth_engine::optimising::SuggestionView::decl(&cfg),
        hearth_engine::optimising::RunProgress::decl(&cfg),
        hearth_engine::optimising::RunSummary::decl(&cfg),
        hearth_engine::optimising::OptimiserView::decl(&cfg),
        hearth_engine::optimising::Decision::decl(&cfg),
        hearth_optimiser::shadow::RunFigures::decl(&cfg),
        hearth_optimiser::shadow::Applied::decl(&cfg),
        hearth_optimiser::shadow::Sources::decl(&cfg),
        hearth_optimiser::shadow::Report::decl(&cfg),
        hearth_engine::optimising::EvaluationRequest::decl(&cfg),
        hearth_engine::optimising::EvaluationView::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in crates/model/src/api.rs. Do not edit by hand:\n\
         // HEARTH_BLESS=1 cargo test -p hearth-engine --test bindings\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn ui_bindings_are_generated_from_the_rust_types() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
    let fresh = render();
    if std::env::var_os("HEARTH_BLESS").is_some() {
        std::fs::write(&path, &fresh)?;
        return Ok(());
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "ui/src/bindings.ts is stale: run HEARTH_BLESS=1 cargo test -p hearth-engine --test bindings"
    );
    Ok(())
}
