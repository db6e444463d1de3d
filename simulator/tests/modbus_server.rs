//! The simulator's Modbus TCP server answers like a PLC: every function it supports, the right
//! exception for everything else, and no client can stall another or make it panic. Raw frames
//! over real TCP, so nothing here depends on a client library's own checks.

use std::time::Duration;

use hearth_sim::{RunningSimulator, SimulatorOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type R<T> = Result<T, Box<dyn std::error::Error>>;

async fn sim() -> R<RunningSimulator> {
    Ok(RunningSimulator::start(SimulatorOptions::bundled_loopback(1)?).await?)
}

struct Client {
    s: TcpStream,
    tid: u16,
}

impl Client {
    async fn new(sim: &RunningSimulator) -> R<Client> {
        Ok(Client {
            s: TcpStream::connect(sim.local_addr()).await?,
            tid: 0,
        })
    }

    /// Send `pdu` to `unit`, return the response PDU.
    async fn ask(&mut self, unit: u8, pdu: &[u8]) -> R<Vec<u8>> {
        self.tid = self.tid.wrapping_add(1);
        let mut frame = Vec::new();
        frame.extend_from_slice(&self.tid.to_be_bytes());
        frame.extend_from_slice(&[0, 0]);
        frame.extend_from_slice(&((pdu.len() + 1) as u16).to_be_bytes());
        frame.push(unit);
        frame.extend_from_slice(pdu);
        self.s.write_all(&frame).await?;
        let mut h = [0u8; 7];
        tokio::time::timeout(Duration::from_secs(2), self.s.read_exact(&mut h)).await??;
        assert_eq!(
            u16::from_be_bytes([h[0], h[1]]),
            self.tid,
            "transaction id echoed"
        );
        assert_eq!([h[2], h[3]], [0, 0], "protocol id 0");
        assert_eq!(h[6], unit, "unit id echoed");
        let len = usize::from(u16::from_be_bytes([h[4], h[5]])) - 1;
        let mut body = vec![0u8; len];
        self.s.read_exact(&mut body).await?;
        Ok(body)
    }
}

fn read(fc: u8, addr: u16, count: u16) -> Vec<u8> {
    let mut v = vec![fc];
    v.extend_from_slice(&addr.to_be_bytes());
    v.extend_from_slice(&count.to_be_bytes());
    v
}

fn exception(resp: &[u8]) -> Option<(u8, u8)> {
    (resp.len() == 2 && resp[0] & 0x80 != 0).then(|| (resp[0] & 0x7F, resp[1]))
}

#[tokio::test]
async fn reads_of_every_kind_return_the_mapped_values() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    let r = c.ask(1, &read(0x04, 0, 31)).await?;
    assert_eq!((r[0], r[1]), (0x04, 62));
    let zone1 = f64::from(i16::from_be_bytes([r[2], r[3]])) * 0.1;
    assert!((900.0..1200.0).contains(&zone1), "zone1_temp {zone1}");
    let r = c.ask(1, &read(0x03, 0, 6)).await?;
    assert_eq!((r[0], r[1]), (0x03, 12));
    assert_eq!(
        i16::from_be_bytes([r[2], r[3]]),
        10500,
        "zone1 setpoint 1050.0 C"
    );
    let r = c.ask(1, &read(0x01, 0, 3)).await?;
    assert_eq!(r, vec![0x01, 1, 0b111], "three burners on");
    let r = c.ask(1, &read(0x02, 0, 5)).await?;
    assert_eq!(r, vec![0x02, 1, 0b01111], "flames, fan running, no trip");
    Ok(())
}

