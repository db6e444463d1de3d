// Message catalogues (English and Simplified Chinese), switchable at run time. Every UI string
// goes through `t`; the zh-CN catalogue must have every key (the type and a test enforce it).
import { createSignal } from "solid-js";

export const en = {
  "app.title": "Hearth",
  "nav.overview": "Overview",
  "nav.devices": "Devices",
  "header.plantTime": "Plant time",
  "header.utcHint": "UTC",
  "link.connecting": "Connecting…",
  "link.live": "Live",
  "link.lost": "Connection to the engine lost: retrying",
  "historian.cannotWrite": "History is not being written. Readings are held in memory until the disk can take them again:",
  "engine.inProcess": "Engine in this window",
  "engine.attached": "Attached to engine",
  "engine.browser": "Engine",
  "overview.recuperator": "Recuperator",
  "overview.stack": "Flue gas",
  "overview.charge": "Charge",
  "overview.discharge": "Discharge",
  "overview.setpoint": "Setpoint",
  "overview.fuel": "Fuel",
  "overview.airPreheat": "Air preheat",
  "overview.flue": "Flue gas to recuperator",
  "overview.o2": "O₂ (dry)",
  "overview.co": "CO",
  "overview.nox": "NOx",
  "overview.pressure": "Furnace pressure",
  "overview.throughput": "Throughput",
  "overview.airFlow": "Combustion air",
  "overview.dischargeTemp": "Discharge temperature",
  "overview.chargeTemp": "Charge temperature",
  "overview.gasFlow": "Gas flows towards the flue",
  "quality.age": "age",
  "quality.noValue": "no value yet",
  "devices.device": "Device",
  "devices.state": "State",
  "devices.address": "Address",
  "devices.lastGood": "Last good poll",
  "devices.requests": "Requests",
  "devices.errors": "Errors",
  "devices.rtt": "Round trip p50 / p99",
  "devices.error": "Last error",
  "devices.restarts": "PLC restarts",
  "devices.timeouts": "Timeouts",
  "devices.connectFailures": "Connection failures",
  "devices.protocolErrors": "Protocol errors",
  "devices.exceptions": "Modbus exceptions",
  "devices.tags": "Tags",
  "devices.tag": "Tag",
  "devices.value": "Value",
  "devices.quality": "Quality",
  "devices.description": "Description",
  "state.idle": "idle",
  "state.connecting": "connecting",
  "state.connected": "connected",
  "state.disconnected": "disconnected",
  "close.title": "Keep recording?",
  "close.body": "This window runs the engine. Hearth can keep recording furnace data in the tray after the window closes.",
  "close.tray": "Keep recording in the tray",
  "close.quit": "Stop recording and quit",
  "close.cancel": "Cancel",
  "error.connect": "Cannot reach the Hearth engine",
  "language": "Language",
} as const;

export type Key = keyof typeof en;

export const zhCN: Record<Key, string> = {
  "app.title": "Hearth 炉况",
  "nav.overview": "总览",
  "nav.devices": "设备",
  "header.plantTime": "工厂时间",
  "header.utcHint": "UTC",
  "link.connecting": "正在连接…",
  "link.live": "实时",
  "link.lost": "与引擎的连接中断：正在重试",
  "historian.cannotWrite": "历史数据未能写入磁盘。数据暂存于内存，待磁盘恢复后继续写入：",
  "engine.inProcess": "引擎运行于本窗口",
  "engine.attached": "已连接到引擎",
  "engine.browser": "引擎",
  "overview.recuperator": "换热器",
  "overview.stack": "烟气",
  "overview.charge": "装料",
  "overview.discharge": "出料",
  "overview.setpoint": "设定值",
  "overview.fuel": "燃气",
  "overview.airPreheat": "空气预热温度",
  "overview.flue": "换热器入口烟气温度",
  "overview.o2": "O₂（干基）",
  "overview.co": "CO",
  "overview.nox": "NOx",
  "overview.pressure": "炉膛压力",
  "overview.throughput": "产量",
  "overview.airFlow": "助燃空气",
  "overview.dischargeTemp": "出钢温度",
  "overview.chargeTemp": "装料温度",
  "overview.gasFlow": "烟气流向烟道",
  "quality.age": "距今",
  "quality.noValue": "尚无数值",
  "devices.device": "设备",
  "devices.state": "状态",
  "devices.address": "地址",
  "devices.lastGood": "最近成功轮询",
  "devices.requests": "请求数",
  "devices.errors": "错误数",
  "devices.rtt": "往返时间 p50 / p99",
  "devices.error": "最近错误",
  "devices.restarts": "PLC 重启次数",
  "devices.timeouts": "超时",
  "devices.connectFailures": "连接失败",
  "devices.protocolErrors": "协议错误",
  "devices.exceptions": "Modbus 异常应答",
  "devices.tags": "位号",
  "devices.tag": "位号",
  "devices.value": "数值",
  "devices.quality": "质量",
  "devices.description": "说明",
  "state.idle": "空闲",
  "state.connecting": "连接中",
  "state.connected": "已连接",
  "state.disconnected": "已断开",
  "close.title": "继续记录？",
  "close.body": "本窗口正在运行引擎。关闭窗口后，Hearth 可以在系统托盘中继续记录炉况数据。",
  "close.tray": "在托盘中继续记录",
  "close.quit": "停止记录并退出",
  "close.cancel": "取消",
  "error.connect": "无法连接到 Hearth 引擎",
  "language": "语言",
};

export const catalogues = { en: en as Record<Key, string>, "zh-CN": zhCN } as const;
export type Locale = keyof typeof catalogues;

function initialLocale(): Locale {
  const asked = typeof location !== "undefined" ? new URLSearchParams(location.search).get("lang") : null;
  if (asked === "en" || asked === "zh-CN") return asked;
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("hearth.locale") : null;
  if (saved === "en" || saved === "zh-CN") return saved;
  return typeof navigator !== "undefined" && navigator.language.startsWith("zh") ? "zh-CN" : "en";
}

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
export { locale };

export function setLocale(l: Locale): void {
  setLocaleSignal(l);
  if (typeof localStorage !== "undefined") localStorage.setItem("hearth.locale", l);
  if (typeof document !== "undefined") document.documentElement.lang = l;
}

export function t(key: Key): string {
  return catalogues[locale()][key];
}
