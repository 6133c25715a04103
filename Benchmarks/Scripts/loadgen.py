#!/usr/bin/env python3
"""The endpoint's own ceiling: a stdlib asyncio load generator with keep-alive connections.

    loadgen.py PORT CONCURRENCY REQUESTS   → prints requests/s
"""
import asyncio
import sys
import time


async def worker(port, count, body):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    for _ in range(count):
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0][15:])
        await reader.readexactly(length)
    writer.close()


async def main(port, concurrency, total):
    body = b'{"model":"m","messages":[{"role":"user","content":"hello"}]}'
    start = time.perf_counter()
    await asyncio.gather(*[worker(port, total // concurrency, body) for _ in range(concurrency)])
    elapsed = time.perf_counter() - start
    print("%.1f" % ((total // concurrency) * concurrency / elapsed))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