#[tokio::test]
async fn writes_of_every_kind_take_effect_and_are_echoed() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    // FC06: zone 2 setpoint 1280.0 C.
    let r = c.ask(1, &[0x06, 0, 1, 0x32, 0x00]).await?;
    assert_eq!(r, vec![0x06, 0, 1, 0x32, 0x00]);
    // FC16: O2 setpoint 2.5 % and pace 280.0 t/h.
    let r = c
        .ask(1, &[0x10, 0, 3, 0, 2, 4, 0x00, 250, 0x0A, 0xF0])
        .await?;
    assert_eq!(r, vec![0x10, 0, 3, 0, 2]);
    // FC05: burners of zone 3 off; FC15: zones 1 and 2 off then on again.
    assert_eq!(
        c.ask(1, &[0x05, 0, 2, 0x00, 0x00]).await?,
        vec![0x05, 0, 2, 0x00, 0x00]
    );
    assert_eq!(
        c.ask(1, &[0x0F, 0, 0, 0, 2, 1, 0b00]).await?,
        vec![0x0F, 0, 0, 0, 2]
    );
    assert_eq!(
        c.ask(1, &[0x0F, 0, 0, 0, 2, 1, 0b11]).await?,
        vec![0x0F, 0, 0, 0, 2]
    );
    let (sp2, o2, pace, burners) = sim.with_simulation(|s| {
        (
            s.plc.zone_sp[1],
            s.plc.o2_sp,
            s.plc.pace_sp,
            s.plc.burners_on,
        )
    });
    assert!((sp2 - 1280.0).abs() < 1e-9);
    assert!((o2 - 2.5).abs() < 1e-9);
    assert!((pace - 280.0).abs() < 1e-9);
    assert_eq!(burners, [true, true, false]);
    let r = c.ask(1, &read(0x03, 1, 1)).await?;
    assert_eq!(r, vec![0x03, 2, 0x32, 0x00], "read back what was written");
    Ok(())
}

#[tokio::test]
async fn every_refusal_is_the_exception_a_plc_sends() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    let cases: Vec<(&str, Vec<u8>, (u8, u8))> = vec![
        ("unsupported function 07", vec![0x07], (0x07, 0x01)),
        (
            "unsupported function 2B (device id)",
            vec![0x2B, 0x0E, 0x01, 0x00],
            (0x2B, 0x01),
        ),
        ("unsupported function 17", read(0x17, 0, 1), (0x17, 0x01)),
        ("unmapped input register", read(0x04, 200, 1), (0x04, 0x02)),
        ("read running past the map", read(0x04, 35, 5), (0x04, 0x02)),
        ("unmapped coil", read(0x01, 50, 1), (0x01, 0x02)),
        ("zero registers", read(0x03, 0, 0), (0x03, 0x03)),
        ("126 registers", read(0x04, 0, 126), (0x04, 0x03)),
        ("2001 bits", read(0x02, 0, 2001), (0x02, 0x03)),
        ("zero bits", read(0x01, 0, 0), (0x01, 0x03)),
        ("a read PDU too short", vec![0x04, 0, 0], (0x04, 0x03)),
        (
            "a read PDU too long",
            vec![0x04, 0, 0, 0, 1, 9],
            (0x04, 0x03),
        ),
        (
            "setpoint above its range (1400.0 C)",
            vec![0x06, 0, 0, 0x36, 0xB0],
            (0x06, 0x03),
        ),
        (
            "setpoint below its range (700.0 C)",
            vec![0x06, 0, 0, 0x1B, 0x58],
            (0x06, 0x03),
        ),
        (
            "write to an unmapped holding register",
            vec![0x06, 0, 99, 0, 1],
            (0x06, 0x02),
        ),
        (
            "coil value neither FF00 nor 0000",
            vec![0x05, 0, 0, 0x12, 0x34],
            (0x05, 0x03),
        ),
        // 124 registers cannot fit a Modbus TCP frame; the quantity alone must be refused.
        (
            "124-register write",
            {
                let mut v = vec![0x10, 0, 0, 0, 124, 248];
                v.extend(std::iter::repeat_n(0u8, 246));
                v
            },
            (0x10, 0x03),
        ),
        (
            "byte count disagreeing with the quantity",
            vec![0x10, 0, 0, 0, 2, 2, 0x28, 0x00],
            (0x10, 0x03),
        ),
        (
            "bytes missing after the byte count",
            vec![0x10, 0, 0, 0, 1, 2, 0x28],
            (0x10, 0x03),
        ),
        (
            "coil byte count wrong",
            vec![0x0F, 0, 0, 0, 3, 2, 0b111, 0],
            (0x0F, 0x03),
        ),
    ];
    for (what, pdu, expected) in cases {
        let resp = c.ask(1, &pdu).await?;
        assert_eq!(exception(&resp), Some(expected), "{what}: got {resp:02X?}");
    }
    // A refused write changes nothing, not even the part of it that was valid.
    let r = c
        .ask(1, &[0x10, 0, 0, 0, 2, 4, 0x28, 0x00, 0x36, 0xB0])
        .await?;
    assert_eq!(exception(&r), Some((0x10, 0x03)));
    assert_eq!(
        sim.with_simulation(|s| s.plc.zone_sp),
        [1050.0, 1270.0, 1236.0]
    );
    // The connection survived every one of them.
    assert_eq!(c.ask(1, &read(0x04, 0, 1)).await?.len(), 4);
    Ok(())
}

