// Must be first: later modules read navigator.language when they load.
import "./locale-shim";
import { render } from "solid-js/web";
import { App } from "./App";
import { locale } from "./i18n";
import "./styles.css";

document.documentElement.lang = locale();
const root = document.getElementById("root");
if (root) render(() => <App />, root);
