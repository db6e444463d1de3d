"""Drive the Hearth simulator with pymodbus, a Modbus implementation not written here.

Reads every register kind, decodes with pymodbus's own converters, writes with FC 5, 6, 15 and
16 and reads back, and provokes exceptions. Prints one JSON document with what it saw; exits 1
with a list of failures if anything misbehaves.

    python pymodbus_client.py --port PORT
"""

import argparse
import json
import sys

from pymodbus.client import ModbusTcpClient

C = ModbusTcpClient


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()

    failures = []
    seen = {}

    def check(cond, what):
        if not cond:
            failures.append(what)

    client = ModbusTcpClient(args.host, port=args.port, timeout=3, retries=0)
    if not client.connect():
        print(json.dumps({"failures": ["cannot connect"]}))
        return 1

    # FC04: measurements, with int16 x0.1, uint16 x0.01 and float32 in both word orders.
    rr = client.read_input_registers(0, count=31, device_id=1)
    check(not rr.isError(), f"FC04 read failed: {rr}")
    if not rr.isError():
        r = rr.registers
        seen["zone1_temp"] = C.convert_from_registers(r[0:1], C.DATATYPE.INT16) * 0.1
        seen["o2"] = C.convert_from_registers(r[7:8], C.DATATYPE.UINT16) * 0.01
        seen["zone1_fuel"] = C.convert_from_registers(r[12:14], C.DATATYPE.FLOAT32, word_order="big")
        seen["zone2_fuel"] = C.convert_from_registers(r[14:16], C.DATATYPE.FLOAT32, word_order="little")
        seen["air_flow"] = C.convert_from_registers(r[18:20], C.DATATYPE.FLOAT32, word_order="little")
        seen["uptime"] = C.convert_from_registers(r[21:23], C.DATATYPE.UINT32, word_order="big")
        seen["plant_clock"] = C.convert_from_registers(r[27:31], C.DATATYPE.UINT64, word_order="big")

    # FC03: setpoints.
    rr = client.read_holding_registers(0, count=6, device_id=1)
    check(not rr.isError(), f"FC03 read failed: {rr}")
    if not rr.isError():
        seen["zone_sp"] = [C.convert_from_registers([w], C.DATATYPE.INT16) * 0.1 for w in rr.registers[0:3]]

    # FC01 / FC02: bits.
    rr = client.read_coils(0, count=3, device_id=1)
    check(not rr.isError() and rr.bits[:3] == [True, True, True], f"FC01 burners: {rr}")
    rr = client.read_discrete_inputs(0, count=5, device_id=1)
    check(not rr.isError() and rr.bits[:5] == [True, True, True, True, False], f"FC02 status: {rr}")

    # FC06 and FC16, then read back.
    wr = client.write_register(1, 12800, device_id=1)
    check(not wr.isError(), f"FC06 write failed: {wr}")
    wr = client.write_registers(3, [250, 2800], device_id=1)
    check(not wr.isError(), f"FC16 write failed: {wr}")
    rr = client.read_holding_registers(1, count=4, device_id=1)
    check(not rr.isError() and rr.registers == [12800, 12360, 250, 2800], f"read back after writes: {rr}")
    seen["written"] = {"zone2_sp": 1280.0, "o2_sp": 2.5, "pace_sp": 280.0}

    # FC05 and FC15, then read back.
    wr = client.write_coil(2, False, device_id=1)
    check(not wr.isError(), f"FC05 write failed: {wr}")
    wr = client.write_coils(0, [True, False], device_id=1)
    check(not wr.isError(), f"FC15 write failed: {wr}")
    rr = client.read_coils(0, count=3, device_id=1)
    check(not rr.isError() and rr.bits[:3] == [True, False, False], f"coils after writes: {rr}")
    seen["burners"] = [True, False, False]

    # Exceptions: unmapped address (02), a read past the map (02), setpoint out of range (03),
    # wrong unit (0B). (pymodbus will not send a count over 125; the raw-frame tests cover that.)
    def exc(resp):
        return getattr(resp, "exception_code", None) if resp.isError() else None

    rr = client.read_input_registers(500, count=1, device_id=1)
    check(exc(rr) == 2, f"unmapped address should be exception 02, got {rr}")
    rr = client.read_holding_registers(4, count=5, device_id=1)
    check(exc(rr) == 2, f"a read past the map should be exception 02, got {rr}")
    wr = client.write_register(0, 20000, device_id=1)
    check(exc(wr) == 3, f"setpoint 2000 C should be exception 03, got {wr}")
    rr = client.read_input_registers(0, count=1, device_id=9)
    check(exc(rr) == 11, f"unit 9 should be exception 0B, got {rr}")
    seen["exceptions_checked"] = 4

    client.close()
    print(json.dumps({"failures": failures, "seen": seen}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