#[tokio::test]
async fn another_unit_id_gets_gateway_target_failed_and_0_and_255_are_answered() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    assert_eq!(
        exception(&c.ask(7, &read(0x04, 0, 1)).await?),
        Some((0x04, 0x0B))
    );
    assert_eq!(c.ask(0, &read(0x04, 0, 1)).await?.len(), 4);
    assert_eq!(c.ask(255, &read(0x04, 0, 1)).await?.len(), 4);
    Ok(())
}

#[tokio::test]
async fn garbage_and_slow_clients_never_stop_a_good_one() -> R<()> {
    let sim = sim().await?;
    let addr = sim.local_addr();
    // Bytes that are not Modbus TCP: the server closes that connection, and only that one.
    let mut junk = TcpStream::connect(addr).await?;
    junk.write_all(b"GET / HTTP/1.1\r\nHost: plc\r\n\r\n")
        .await?;
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(2), junk.read(&mut buf)).await??;
    assert_eq!(n, 0, "a non-Modbus peer is disconnected");
    // A lying length field (0) and one past the maximum.
    for len in [0u16, 1, 255, 0xFFFF] {
        let mut s = TcpStream::connect(addr).await?;
        let l = len.to_be_bytes();
        s.write_all(&[0, 1, 0, 0, l[0], l[1], 1, 4, 0, 0, 0, 1])
            .await?;
        let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await??;
        assert_eq!(n, 0, "length {len} closes the connection");
    }
    // Slow clients: half a header, then nothing, and a client dripping one byte at a time.
    let mut stalled = Vec::new();
    for _ in 0..20 {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(&[0, 1, 0]).await?;
        stalled.push(s);
    }
    let mut drip = TcpStream::connect(addr).await?;
    let drip_task = tokio::spawn(async move {
        for b in [0u8, 9, 0, 0, 0, 6, 1, 4, 0, 0, 0, 1] {
            drip.write_all(&[b]).await.ok();
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        let mut h = [0u8; 11];
        tokio::time::timeout(Duration::from_secs(3), drip.read_exact(&mut h))
            .await
            .is_ok_and(|r| r.is_ok())
    });
    // Meanwhile a well-behaved client gets every answer promptly.
    let mut good = Client::new(&sim).await?;
    for _ in 0..50 {
        let r = good.ask(1, &read(0x04, 0, 31)).await?;
        assert_eq!(r.len(), 64);
    }
    assert!(
        drip_task.await?,
        "the dripping client is answered once its frame is complete"
    );
    drop(stalled);
    Ok(())
}

#[tokio::test]
async fn many_clients_at_once_are_all_served() -> R<()> {
    let sim = sim().await?;
    let mut tasks = Vec::new();
    for i in 0..64u16 {
        let addr = sim.local_addr();
        tasks.push(tokio::spawn(async move {
            let mut c = Client {
                s: TcpStream::connect(addr).await.ok()?,
                tid: i * 100,
            };
            for _ in 0..20 {
                let r = c.ask(1, &read(0x04, 0, 31)).await.ok()?;
                if r.len() != 64 {
                    return None;
                }
            }
            Some(())
        }));
    }
    for t in tasks {
        assert!(t.await?.is_some());
    }
    Ok(())
}

