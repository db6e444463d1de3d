// The second engine the end-to-end tests start: a plant whose furnace is writable from
// browsers, with a tag description that tries to inject script.
export const basePort = Number(process.env.HEARTH_E2E_PORT ?? 18790);
export const writablePort = basePort + 1;
export const writableUrl = `http://127.0.0.1:${writablePort}`;
export const INJECTED = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
