"""A pymodbus server holding one value of every data type in every word order, for checking
Hearth's decoding against a Modbus implementation not written here.

    python pymodbus_server.py --port PORT

Prints one JSON line (the manifest: name, register, address, type, order, bit, value) and then
serves until killed. The registers are laid out with Python's struct module, independently of
Hearth's codecs.
"""

import argparse
import json
import struct
import sys

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import StartTcpServer

FORMATS = {
    "int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I",
    "float32": ">f", "int64": ">q", "uint64": ">Q", "float64": ">d",
}
VALUES = {
    "int16": -12345, "uint16": 54321, "int32": -123456789, "uint32": 3000000000,
    "float32": 1234.5, "int64": -1234567890123, "uint64": 9876543210123, "float64": -98765.4321,
}


def words(ty, order, value):
    """Registers for `value` as `ty` in `order` (ABCD: big-endian; CDAB: words reversed;
    BADC: bytes swapped in each word; DCBA: both)."""
    raw = struct.pack(FORMATS[ty], value)
    regs = [raw[i:i + 2] for i in range(0, len(raw), 2)]
    if order in ("CDAB", "DCBA"):
        regs = regs[::-1]
    if order in ("BADC", "DCBA"):
        regs = [r[::-1] for r in regs]
    return [int.from_bytes(r, "big") for r in regs]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()

    manifest, holding, inputs = [], [], []
    for ty in FORMATS:
        orders = ["ABCD", "BADC"] if ty.endswith("16") else ["ABCD", "CDAB", "BADC", "DCBA"]
        for order in orders:
            regs = words(ty, order, VALUES[ty])
            manifest.append({"name": f"{ty}_{order}".lower(), "register": "holding", "address": len(holding),
                             "type": ty, "order": order, "value": VALUES[ty]})
            holding.extend(regs)
    # A scaled measurement in an input register, and a flag in bit 5 of another.
    manifest.append({"name": "temp_x10", "register": "input", "address": 0, "type": "int16",
                     "order": "ABCD", "scale": 0.1, "value": -12.3})
    inputs.append(struct.unpack(">H", struct.pack(">h", -123))[0])
    manifest.append({"name": "flag_bit5", "register": "input", "address": 1, "type": "bool",
                     "order": "ABCD", "bit": 5, "value": 1})
    inputs.append(1 << 5)
    manifest.append({"name": "coil_on", "register": "coil", "address": 3, "type": "bool", "order": "ABCD", "value": 1})
    manifest.append({"name": "input_off", "register": "discrete", "address": 2, "type": "bool", "order": "ABCD", "value": 0})

    # pymodbus data blocks are 1-based internally: address 0 on the wire is index 1.
    device = ModbusDeviceContext(
        hr=ModbusSequentialDataBlock(1, holding),
        ir=ModbusSequentialDataBlock(1, inputs),
        co=ModbusSequentialDataBlock(1, [0, 0, 0, 1, 0, 0, 0, 0]),
        di=ModbusSequentialDataBlock(1, [1, 1, 0, 1, 1, 1, 1, 1]),
    )
    print(json.dumps(manifest), flush=True)
    StartTcpServer(context=ModbusServerContext(devices=device, single=True), address=("127.0.0.1", args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
