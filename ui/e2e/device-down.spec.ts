// A PLC that stops answering greys its values (kept, with their age) and shows its state; when it
// answers again, the values come back.
import { connect } from "node:net";
import { expect, test } from "@playwright/test";

type Status = { devices: { name: string; address: string }[] };

/** Modbus TCP "write single register" (FC06) to the bundled simulator's control block. */
function writeRegister(address: string, register: number, value: number): Promise<void> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), host ?? "127.0.0.1", () => {
      const frame = Buffer.alloc(12);
      frame.writeUInt16BE(1, 0); // transaction
      frame.writeUInt16BE(0, 2); // protocol
      frame.writeUInt16BE(6, 4); // length: unit + PDU
      frame.writeUInt8(1, 6); // unit id
      frame.writeUInt8(6, 7); // function 06
      frame.writeUInt16BE(register, 8);
      frame.writeUInt16BE(value, 10);
      sock.write(frame);
    });
    sock.on("data", (reply) => {
      sock.end();
      // An echo of the request is success; function | 0x80 is an exception.
      if (reply.readUInt8(7) === 6) resolve();
      else reject(new Error(`exception ${reply.readUInt8(8)}`));
    });
    sock.on("error", reject);
  });
}

test("a device that stops answering greys its values and shows its state", async ({ page, request }) => {
  test.setTimeout(90_000);
  await page.goto("/#overview");
  const zone = page.locator('.reading[data-tag="zone1_temp"]').first();
  await expect(zone).toHaveAttribute("data-quality", "Good", { timeout: 10_000 });

  const status = (await (await request.get("/api/status")).json()) as Status;
  const furnace = status.devices.find((d) => d.name === "furnace");
  if (!furnace) throw new Error("no furnace device");
  // Control register 1008: the simulated PLC answers nothing for this many seconds.
  await writeRegister(furnace.address, 1008, 12);

  await expect(zone).toHaveAttribute("data-quality", /^Bad_/, { timeout: 20_000 });
  await expect(zone).toHaveClass(/q-bad/);
  // The last good number stays on screen, greyed, with its age.
  await expect(zone.locator(".number")).toHaveText(/\d/);
  await expect(zone.locator(".quality")).toContainText("age");
  await expect(page.locator(".link")).toContainText("0/1");

  await page.locator('[data-page="devices"]').click();
  const row = page.locator('tr[data-device="furnace"] td.state');
  await expect(row).toHaveText(/^(disconnected|connecting)$/, { timeout: 5_000 });

  // Back after the drop.
  await page.locator('[data-page="overview"]').click();
  await expect(zone).toHaveAttribute("data-quality", "Good", { timeout: 40_000 });
  await expect(page.locator(".link")).toContainText("1/1");
});