#[tokio::test]
async fn the_control_block_starts_and_clears_faults_and_refuses_nonsense() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    // Start "burner trip, zone 2" (code 8) and see it in the active-faults mask (bit 7).
    assert_eq!(
        c.ask(1, &[0x06, 0x03, 0xE8, 0, 8]).await?,
        vec![0x06, 0x03, 0xE8, 0, 8]
    );
    assert!(sim.with_simulation(|s| s.faults.burner_trip[1]));
    let r = c.ask(1, &read(0x03, 1002, 1)).await?;
    assert_eq!(u16::from_be_bytes([r[2], r[3]]) & (1 << 7), 1 << 7);
    // Clear it (register 1001), and set the charge temperature to 550.0 C (register 1004).
    c.ask(1, &[0x06, 0x03, 0xE9, 0, 8]).await?;
    c.ask(1, &[0x10, 0x03, 0xEC, 0, 1, 2, 0x15, 0x7C]).await?;
    assert!(!sim.with_simulation(|s| s.faults.burner_trip[1]));
    assert_eq!(sim.with_simulation(|s| s.plc.charge_temp_c), 550.0);
    // Speed: read back what was written.
    c.ask(1, &[0x06, 0x03, 0xEB, 0, 100]).await?;
    assert_eq!(c.ask(1, &read(0x03, 1003, 1)).await?, vec![0x03, 2, 0, 100]);
    // The grade mix: three grades; make grade 2 every slab and aim it at 1230.0 C.
    assert_eq!(c.ask(1, &read(0x03, 1010, 1)).await?, vec![0x03, 2, 0, 3]);
    let w = c
        .ask(
            1,
            &[
                0x10, 0x03, 0xF3, 0, 4, 8, 0, 0, 0x03, 0xE8, 0, 0, 0x30, 0x0C,
            ],
        )
        .await?; // 1011-1014
    assert_eq!(w, vec![0x10, 0x03, 0xF3, 0, 4], "grade write accepted");
    let r = c.ask(1, &read(0x03, 1011, 6)).await?;
    assert_eq!(
        &r[2..8],
        &[0, 0, 0x03, 0xE8, 0, 0],
        "shares 0, 1000, 0 per mille"
    );
    let (shares, aim2) = sim.with_simulation(|s| {
        (
            s.grades().iter().map(|g| g.share).collect::<Vec<_>>(),
            s.grades()[1].aim_c,
        )
    });
    assert_eq!(shares, vec![0.0, 1.0, 0.0]);
    assert_eq!(aim2, 1220.0, "1014 is grade 1's aim");
    assert_eq!(sim.with_simulation(|s| s.grades()[0].aim_c), 1230.0);
    assert_eq!(
        exception(
            &c.ask(1, &[0x10, 0x03, 0xF3, 0, 3, 6, 0, 0, 0, 0, 0, 0])
                .await?
        ),
        Some((0x10, 0x03)),
        "all shares zero"
    );
    // Nonsense is refused like any PLC refuses it.
    assert_eq!(
        exception(&c.ask(1, &[0x06, 0x03, 0xE8, 0, 99]).await?),
        Some((0x06, 0x03)),
        "unknown fault code"
    );
    assert_eq!(
        exception(&c.ask(1, &[0x06, 0x03, 0xEA, 0, 1]).await?),
        Some((0x06, 0x02)),
        "active-faults is read-only"
    );
    assert_eq!(
        exception(&c.ask(1, &read(0x03, 1015, 5)).await?),
        Some((0x03, 0x02)),
        "past the block"
    );
    assert_eq!(
        exception(&c.ask(1, &read(0x04, 1000, 1)).await?),
        Some((0x04, 0x02)),
        "no input registers there"
    );
    Ok(())
}

#[tokio::test]
async fn a_comms_drop_leaves_requests_unanswered_until_it_ends() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    c.ask(1, &[0x06, 0x03, 0xF0, 0, 1]).await?; // register 1008: silent for 1 s
    let mut frame = vec![0, 77, 0, 0, 0, 6, 1];
    frame.extend(read(0x04, 0, 1));
    c.s.write_all(&frame).await?;
    let mut h = [0u8; 7];
    let early = tokio::time::timeout(Duration::from_millis(500), c.s.read_exact(&mut h)).await;
    assert!(early.is_err(), "answered during a comms drop");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut c2 = Client::new(&sim).await?;
    assert_eq!(
        c2.ask(1, &read(0x04, 0, 1)).await?.len(),
        4,
        "answering again after the drop"
    );
    Ok(())
}

#[tokio::test]
async fn a_plc_restart_drops_connections_and_comes_back_with_counters_reset() -> R<()> {
    let sim = sim().await?;
    sim.with_simulation(|s| s.step(30.0));
    let mut c = Client::new(&sim).await?;
    c.ask(1, &[0x06, 0, 0, 0x2A, 0xF8]).await?; // zone 1 setpoint 1100.0 C
    let r = c.ask(1, &read(0x04, 20, 1)).await?;
    assert!(
        u16::from_be_bytes([r[2], r[3]]) >= 30,
        "heartbeat running before the restart"
    );
    c.ask(1, &[0x06, 0x03, 0xF1, 0, 1]).await?; // register 1009: restart
    let mut frame = vec![0, 99, 0, 0, 0, 6, 1];
    frame.extend(read(0x04, 20, 1));
    c.s.write_all(&frame).await.ok();
    let mut buf = [0u8; 8];
    let n = tokio::time::timeout(Duration::from_secs(2), c.s.read(&mut buf)).await??;
    assert_eq!(n, 0, "the old connection is closed by the restart");
    // It answers nothing for a few seconds, then comes back from its defaults.
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let mut c2 = Client::new(&sim).await?;
    let r = c2.ask(1, &read(0x04, 20, 3)).await?;
    assert!(u16::from_be_bytes([r[2], r[3]]) < 10, "heartbeat restarted");
    assert!(
        u32::from_be_bytes([r[4], r[5], r[6], r[7]]) < 10,
        "uptime restarted"
    );
    assert_eq!(
        c2.ask(1, &read(0x03, 0, 1)).await?,
        vec![0x03, 2, 0x29, 0x04],
        "setpoint back to 1050.0 C"
    );
    Ok(())
}

