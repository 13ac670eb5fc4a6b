"""Core NATS publish+flush vs JetStream publish+ack, sequential, one notice each."""
import asyncio, time, statistics, sys
import nats

N = 2000
PAYLOAD = b'{"i":"00000000-0000-0000-0000-000000000000","p":"00000000-0000-0000-0000-000000000001","s":12345,"t":1764655200000}'

def pct(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))]

async def main(url):
    nc = await nats.connect(url)
    js = nc.jetstream()
    for storage in ("file", "memory"):
        name = f"N{storage}"
        try:
            await js.delete_stream(name)
        except Exception:
            pass
        await js.add_stream(name=name, subjects=[f"{storage}.>"], storage=storage)
    rows = []
    core = []
    for i in range(N):
        t = time.perf_counter(); await nc.publish("core.p.x.changes", PAYLOAD); await nc.flush(); core.append(time.perf_counter() - t)
    rows.append(("core publish + flush (server has it)", core))
    for storage in ("file", "memory"):
        lat = []
        for i in range(N):
            t = time.perf_counter()
            await js.publish(f"{storage}.p.x.changes", PAYLOAD, headers={"Nats-Msg-Id": f"p:{i}"})
            lat.append(time.perf_counter() - t)
        rows.append((f"JetStream publish + ack, {storage} storage, de-dup by id", lat))
    for name, xs in rows:
        print(f"{name}: p50 {pct(xs,.5)*1e3:.3f} ms, p99 {pct(xs,.99)*1e3:.3f} ms, {N/sum(xs):.0f}/s sequential")
    await nc.close()

asyncio.run(main(sys.argv[1]))