#[tokio::test]
async fn in_local_mode_a_setpoint_write_is_acknowledged_but_not_applied() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    assert_eq!(
        c.ask(1, &read(0x03, 5, 1)).await?,
        vec![0x03, 2, 0, 1],
        "remote mode at start"
    );
    c.ask(1, &[0x06, 0, 5, 0, 0]).await?; // local
    let r = c.ask(1, &[0x06, 0, 0, 0x2A, 0xF8]).await?; // zone 1 setpoint 1100.0 C
    assert_eq!(r, vec![0x06, 0, 0, 0x2A, 0xF8], "acknowledged");
    assert_eq!(
        c.ask(1, &read(0x03, 0, 1)).await?,
        vec![0x03, 2, 0x29, 0x04],
        "but the operator's 1050.0 C stands"
    );
    c.ask(1, &[0x06, 0, 4, 0x0A, 0xF0]).await?; // pace 280.0 t/h comes from the mill in any mode
    assert_eq!(sim.with_simulation(|s| s.plc.pace_sp), 280.0);
    c.ask(1, &[0x06, 0, 5, 0, 1]).await?; // remote again
    c.ask(1, &[0x06, 0, 0, 0x2A, 0xF8]).await?;
    assert_eq!(
        c.ask(1, &read(0x03, 0, 1)).await?,
        vec![0x03, 2, 0x2A, 0xF8],
        "applied in remote mode"
    );
    Ok(())
}

#[tokio::test]
async fn a_running_simulator_plays_its_scenario_in_plant_time() -> R<()> {
    let scenario = hearth_sim::Scenario::parse(
        "name = 't'\n[[event]]\nat_min = 1\ndo = 'pace'\ntph = 250\n[[event]]\nat_min = 2\ndo = 'start_fault'\nfault = { kind = 'fan_trip' }\n",
    )?;
    let sim = RunningSimulator::start(SimulatorOptions {
        speed: 600.0,
        scenario: Some(scenario),
        ..SimulatorOptions::bundled_loopback(1)?
    })
    .await?;
    // 600x: two plant minutes pass in 0.2 s of wall time.
    let mut c = Client::new(&sim).await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let pace = c.ask(1, &read(0x03, 4, 1)).await?;
        let trip = c.ask(1, &read(0x02, 4, 1)).await?;
        if pace == vec![0x03, 2, 0x09, 0xC4] && trip == vec![0x02, 1, 1] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "scenario not played: pace {pace:02X?}, trip {trip:02X?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[tokio::test]
async fn random_pdus_always_get_an_answer_and_never_break_the_server() -> R<()> {
    let sim = sim().await?;
    let mut c = Client::new(&sim).await?;
    // A fixed xorshift sequence: reproducible, covering every function code and odd lengths.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut exceptions = 0;
    for i in 0..5000 {
        let len = 1 + (next() % 40) as usize;
        let mut pdu: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Bias half of them towards the supported functions, where the parsing is.
        if i % 2 == 0 {
            pdu[0] = [1u8, 2, 3, 4, 5, 6, 15, 16][(next() % 8) as usize];
        }
        let resp = c.ask(1, &pdu).await?;
        assert!(!resp.is_empty());
        assert_eq!(
            resp[0] & 0x7F,
            pdu[0] & 0x7F,
            "answer for the function asked"
        );
        if resp[0] & 0x80 != 0 {
            exceptions += 1;
            assert!(
                matches!(resp[1], 1..=3),
                "exception {:02X} for {pdu:02X?}",
                resp[1]
            );
        }
    }
    assert!(
        exceptions > 2000,
        "most random requests are refused: {exceptions}"
    );
    assert_eq!(c.ask(1, &read(0x04, 0, 1)).await?.len(), 4, "still serving");
    Ok(())
}
